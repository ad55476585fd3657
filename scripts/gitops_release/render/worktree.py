"""Temporary `git worktree` checkouts of the revisions being rendered.

Checkouts are detached and live in a fresh temporary directory; the repository's branches, index
and working tree are never touched. Only the paths the roots need are checked out: a full
checkout of a large manifest repository costs more than rendering a few roots. Everything is
removed again on exit, also after an error or an interrupt.
"""

from __future__ import annotations

import fcntl
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from gitops_release.errors import GitError
from gitops_release.git import Git
from gitops_release.render.materialize import SCRATCH_PREFIX

GIT_TIMEOUT = 300.0
# Our checkouts must not run the user's hooks or fetch LFS objects (no network while rendering).
_QUIET = ("-c", "core.hooksPath=/dev/null", "-c", "advice.detachedHead=false")
_ENV = {"GIT_LFS_SKIP_SMUDGE": "1", "GIT_LITERAL_PATHSPECS": "1"}
_FEW_PATHS = 100
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

    def add(self, name: str, commit: str, *, paths: Sequence[str] | None) -> Path:
        """Check out `commit` at `<scratch>/<name>`: only the files `paths`, or everything."""
        dest = self.scratch / name
        args = ["worktree", "add", "--detach", "--quiet"]
        if paths is not None:
            args.append("--no-checkout")
        with self._lock:
            self._added.append(dest)  # before adding: a half-made worktree is removed too
        # `git worktree add` is not safe to run concurrently in one repository (git 2.39 fails
        # about one run in 30 reading .git/worktrees/<name>/commondir): one at a time, across
        # threads and processes. The checkouts that follow are independent and run in parallel.
        with self._adding():
            self._git(*args, str(dest), commit, summary=f"could not check out {commit[:12]}")
        if paths:
            self._checkout(dest, commit, paths)
        return dest

    @contextmanager
    def _adding(self) -> Iterator[None]:
        """Hold the repository's worktree lock: a thread lock, then a file lock in the git
        directory (other processes rendering the same repository take it too)."""
        with _ADD_LOCK:
            if self._lock_file is None:
                common = self._repo_git.out("rev-parse", "--git-common-dir")
                self._lock_file = (self.repo / common).resolve() / _LOCK_NAME
            with self._lock_file.open("a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def _checkout(self, dest: Path, commit: str, paths: Sequence[str]) -> None:
        summary = f"could not check out the files to render from {commit[:12]}"
        listing = "\0".join(paths).encode()
        if len(paths) <= _FEW_PATHS:
            self._git(
                "-C", str(dest), "checkout", "--quiet", commit, "--pathspec-from-file=-",
                "--pathspec-file-nul", input=listing, summary=summary,
            )  # fmt: skip
            return
        # Many files: matching every pathspec against every file of a large repository takes
        # seconds, while an index lookup per file does not.
        self._git("-C", str(dest), "read-tree", commit, summary=summary)
        self._git(
            "-C", str(dest), "checkout-index", "-z", "--stdin", input=listing, summary=summary
        )

    def close(self) -> None:
        with self._lock:
            added, self._added = self._added, []
        removed: list[bool] = []
        try:
            with ThreadPoolExecutor(max_workers=max(1, len(added))) as pool:
                removed = list(pool.map(self._remove, added))
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)
            if len(removed) != len(added) or not all(removed):
                # Drops the bookkeeping of any worktree whose removal failed half-way.
                self._repo_git.run("worktree", "prune", check=False, timeout=GIT_TIMEOUT)

    def _remove(self, dest: Path) -> bool:
        try:
            result = self._repo_git.run(
                "worktree", "remove", "--force", "--force", str(dest),
                check=False, timeout=GIT_TIMEOUT,
            )  # fmt: skip
        except GitError:
            return False
        return result.returncode == 0

    def _git(self, *args: str, summary: str, input: bytes | None = None) -> None:
        self._repo_git.run(*args, input=input, timeout=GIT_TIMEOUT, summary=summary)


@contextmanager
def temporary_worktrees(repo: Path) -> Iterator[Worktrees]:
    """A scratch directory for worktrees (and render scratch files), removed on exit."""
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    worktrees = Worktrees(repo, scratch)
    try:
        yield worktrees
    finally:
        worktrees.close()
