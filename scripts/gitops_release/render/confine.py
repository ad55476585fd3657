"""Render inputs stay inside the repository.

A pull request may commit symbolic links (git keeps them as links), and every renderer follows
them: a chart's `files/env -> /proc/self/environ` read by `.Files.Get`, a kustomize resource
directory linking to `/etc`, a values file linking to `~/.docker/config.json`. Before a root
renders, every path it reads is checked twice:

- in the snapshot's file listing (`links_in_tree`), before anything is checked out: a link whose
  target leaves the repository is a problem of the root; a link that stays inside is followed,
  and its target joins the paths to check out, so such links keep working;
- on disk (`escaping_links`), right before the renderer starts, for what the listing cannot
  know (a plain directory's links, a parent directory that is a link).

Nothing of a link's target is read: links are resolved from their text (`readlink`), never
opened.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gitops_release.render.tree import Tree

_MAX_HOPS = 40  # as the kernel's limit on nested links (ELOOP)


@dataclass(frozen=True)
class TreeLinks:
    """What the links on a root's paths mean: problems (links leaving the repository) and the
    repository paths their targets add to the checkout."""

    problems: tuple[str, ...] = ()
    targets: frozenset[str] = frozenset()


def describe(link: str, target: str) -> str:
    return (
        f"{link} is a symbolic link to {target}, outside the repository: refusing to render "
        "through it (nothing of its target was read)"
    )


HINT = (
    "replace the link with the files themselves, or point it at a path inside the repository "
    "(a relative link such as ../../base)"
)


def link_target(link: str, target: str) -> str | None:
    """The repository path a link at `link` with text `target` points to (None: outside)."""
    if not target or target.startswith("/"):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(link), target))
    if joined == ".":
        return ""
    if joined == ".." or joined.startswith("../"):
        return None
    return joined


def links_in_tree(tree: Tree, paths: Iterable[str]) -> TreeLinks:
    """Check every link on `paths` (the path itself or a parent directory) in the listing."""
    if not tree.symlinks:
        return TreeLinks()
    problems: dict[str, str] = {}
    targets: set[str] = set()
    queue = list(paths)
    seen: set[str] = set()
    while queue:
        path = queue.pop()
        for link in _links_on(tree, path):
            if link in seen:
                continue
            seen.add(link)
            text = tree.text(link) or ""
            target = _follow(tree, link, text)
            if target is None:
                problems.setdefault(link, describe(link, text))
                continue
            found = tuple(tree.under(target)) if tree.is_dir(target) else (target,)
            targets.update(found)
            queue.extend(found)
    return TreeLinks(tuple(problems[k] for k in sorted(problems)), frozenset(targets))


def _links_on(tree: Tree, path: str) -> list[str]:
    parts = path.split("/") if path else []
    prefixes = ("/".join(parts[: i + 1]) for i in range(len(parts)))
    return [p for p in prefixes if p in tree.symlinks]


def _follow(tree: Tree, link: str, text: str) -> str | None:
    """Where a link finally points inside the repository (None: outside, or a loop)."""
    current: str | None = link_target(link, text)
    for _ in range(_MAX_HOPS):
        if current is None:
            return None
        hop = next(iter(_links_on(tree, current)), None)
        if hop is None:
            return current
        rest = current[len(hop) :]
        nxt = link_target(hop, tree.text(hop) or "")
        current = None if nxt is None else (nxt + rest if nxt else rest.lstrip("/"))
    return None


def escaping_links(checkout: Path, paths: Iterable[str]) -> tuple[str, ...]:
    """Problems for links on `paths` below `checkout`, on disk, whose target leaves it.

    Links that stay inside are followed: a linked directory's own links are checked too.
    """
    top = checkout.resolve()
    checker = _DiskLinks(checkout, top)
    for path in paths:
        checker.check_path(path)
    return tuple(checker.problems[k] for k in sorted(checker.problems))


def escaping_links_below(checkout: Path, directory: Path) -> tuple[str, ...]:
    """Problems for every link in `directory` (recursively) or on the way to it whose target
    leaves `checkout`: for directories read whole that no listing covered (e.g. a chart's
    `file://` dependencies of dependencies)."""
    top = checkout.resolve()
    checker = _DiskLinks(checkout, top)
    real = directory.resolve()
    if real != top and top not in real.parents:
        return (describe(directory.as_posix(), str(real)),)
    checker.check_path(real.relative_to(top).as_posix())
    checker.walk(real)
    return tuple(checker.problems[k] for k in sorted(checker.problems))


class _DiskLinks:
    def __init__(self, checkout: Path, top: Path) -> None:
        self.checkout = checkout
        self.top = top
        self.problems: dict[str, str] = {}
        self._checked: set[str] = set()
        self._walked: set[Path] = set()

    def check_path(self, path: str) -> None:
        parts = [p for p in path.split("/") if p and p != "."]
        for i in range(len(parts)):
            rel = "/".join(parts[: i + 1])
            if rel in self._checked:
                continue
            self._checked.add(rel)
            if not self._check_one(self.checkout / rel, rel):
                return

    def _check_one(self, full: Path, rel: str) -> bool:
        """Check one path on disk; False when the rest of the path must not be followed."""
        if not full.is_symlink():
            return True
        real = full.resolve()
        if real != self.top and self.top not in real.parents:
            self.problems.setdefault(rel, describe(rel, str(full.readlink())))
            return False
        if real.is_dir():
            self.walk(real)
        return True

    def walk(self, directory: Path) -> None:
        """Check the links below a directory reached through a link (it may hold more)."""
        if directory in self._walked:
            return
        self._walked.add(directory)
        for dirpath, dirnames, filenames in os.walk(directory):
            base = Path(dirpath)
            for name in (*dirnames, *filenames):
                full = base / name
                if full.is_symlink():
                    self._check_one(full, full.relative_to(self.top).as_posix())
