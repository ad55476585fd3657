"""Temporary worktrees leave nothing behind; plain directories render in place."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from gitops_release.render.checkout import render_directory, write_rendered
from gitops_release.render.worktree import temporary_worktrees

from .repos import apps_repo, git

pytestmark = pytest.mark.integration


def interrupted_while_rendering(repo: Path) -> None:
    commit = git(repo, "rev-parse", "HEAD")
    with temporary_worktrees(repo) as worktrees:
        partial = worktrees.add("base", commit, paths=["apps/web/base/deployment.yaml"])
        full = worktrees.add("head", commit, paths=None)
        assert sorted(p.name for p in partial.rglob("*.yaml")) == ["deployment.yaml"]
        assert (full / "apps/worker/overlays/production/kustomization.yaml").is_file()
        raise KeyboardInterrupt


def test_worktrees_are_removed_even_after_an_error(tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    with pytest.raises(KeyboardInterrupt):
        interrupted_while_rendering(repo)
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert list(Path(tempfile.gettempdir()).iterdir()) == []
    assert git(repo, "status", "--porcelain") == ""


def test_render_a_plain_checkout_in_place(tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    rendered = render_directory(repo)
    assert sorted(r.name for r in rendered.roots) == [
        "apps/web/overlays/production",
        "apps/web/overlays/staging",
        "apps/worker/overlays/production",
        "apps/worker/overlays/staging",
    ]
    assert rendered.failed == ()
    written = write_rendered(rendered.rendered, tmp_path / "out")
    assert sorted(p.name for p in written.values()) == [
        "apps_web_overlays_production.yaml",
        "apps_web_overlays_staging.yaml",
        "apps_worker_overlays_production.yaml",
        "apps_worker_overlays_staging.yaml",
    ]
    text = (tmp_path / "out" / "apps_web_overlays_staging.yaml").read_text(encoding="utf-8")
    assert "namespace: web-staging" in text
    assert git(repo, "status", "--porcelain") == ""
