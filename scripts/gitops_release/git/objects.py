"""The object database and extra worktrees, for reading snapshots without touching the checkout:
tree listings, blob contents, the working tree's file list, temporary `git worktree`s."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from gitops_release.git.base import GitBase

OBJECT_TIMEOUT = 120.0
WORKTREE_TIMEOUT = 300.0


class ObjectOps(GitBase):
    """Reading objects and managing extra worktrees."""

    def tree_listing(self, commit: str) -> bytes:
        """`git ls-tree -r -z --full-tree` of `commit`: `<mode> <type> <id>\\t<path>\\0` each."""
        return self._run(
            "ls-tree", "-r", "-z", "--full-tree", commit,
            timeout=OBJECT_TIMEOUT, summary=f"could not list the files of {commit}",
        ).stdout  # fmt: skip

    def cat_file_batch(self, object_ids: Iterable[str]) -> bytes:
        """`git cat-file --batch` output for the objects: `<id> <type> <size>\\n<data>\\n` each."""
        return self._run(
            "cat-file", "--batch",
            input="".join(f"{o}\n" for o in object_ids).encode(), timeout=OBJECT_TIMEOUT,
            summary="could not read files from the git object database",
        ).stdout  # fmt: skip

    def working_tree_files(self) -> list[str] | None:
        """Tracked files and untracked ones git does not ignore (None outside a git checkout)."""
        listing = self._run(
            "ls-files", "-z", "--cached", "--others", "--exclude-standard",
            check=False, timeout=OBJECT_TIMEOUT,
        )  # fmt: skip
        if listing.returncode != 0:
            return None
        paths = (
            raw.decode("utf-8", errors="surrogateescape") for raw in listing.stdout.split(b"\0")
        )
        return [p for p in paths if p]

    def export_files(self, commit: str, paths: Sequence[str], dest: Path) -> None:
        """Write `paths` of `commit` under `dest` (git's own checkout code, a throwaway index):
        nothing is registered in the repository and its index is not touched."""
        with tempfile.TemporaryDirectory(prefix="gitops-release-index-") as scratch:
            env = {"GIT_INDEX_FILE": str(Path(scratch) / "index"), "GIT_LFS_SKIP_SMUDGE": "1"}
            summary = f"could not write the files of {commit[:12]}"
            self._run("read-tree", commit, extra_env=env, timeout=WORKTREE_TIMEOUT, summary=summary)
            self._run(
                f"--work-tree={dest}", "checkout-index", "-z", "--stdin",
                input="\0".join(paths).encode(), extra_env=env, timeout=WORKTREE_TIMEOUT,
                summary=summary,
            )  # fmt: skip

    def common_dir(self) -> Path:
        """The repository's git directory shared by all its worktrees."""
        return (self.cwd / self._out("rev-parse", "--git-common-dir")).resolve()

    def add_worktree(self, dest: Path, commit: str) -> None:
        """A detached worktree of `commit` at `dest`."""
        self._run(
            "worktree", "add", "--detach", "--quiet", str(dest), commit,
            timeout=WORKTREE_TIMEOUT, summary=f"could not check out {commit[:12]}",
        )  # fmt: skip

    def remove_worktree(self, dest: Path) -> bool:
        """Remove the worktree at `dest`; whether that worked."""
        result = self._run(
            "worktree", "remove", "--force", "--force", str(dest),
            check=False, timeout=WORKTREE_TIMEOUT,
        )  # fmt: skip
        return result.returncode == 0

    def prune_worktrees(self) -> None:
        """Drop the bookkeeping of worktrees whose directory is gone."""
        self._run("worktree", "prune", check=False, timeout=WORKTREE_TIMEOUT)
