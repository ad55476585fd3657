"""Render whole snapshots: a git revision (its files written to a scratch directory from the
object database) or a plain directory, and write the results to a directory, one file per root
(the input of the gates)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from gitops_release.config.defaults import DEFAULT_RENDER_TIMEOUT
from gitops_release.diff.secrets import redact_text
from gitops_release.git import Git
from gitops_release.parallel import map_threads
from gitops_release.render.discover import ConfigRoots, RepoIndex, config_at
from gitops_release.render.materialize import materialize, scratch_directory
from gitops_release.render.model import RenderRoot
from gitops_release.render.revisions import resolve_commit
from gitops_release.render.run import Rendered, RenderJob, render_many, render_roots
from gitops_release.render.tree import GitBlobStore, Tree, tree_from_directory, tree_from_git

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class SnapshotRender:
    """Every root of one snapshot and what rendering each produced (by root key)."""

    label: str
    roots: tuple[RenderRoot, ...]
    rendered: Mapping[str, Rendered]

    @property
    def failed(self) -> tuple[Rendered, ...]:
        return tuple(r for r in self.rendered.values() if not r.ok)


def select_roots(index: RepoIndex, keys: Iterable[str] | None) -> tuple[RenderRoot, ...]:
    return index.roots(index.all_keys() if keys is None else keys)


def render_revision(
    repo: Path,
    rev: str,
    *,
    keys: Iterable[str] | None = None,
    timeout: float | None = None,
    workers: int | None = None,
) -> SnapshotRender:
    """Render the roots of a revision (all, or those with the given keys)."""
    commit = resolve_commit(repo, rev)
    tree = tree_from_git(repo, commit, store=GitBlobStore(repo))
    config = config_at(tree)
    index = RepoIndex(tree, config_roots=ConfigRoots.from_config(config))
    roots = select_roots(index, keys)
    limit = timeout or (config.render_timeout if config else DEFAULT_RENDER_TIMEOUT)
    with scratch_directory() as scratch:
        checkout = materialize(
            tree, checkout_paths(roots), scratch / "render", git=Git(repo), commit=commit
        )
        rendered = render_roots(checkout, roots, timeout=limit, scratch=scratch, workers=workers)
    return SnapshotRender(commit, roots, rendered)


@dataclass(frozen=True)
class Revision:
    """Roots to render at one commit; `label` tells the results apart (e.g. base / head).

    `tree` is the commit's snapshot when the caller has it (its blobs are then read once)."""

    label: str
    commit: str
    roots: tuple[RenderRoot, ...]
    tree: Tree | None = None


def render_commits(
    repo: Path,
    revisions: Iterable[Revision],
    *,
    timeout: float,
    workers: int | None = None,
) -> dict[tuple[str, str], Rendered]:
    """Render roots at several commits in one pool: (label, root key) → result.

    Each commit's files that its roots need are written to a scratch directory, removed on exit.
    """
    wanted = [r for r in revisions if r.roots]
    if not wanted:
        return {}
    store = GitBlobStore(repo)
    with scratch_directory() as scratch:

        def checkout(revision: Revision) -> RenderJob:
            tree = revision.tree or tree_from_git(repo, revision.commit, store=store)
            paths = checkout_paths(revision.roots)
            dest = scratch / revision.label
            path = materialize(tree, paths, dest, git=Git(repo), commit=revision.commit)
            return RenderJob(revision.label, path, revision.roots)

        jobs = map_threads(checkout, wanted, name="checkout")
        return render_many(jobs, timeout=timeout, scratch=scratch, workers=workers)


def render_directory(
    directory: Path,
    *,
    keys: Iterable[str] | None = None,
    timeout: float | None = None,
    workers: int | None = None,
) -> SnapshotRender:
    """Render the roots of a plain checkout in place (no git needed)."""
    tree: Tree = tree_from_directory(directory)
    config = config_at(tree)
    index = RepoIndex(tree, config_roots=ConfigRoots.from_config(config))
    roots = select_roots(index, keys)
    limit = timeout or (config.render_timeout if config else DEFAULT_RENDER_TIMEOUT)
    with tempfile.TemporaryDirectory(prefix="gitops-release-") as scratch:
        rendered = render_roots(
            directory, roots, timeout=limit, scratch=Path(scratch), workers=workers
        )
    return SnapshotRender(str(directory), roots, rendered)


def checkout_paths(roots: Iterable[RenderRoot]) -> tuple[str, ...]:
    """The files a worktree needs for these roots."""
    return tuple(sorted({p for r in roots for p in r.checkout}))


def file_name(name: str) -> str:
    """A file name for a root's output (`apps/web/overlays/x` → `apps_web_overlays_x`)."""
    return _UNSAFE.sub("_", name).strip("._") or "root"


def write_rendered(
    rendered: Mapping[str, Rendered], directory: Path, *, redact_secrets: bool = True
) -> dict[str, Path]:
    """Write each successfully rendered root to `<directory>/<name>.yaml`: root key → file.

    Secret values are replaced by fingerprints unless `redact_secrets` is false (the files are
    often uploaded as build artifacts).
    """
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    used: set[str] = set()
    for key in sorted(rendered, key=lambda k: rendered[k].name):
        result = rendered[key]
        if result.text is None:
            continue
        stem = file_name(result.name)
        unique, n = stem, 2
        while unique in used:
            unique, n = f"{stem}-{n}", n + 1
        used.add(unique)
        path = directory / f"{unique}.yaml"
        text = redact_text(result.text, source=result.name) if redact_secrets else result.text
        path.write_text(text, encoding="utf-8")
        written[key] = path
    return written
