"""Temporary `git worktree` checkouts, for what needs a real working tree (merging with a git too
old for `merge-tree --write-tree`). Rendering itself writes its files from git objects
(`materialize`).

Checkouts are detached and live in a fresh temporary directory; the repository's branches, index
and working tree are never touched. Everything is removed again on exit, also after an error or
an interrupt.
"""

from __future__ import annotations

import fcntl
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gitops_release.errors import GitError
from gitops_release.git import Git
from gitops_release.parallel import map_threads
from gitops_release.render.materialize import SCRATCH_PREFIX

# Our checkouts must not run the user's hooks or fetch LFS objects (no network while rendering).
_QUIET = ("-c", "core.hooksPath=/dev/null", "-c", "advice.detachedHead=false")
_ENV = {"GIT_LFS_SKIP_SMUDGE": "1", "GIT_LITERAL_PATHSPECS": "1"}
_ADD_LOCK = threading.Lock()
_LOCK_NAME = "gitops-release-worktree.lock"


class Worktrees:
    """Worktrees added under one scratch directory; `close()` removes them all."""

    def __init__(self, repo: Path, scratch: Path) -> None:
        self.repo = repo
        self.scratch = scratch
        self._added: list[Path] = []
        self._repo_git = Git(repo, _ENV, _QUIET)
        self._lock = threading.Lock()  # worktrees may be added from several threads
        self._lock_file: Path | None = None

    def add(self, name: str, commit: str) -> Path:
        """Check out `commit` at `<scratch>/<name>`; a `Git` for it is `git_in(path)`."""
        dest = self.scratch / name
        with self._lock:
            self._added.append(dest)  # before adding: a half-made worktree is removed too
        # `git worktree add` is not safe to run concurrently in one repository (git 2.39 fails
        # about one run in 30 reading .git/worktrees/<name>/commondir): one at a time, across
        # threads and processes.
        with self._adding():
            self._repo_git.add_worktree(dest, commit)
        return dest

    def git_in(self, checkout: Path, env: dict[str, str] | None = None) -> Git:
        return Git(checkout, {**_ENV, **(env or {})}, _QUIET)

    @contextmanager
    def _adding(self) -> Iterator[None]:
        """Hold the repository's worktree lock: a thread lock, then a file lock in the git
        directory (other processes rendering the same repository take it too)."""
        with _ADD_LOCK:
            if self._lock_file is None:
                self._lock_file = self._repo_git.common_dir() / _LOCK_NAME
            with self._lock_file.open("a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self) -> None:
        with self._lock:
            added, self._added = self._added, []
        removed: list[bool] = []
        try:
            removed = map_threads(self._remove, added, name="worktree")
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
            if len(removed) != len(added) or not all(removed):
                # Drops the bookkeeping of any worktree whose removal failed half-way.
                self._repo_git.prune_worktrees()

    def _remove(self, dest: Path) -> bool:
        try:
            return self._repo_git.remove_worktree(dest)
        except GitError:
            return False


@contextmanager
def temporary_worktrees(repo: Path) -> Iterator[Worktrees]:
    """A scratch directory for worktrees, removed on exit with every worktree in it."""
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    worktrees = Worktrees(repo, scratch)
    try:
        yield worktrees
    finally:
        worktrees.close()
