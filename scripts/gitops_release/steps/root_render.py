"""Render one kustomize directory of a commit on its own (named as a root even when other
kustomizations include it), from the git objects of a manifest checkout, and gate the result:
what a flow that writes a new root checks before it commits it."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from gitops_release.config import Config
from gitops_release.diff.resources import Resource, parse_manifests
from gitops_release.errors import RenderError
from gitops_release.gates import GateReport
from gitops_release.git import Git
from gitops_release.render.checkout import Revision, render_commits
from gitops_release.render.discover import ConfigRoots, RepoIndex
from gitops_release.render.model import RenderRoot
from gitops_release.render.run import Rendered
from gitops_release.render.tree import GitBlobStore, tree_from_git
from gitops_release.steps.gating import CheckOptions, gate_renders, with_polaris_from_git


@dataclass(frozen=True)
class RootRender:
    """A kustomize directory rendered at a commit: its resources, or why there are none."""

    path: str
    root: RenderRoot | None
    rendered: Rendered | None
    resources: tuple[Resource, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def render_directory_at(repo: Path, commit: str, path: str, *, timeout: float) -> RootRender:
    """`kubectl kustomize` of `path` as it is at `commit` (files written from git objects)."""
    tree = tree_from_git(repo, commit, store=GitBlobStore(repo))
    index = RepoIndex(tree, config_roots=ConfigRoots(kustomize=(path,)))
    root = index.root(f"kustomize:{path}")
    if root is None:
        return RootRender(path, None, None, error=f"{path} is not a kustomization directory")
    rendered = render_commits(repo, [Revision("root", commit, (root,), tree)], timeout=timeout)
    result = rendered[("root", root.key)]
    if not result.ok or result.text is None:
        return RootRender(path, root, result, error=f"render failed: {result.error}")
    try:
        resources = parse_manifests(result.text, source=path)
    except RenderError as exc:
        return RootRender(path, root, result, error=exc.message)
    return RootRender(path, root, result, resources)


def gate_directory(
    render: RootRender, git: Git, commit: str, options: CheckOptions, config: Config
) -> GateReport:
    """The gates over a rendered directory, with the config's gate settings at `commit`."""
    assert render.root is not None
    assert render.rendered is not None
    key = render.root.key
    with tempfile.TemporaryDirectory(prefix="gitops-release-gates-") as scratch:
        options = with_polaris_from_git(options, config, git, commit, Path(scratch))
        return gate_renders({key: render.rendered}, {key: render.root}, options, config)
