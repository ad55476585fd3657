"""REST endpoints of the emulator, one module per area of GitHub's API."""

from __future__ import annotations

from gitops_release.testing.context import Handler
from gitops_release.testing.routes import checks, deployments, issues, pulls, refs, repos
from gitops_release.testing.routing import Router


def build_router() -> Router[Handler]:
    router: Router[Handler] = Router()
    for module in (repos, refs, pulls, issues, checks, deployments):
        module.register(router)
    return router
