"""Revisions are written from git objects, temporary worktrees leave nothing behind, and plain
directories render in place."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from gitops_release.errors import RenderError
from gitops_release.git import Git
from gitops_release.render.checkout import render_directory, render_revision, write_rendered
from gitops_release.render.materialize import materialize
from gitops_release.render.tree import GitBlobStore, MemoryBlobStore, Tree, tree_from_git
from gitops_release.render.worktree import temporary_worktrees

from .repos import apps_repo, git

pytestmark = pytest.mark.integration


def interrupted_while_rendering(repo: Path) -> None:
    commit = git(repo, "rev-parse", "HEAD")
    with temporary_worktrees(repo) as worktrees:
        base = worktrees.add("base", commit)
        head = worktrees.add("head", commit)
        assert (base / "apps/web/base/deployment.yaml").is_file()
        assert (head / "apps/worker/overlays/production/kustomization.yaml").is_file()
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


def test_a_revision_is_written_from_the_object_database(tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    (repo / "charts/app/charts").mkdir(parents=True)
    binary = bytes(range(256)) * 4
    (repo / "charts/app/charts/dep-1.0.0.tgz").write_bytes(binary)
    (repo / "apps/web/linked").symlink_to("base")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "more")
    commit = git(repo, "rev-parse", "HEAD")
    tree = tree_from_git(repo, commit, store=GitBlobStore(repo))
    dest = tmp_path / "out"
    materialize(tree, ["charts/app", "apps/web/linked", "apps/web/base/deployment.yaml"], dest)
    assert (dest / "charts/app/charts/dep-1.0.0.tgz").read_bytes() == binary
    assert (dest / "apps/web/linked").readlink() == Path("base")
    assert (dest / "apps/web/base/deployment.yaml").read_bytes() == (
        repo / "apps/web/base/deployment.yaml"
    ).read_bytes()
    assert not (dest / "apps/worker").exists()
    # Rendering a revision registers nothing in the repository.
    assert render_revision(repo, "HEAD").failed == ()
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert not (repo / ".git/worktrees").exists()


def test_paths_leaving_the_directory_or_missing_blobs_are_refused(tmp_path: Path) -> None:
    store = MemoryBlobStore({"a": "x"})
    for bad in ("../escape.yaml", "/etc/passwd", "a//b.yaml", "a/./b.yaml"):
        tree = Tree(files={bad: "a"}, store=store, label="test")
        with pytest.raises(RenderError, match="not a path inside the repository"):
            materialize(tree, [bad], tmp_path / "out")
    missing = Tree(files={"app.yaml": "gone"}, store=store, label="abc123")
    with pytest.raises(RenderError, match="app.yaml of abc123 is missing"):
        materialize(missing, ["app.yaml"], tmp_path / "out")
    assert not (tmp_path / "escape.yaml").exists()


def test_many_files_are_written_by_git_with_the_same_bytes(tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    for i in range(250):
        (repo / f"many/f{i:03}.yaml").parent.mkdir(exist_ok=True)
        (repo / f"many/f{i:03}.yaml").write_text(f"n: {i}\n", encoding="utf-8")
    (repo / "many/link").symlink_to("f001.yaml")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "many")
    commit = git(repo, "rev-parse", "HEAD")
    index = (repo / ".git/index").read_bytes()
    tree = tree_from_git(repo, commit, store=GitBlobStore(repo))
    by_git = materialize(tree, ["many"], tmp_path / "git", git=Git(repo), commit=commit)
    by_blobs = materialize(tree, ["many"], tmp_path / "blobs")
    listing = sorted(p.relative_to(by_git).as_posix() for p in by_git.rglob("*"))
    assert listing == sorted(p.relative_to(by_blobs).as_posix() for p in by_blobs.rglob("*"))
    assert len(listing) == 252  # the directory, 250 files and the link
    assert (by_git / "many/f249.yaml").read_text() == "n: 249\n"
    assert (by_git / "many/link").readlink() == Path("f001.yaml")
    assert (repo / ".git/index").read_bytes() == index
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
