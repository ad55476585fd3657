"""JSON representations in the shapes of GitHub's OpenAPI description, one module per kind of
GitHub object: `users`, `repos`, `git`, `issues`, `pulls`, `checks` and `deployments`.

Every object carries the fields the description marks required (clients such as PyGithub read
them without checking), with URLs that point back at the emulator so that following `url`,
`html_url` or `clone_url` stays on loopback.
"""

from __future__ import annotations

from gitops_release.testing.shapes.checks import CheckShapes
from gitops_release.testing.shapes.deployments import DeploymentShapes
from gitops_release.testing.shapes.git import GitShapes


class Shapes(GitShapes, CheckShapes, DeploymentShapes):
    """Store state as the JSON objects GitHub returns, one method per kind of object."""
