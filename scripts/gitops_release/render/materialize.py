"""Write the files a render needs from a snapshot into a scratch directory.

A few files come from the snapshot's blob store (for a git revision: the `git cat-file --batch`
that discovery already ran); many are written by git's own checkout code through a throwaway
index. Either way rendering a revision needs no `git worktree`: nothing is registered in the
user's repository, its index is not touched, and an interrupted run leaves nothing behind
there. Symbolic links are written as links with the text git records; whether their targets
stay inside the repository is checked on disk before any renderer starts
(`confine.escaping_links`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from gitops_release.errors import RenderError
from gitops_release.git import Git
from gitops_release.render.tree import Tree

SCRATCH_PREFIX = "gitops-release-"
_PARTS = frozenset({"", ".", ".."})
# Below this, writing the blobs discovery already read beats starting two git processes.
_MANY_FILES = 200


@contextmanager
def scratch_directory() -> Iterator[Path]:
    """A fresh temporary directory for checkouts and render scratch files, removed on exit."""
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def materialize(
    tree: Tree, paths: Iterable[str], dest: Path, *, git: Git | None = None, commit: str = ""
) -> Path:
    """Write `paths` of `tree` (files, and everything below directories) under `dest`.

    With `git` and `commit` (the tree's revision), many files are written by git itself
    (`Git.export_files`, about twice as fast per file); a few from the blobs already read.
    """
    wanted = _files(tree, paths)
    dest.mkdir(parents=True, exist_ok=True)
    if git is not None and commit and len(wanted) > _MANY_FILES:
        git.export_files(commit, sorted(wanted), dest)
        return dest
    blobs = tree.store.contents({tree.files[p] for p in wanted})
    made: set[Path] = {dest}
    for path in sorted(wanted):
        blob = tree.files[path]
        if blob not in blobs:
            raise RenderError(
                f"{path} of {tree.label} is missing from the git object database",
                hint="fetch the revision again (a shallow or partial clone may lack it)",
            )
        if path.startswith("/") or not _PARTS.isdisjoint(path.split("/")):
            raise RenderError(f"{path!r} of {tree.label} is not a path inside the repository")
        target = dest / path
        parent = target.parent
        if parent not in made:
            parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        if path in tree.symlinks:
            target.symlink_to(os.fsdecode(blobs[blob]))
        else:
            # O_EXCL | O_NOFOLLOW: never write through a link or over a file already written.
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "wb") as handle:
                handle.write(blobs[blob])
    return dest


def _files(tree: Tree, paths: Iterable[str]) -> set[str]:
    files: set[str] = set()
    for path in paths:
        if tree.is_file(path):
            files.add(path)
        else:
            files.update(tree.under(path))
    return files
