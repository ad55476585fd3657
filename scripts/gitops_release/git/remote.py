"""The remote: an empty partial clone, fetches as shallow as the question allows, pushes with a
lease."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Self

from gitops_release import proc
from gitops_release.errors import GitError
from gitops_release.git.base import _LEASE_LOST, GitBase


class RemoteOps(GitBase):
    """Talking to `origin`."""

    @classmethod
    def init(cls, path: Path, url: str, env: Mapping[str, str]) -> Self:
        path.mkdir(parents=True, exist_ok=True)
        git = cls(path, env)
        git._run("init", "-q")
        git._run("remote", "add", "origin", url)
        # A partial clone: blobs are fetched on demand, only for the paths we check out.
        git._run("config", "remote.origin.promisor", "true")
        git._run("config", "remote.origin.partialclonefilter", "blob:none")
        git._run("config", "core.sparseCheckout", "true")
        git._run("config", "gc.auto", "0")
        return git

    def fetch(self, *refspecs: str, depth: int | None = 1, hint: str | None = None) -> None:
        args = ["fetch", "-q", "--no-tags", "--filter=blob:none"]
        if depth is not None:
            args.append(f"--depth={depth}")
        self._run(*args, "origin", *refspecs, network=True, hint=hint)

    def remote_heads(self) -> dict[str, str]:
        """Every branch of the remote and its commit, in one round trip."""
        result = self._run("ls-remote", "--heads", "origin", network=True)
        heads: dict[str, str] = {}
        for line in result.out.splitlines():
            sha, _, ref = line.partition("\t")
            if ref.startswith("refs/heads/"):
                heads[ref.removeprefix("refs/heads/")] = sha
        return heads

    def origin_url(self) -> str:
        return self._out("remote", "get-url", "origin")

    def remote_default_branch(self) -> str | None:
        """The branch the remote's HEAD names (its default branch), in one round trip."""
        result = self._run("ls-remote", "--symref", "origin", "HEAD", network=True)
        for line in result.out.splitlines():
            target, _, name = line.partition("\t")
            if name == "HEAD" and target.startswith("ref: refs/heads/"):
                return target.removeprefix("ref: refs/heads/")
        return None

    def fetch_branches(self, *branches: str) -> None:
        """Fetch the tips of `branches` (shallow, blobless) into refs/remotes/origin/."""
        self.fetch(*(f"+refs/heads/{b}:refs/remotes/origin/{b}" for b in branches))

    def show(self, rev: str, path: str) -> str | None:
        result = self._run("show", f"{rev}:{path}", check=False, network=True)
        if result.returncode != 0:
            return None
        return result.stdout.decode("utf-8")

    def push_with_lease(self, branch: str, expected: str | None) -> bool:
        """Force-push HEAD to `branch` only if the remote still points at `expected`.

        Returns False when the lease failed (someone else moved the branch).
        """
        lease = f"--force-with-lease=refs/heads/{branch}:{expected or ''}"
        result = self._run(
            "push",
            "-q",
            "--porcelain",
            lease,
            "origin",
            f"HEAD:refs/heads/{branch}",
            network=True,
            check=False,
        )
        if result.returncode == 0:
            return True
        text = result.out + result.err
        if any(sign in text for sign in _LEASE_LOST):
            return False
        raise GitError(
            proc.describe_failure(result, summary=f"git push to {branch} failed"),
            hint="check that the token may push to the manifest repo (contents: write) and "
            "that no branch protection rule covers gitops-release/* branches",
        )

    def delete_remote_branch(self, branch: str, expected: str) -> None:
        self._run(
            "push",
            "-q",
            f"--force-with-lease=refs/heads/{branch}:{expected}",
            "origin",
            f":refs/heads/{branch}",
            network=True,
            check=False,
        )

    def clone_branch(self, url: str, branch: str, name: str) -> None:
        """Clone `branch` of `url` into `<cwd>/<name>` (a full clone, for people's checkouts)."""
        self._run("clone", "-q", "--branch", branch, url, name, network=True)
