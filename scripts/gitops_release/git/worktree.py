"""The working tree: checkouts, cherry-picks, commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Self

from gitops_release.errors import GitError
from gitops_release.git.base import Identity
from gitops_release.git.history import MERGE_IDENTITY, HistoryOps


class WorkTreeOps(HistoryOps):
    """Changing the checkout and committing."""

    @classmethod
    def create(cls, path: Path, branch: str, env: Mapping[str, str]) -> Self:
        """A new repository at `path` (existing files kept) whose first branch is `branch`."""
        git = cls(path, env)
        git._run("init", "-q", "-b", branch)
        return git

    def create_branch(self, name: str) -> None:
        """A branch `name` at HEAD (HEAD stays where it is)."""
        self._run("branch", name)

    def sparse_checkout(self, rev: str, paths: Sequence[str]) -> None:
        patterns = "".join(f"/{p.strip('/')}\n" for p in paths)
        sparse = self.cwd / ".git" / "info" / "sparse-checkout"
        sparse.parent.mkdir(parents=True, exist_ok=True)
        sparse.write_text(patterns, encoding="utf-8")
        self._run("checkout", "-q", "-B", "gitops-release-work", rev, network=True)

    def checkout_full(self, rev: str, branch: str = "gitops-release-work") -> None:
        """Check out every path of `rev` (blobs of that one tree are fetched on demand)."""
        self._run("config", "core.sparseCheckout", "false")
        self._run("checkout", "-q", "-f", "-B", branch, rev, network=True)

    def cherry_pick(self, sha: str, identity: Identity, *, mainline: bool) -> list[str]:
        """Cherry-pick `sha` (with `-x`); the conflicted paths, the pick left in progress."""
        args = ["cherry-pick", "-x", "--allow-empty", "--keep-redundant-commits"]
        if mainline:
            args += ["-m", "1"]
        result = self._run(*args, sha, check=False, network=True, extra_env=identity.env())
        if result.returncode == 0:
            return []
        conflicts = self._out("diff", "--name-only", "--diff-filter=U").splitlines()
        if not conflicts:
            self.abort_cherry_pick()
            raise GitError(f"git cherry-pick {sha[:7]} failed: {result.err.strip()}")
        return conflicts

    def abort_cherry_pick(self) -> None:
        self._run("cherry-pick", "--abort", check=False)

    def continue_cherry_pick(self, identity: Identity) -> None:
        """Go on with a cherry-pick whose conflicts were resolved; a pick left with nothing to
        commit (its only changes were resolved away) is skipped."""
        self._run("add", "-A")
        if self._nothing_staged():
            self._run("cherry-pick", "--skip", extra_env=identity.env())
            return
        self._run("-c", "core.editor=true", "cherry-pick", "--continue", extra_env=identity.env())

    def restore_paths(self, commit: str, paths: Sequence[str]) -> None:
        """Make each path what it is at `commit` (removed when it does not exist there)."""
        for path in paths:
            if self.has_path(commit, path):
                self._run("checkout", "-q", commit, "--", path, network=True)
            else:
                self._run("rm", "-q", "--ignore-unmatch", "--", path)

    def _nothing_staged(self) -> bool:
        return self._run("diff", "--cached", "--quiet", check=False).returncode == 0

    def reset_hard(self) -> None:
        self._run("reset", "-q", "--hard", "HEAD")

    def commit_staged(
        self, message: str | None, identity: Identity, *, amend: bool = False
    ) -> bool:
        """Stage everything and commit it (or amend HEAD with it, keeping its message);
        returns whether anything was committed. An empty commit only with a new `message`."""
        self._run("add", "-A")
        if amend and self._nothing_staged():
            return False
        args = ["commit", "-q", "--no-verify"]
        args += ["--amend", "--no-edit", "--allow-empty"] if amend else ["--allow-empty", "-F", "-"]
        self._run(
            *args, input=None if amend else (message or "").encode(), extra_env=identity.env()
        )
        return True

    def amend_message(self, message: str, identity: Identity) -> None:
        """Give HEAD a new message (its files stay as they are)."""
        self._run(
            "commit", "-q", "--no-verify", "--amend", "--allow-empty", "-F", "-",
            input=message.encode(), extra_env=identity.env(),
        )  # fmt: skip

    def commit_all(self, message: str, identity: Identity) -> str:
        self._run("add", "-A")
        self._run(
            "commit",
            "-q",
            "--no-verify",
            "-F",
            "-",
            input=message.encode(),
            extra_env=identity.env(),
        )
        return self.rev_parse("HEAD")

    def merge_into_head(self, head_id: str) -> str | None:
        """Merge `head_id` into the checked-out commit (fixed identity); the merge commit, or
        None when it conflicts."""
        merged = self._run(
            "merge", "--no-ff", "--no-edit", "--quiet", head_id,
            extra_env=MERGE_IDENTITY, summary="could not merge", check=False,
        )  # fmt: skip
        if merged.returncode != 0:
            return None
        return self.rev_parse("HEAD")
