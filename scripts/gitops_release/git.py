"""The only module that runs git. Every call goes through `proc.run`.

Credentials never appear on a command line, in a URL or in `.git/config`: they are passed as an
`http.extraHeader` through git's environment configuration (`GIT_CONFIG_COUNT`), and both the
token and its base64 form are registered for masking.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gitops_release import proc
from gitops_release.errors import GitError

# Transient network failures worth retrying (messages from git's HTTP transport).
_TRANSIENT = (
    "The requested URL returned error: 5",
    "Could not resolve host",
    "Connection refused",
    "Connection reset",
    "Operation timed out",
    "RPC failed",
    "early EOF",
    "unexpected disconnect",
)
# The branch moved between our read and our write: on the client ("stale info") or, when the
# race is lost on the server, as a refused ref update.
_LEASE_LOST = (
    "stale info",
    "fetch first",
    "cannot lock ref",
    "failed to update ref",
    "non-fast-forward",
)
NETWORK_TIMEOUT = 300.0
LOCAL_TIMEOUT = 120.0


def auth_env(token: str | None) -> dict[str, str]:
    """Environment that makes git send `Authorization: Basic x-access-token:TOKEN`."""
    if not token:
        return {}
    encoded = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    proc.register_secret(token)
    proc.register_secret(encoded)
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.extraHeader",
        "GIT_CONFIG_VALUE_0": f"Authorization: Basic {encoded}",
    }


# Repository (resolved path) → credentials every git process running in it gets. Filled only
# by `credentials_for`: code that reads a partial clone (object reads, worktrees, merges) needs
# no token of its own, and the token never enters `os.environ`, where renderers would see it.
_REPO_CREDENTIALS: dict[Path, Mapping[str, str]] = {}
_REPO_CREDENTIALS_LOCK = threading.Lock()


@contextmanager
def credentials_for(repo: Path, token: str | None) -> Iterator[None]:
    """Let every git process run in `repo` meanwhile authenticate to its remote (e.g. the lazy
    blob fetches of a partial clone while its worktrees are checked out for rendering)."""
    key = repo.resolve()
    with _REPO_CREDENTIALS_LOCK:
        previous = _REPO_CREDENTIALS.get(key)
        _REPO_CREDENTIALS[key] = auth_env(token)
    try:
        yield
    finally:
        with _REPO_CREDENTIALS_LOCK:
            if previous is None:
                _REPO_CREDENTIALS.pop(key, None)
            else:
                _REPO_CREDENTIALS[key] = previous


def _credentials(cwd: Path) -> Mapping[str, str]:
    if not _REPO_CREDENTIALS:
        return {}
    with _REPO_CREDENTIALS_LOCK:
        return _REPO_CREDENTIALS.get(cwd.resolve(), {})


_BASE_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "LC_ALL": "C",
    "GIT_ADVICE": "0",
}


@dataclass(frozen=True)
class Identity:
    name: str
    email: str

    def env(self) -> dict[str, str]:
        return {
            "GIT_AUTHOR_NAME": self.name,
            "GIT_AUTHOR_EMAIL": self.email,
            "GIT_COMMITTER_NAME": self.name,
            "GIT_COMMITTER_EMAIL": self.email,
        }


BOT = Identity("gitops-release[bot]", "gitops-release[bot]@users.noreply.github.com")


@dataclass(frozen=True)
class Git:
    """git bound to one work tree, with credentials for its remote."""

    cwd: Path
    env: Mapping[str, str] = field(default_factory=dict)
    options: tuple[str, ...] = ()  # e.g. ("-c", "core.hooksPath=/dev/null") before every command

    def run(
        self,
        *args: str,
        network: bool = False,
        check: bool = True,
        input: bytes | None = None,
        extra_env: Mapping[str, str] | None = None,
        summary: str | None = None,
        hint: str | None = None,
        timeout: float | None = None,
    ) -> proc.Completed:
        env = {**_BASE_ENV, **_credentials(self.cwd), **self.env, **(extra_env or {})}
        attempts = 3 if network else 1
        limit = timeout or (NETWORK_TIMEOUT if network else LOCAL_TIMEOUT)
        for attempt in range(attempts):
            result = proc.run(
                ["git", *self.options, *args],
                cwd=self.cwd,
                env=env,
                input=input,
                timeout=limit,
                check=False,
                error=GitError,
            )
            transient = any(t in result.err for t in _TRANSIENT)
            if result.returncode == 0 or not transient or attempt == attempts - 1:
                break
        if check and result.returncode != 0:
            raise GitError(
                proc.describe_failure(result, summary=summary or f"git {args[0]} failed"),
                hint=hint,
            )
        return result

    def out(self, *args: str, **kwargs: object) -> str:
        return self.run(*args, **kwargs).out.strip()  # type: ignore[arg-type]

    # -- repository set-up ----------------------------------------------------------------

    @classmethod
    def init(cls, path: Path, url: str, env: Mapping[str, str]) -> Git:
        path.mkdir(parents=True, exist_ok=True)
        git = cls(path, env)
        git.run("init", "-q")
        git.run("remote", "add", "origin", url)
        # A partial clone: blobs are fetched on demand, only for the paths we check out.
        git.run("config", "remote.origin.promisor", "true")
        git.run("config", "remote.origin.partialclonefilter", "blob:none")
        git.run("config", "core.sparseCheckout", "true")
        git.run("config", "gc.auto", "0")
        return git

    def fetch(self, *refspecs: str, depth: int | None = 1, hint: str | None = None) -> None:
        args = ["fetch", "-q", "--no-tags", "--filter=blob:none"]
        if depth is not None:
            args.append(f"--depth={depth}")
        self.run(*args, "origin", *refspecs, network=True, hint=hint)

    def remote_heads(self) -> dict[str, str]:
        """Every branch of the remote and its commit, in one round trip."""
        result = self.run("ls-remote", "--heads", "origin", network=True)
        heads: dict[str, str] = {}
        for line in result.out.splitlines():
            sha, _, ref = line.partition("\t")
            if ref.startswith("refs/heads/"):
                heads[ref.removeprefix("refs/heads/")] = sha
        return heads

    def fetch_branches(self, *branches: str) -> None:
        """Fetch the tips of `branches` (shallow, blobless) into refs/remotes/origin/."""
        self.fetch(*(f"+refs/heads/{b}:refs/remotes/origin/{b}" for b in branches))

    def show(self, rev: str, path: str) -> str | None:
        result = self.run("show", f"{rev}:{path}", check=False, network=True)
        if result.returncode != 0:
            return None
        return result.stdout.decode("utf-8")

    def sparse_checkout(self, rev: str, paths: Sequence[str]) -> None:
        patterns = "".join(f"/{p.strip('/')}\n" for p in paths)
        sparse = self.cwd / ".git" / "info" / "sparse-checkout"
        sparse.parent.mkdir(parents=True, exist_ok=True)
        sparse.write_text(patterns, encoding="utf-8")
        self.run("checkout", "-q", "-B", "gitops-release-work", rev, network=True)

    def checkout_full(self, rev: str, branch: str = "gitops-release-work") -> None:
        """Check out every path of `rev` (blobs of that one tree are fetched on demand)."""
        self.run("config", "core.sparseCheckout", "false")
        self.run("checkout", "-q", "-f", "-B", branch, rev, network=True)

    def has_commit(self, rev: str) -> bool:
        return self.run("cat-file", "-e", f"{rev}^{{commit}}", check=False).returncode == 0

    def fetch_commit(self, sha: str, *, depth: int = 2) -> None:
        """Fetch one commit (and `depth - 1` generations of parents) by its sha."""
        self.fetch(sha, depth=depth)

    def parents(self, sha: str) -> list[str]:
        return self.out("rev-list", "--parents", "-n", "1", sha).split()[1:]

    def fetch_change(self, sha: str) -> None:
        """Fetch a commit with the history its change needs: its parent, and for a merge
        commit every commit of the merged branch (`^1..^2`) down to the merge base — deepening
        a shallow fetch step by step, and fetching all history only when nothing less will do."""
        self.fetch(sha, depth=2)
        parents = self.parents(sha)
        if len(parents) < 2:
            return
        for deepen in (50, 500, None):
            found = self.run("merge-base", parents[0], parents[1], check=False)
            if found.returncode == 0 and not self._shallow(found.out.strip()):
                return
            if deepen is None:
                self.run("fetch", "-q", "--no-tags", "--filter=blob:none", "--unshallow",
                         "origin", sha, network=True, check=False)  # fmt: skip
            else:
                self.run("fetch", "-q", "--no-tags", "--filter=blob:none", f"--deepen={deepen}",
                         "origin", sha, network=True)  # fmt: skip

    def _shallow(self, sha: str) -> bool:
        """Whether `sha` is a boundary commit of a shallow clone (its parents are missing)."""
        shallow = self._shallow_file
        return shallow.is_file() and sha in shallow.read_text(encoding="ascii").split()

    @property
    def _shallow_file(self) -> Path:
        """Where git lists the boundary commits of a shallow clone (absent: all history)."""
        return self.cwd / ".git" / "shallow"

    def reachable_from_branch(self, sha: str, branch: str, *, depth: int = 200) -> bool:
        """Whether `sha` is in `branch`'s history (fetched shallow first, deeper if needed)."""
        ref = f"refs/remotes/origin/{branch}"
        for deepen in (depth, None):
            args = [f"--depth={deepen}"] if deepen else ["--unshallow"]
            refspec = f"+refs/heads/{branch}:{ref}"
            self.run("fetch", "-q", "--no-tags", "--filter=blob:none", *args, "origin", refspec,
                     network=True, check=deepen is not None)  # fmt: skip
            check = self.run("merge-base", "--is-ancestor", sha, ref, check=False)
            if check.returncode == 0:
                return True
            if not self._shallow_file.is_file():
                return False  # all history is here: it is not there
        return False

    def rev_parse(self, rev: str) -> str:
        return self.out("rev-parse", "--verify", "-q", rev)

    def tree_of(self, rev: str) -> str:
        return self.rev_parse(f"{rev}^{{tree}}")

    # -- history and changes -------------------------------------------------------------------

    def message(self, rev: str) -> str:
        """The full commit message of `rev`."""
        return self.out("log", "-1", "--format=%B", rev)

    def messages(self, revision_range: str) -> list[str]:
        """The messages of the commits of a range (empty when it cannot be listed)."""
        text = self.out("log", "--format=%B%x00", revision_range, check=False)
        return [m for m in text.split("\x00") if m.strip()]

    def first_parent_range(self, before: str, after: str) -> list[str]:
        """The commits of `before..after` along first parents, oldest first."""
        return self.out("rev-list", "--first-parent", "--reverse", f"{before}..{after}").split()

    def changed_files(self, base: str, head: str) -> list[str]:
        out = self.out("diff", "--name-only", "--no-renames", base, head)
        return [line for line in out.splitlines() if line]

    def worktree_changes(self, base: str) -> list[str]:
        """Paths that differ between `base` and the working tree, untracked files included
        (those git does not ignore)."""
        changed = self.out(
            "diff", "--name-only", "--relative", "--no-renames", base, "--", "."
        ).splitlines()
        untracked = self.out("ls-files", "--others", "--exclude-standard").splitlines()
        return [p for p in (*changed, *untracked) if p]

    def merge_base(self, a: str, b: str) -> str:
        return self.out("merge-base", a, b)

    def has_path(self, commit: str, path: str) -> bool:
        return self.run("cat-file", "-e", f"{commit}:{path}", check=False).returncode == 0

    # -- working tree ----------------------------------------------------------------------------

    def cherry_pick(self, sha: str, identity: Identity, *, mainline: bool) -> list[str]:
        """Cherry-pick `sha` (with `-x`); the conflicted paths, the pick left in progress."""
        args = ["cherry-pick", "-x", "--allow-empty", "--keep-redundant-commits"]
        if mainline:
            args += ["-m", "1"]
        result = self.run(*args, sha, check=False, network=True, extra_env=identity.env())
        if result.returncode == 0:
            return []
        conflicts = self.out("diff", "--name-only", "--diff-filter=U").splitlines()
        if not conflicts:
            self.abort_cherry_pick()
            raise GitError(f"git cherry-pick {sha[:7]} failed: {result.err.strip()}")
        return conflicts

    def abort_cherry_pick(self) -> None:
        self.run("cherry-pick", "--abort", check=False)

    def continue_cherry_pick(self, identity: Identity) -> None:
        """Go on with a cherry-pick whose conflicts were resolved; a pick left with nothing to
        commit (its only changes were resolved away) is skipped."""
        self.run("add", "-A")
        if self._nothing_staged():
            self.run("cherry-pick", "--skip", extra_env=identity.env())
            return
        self.run("-c", "core.editor=true", "cherry-pick", "--continue", extra_env=identity.env())

    def restore_paths(self, commit: str, paths: Sequence[str]) -> None:
        """Make each path what it is at `commit` (removed when it does not exist there)."""
        for path in paths:
            if self.has_path(commit, path):
                self.run("checkout", "-q", commit, "--", path, network=True)
            else:
                self.run("rm", "-q", "--ignore-unmatch", "--", path)

    def _nothing_staged(self) -> bool:
        return self.run("diff", "--cached", "--quiet", check=False).returncode == 0

    def reset_hard(self) -> None:
        self.run("reset", "-q", "--hard", "HEAD")

    def commit_staged(
        self, message: str | None, identity: Identity, *, amend: bool = False
    ) -> bool:
        """Stage everything and commit it (or amend HEAD with it, keeping its message);
        returns whether anything was committed. An empty commit only with a new `message`."""
        self.run("add", "-A")
        if amend and self._nothing_staged():
            return False
        args = ["commit", "-q", "--no-verify"]
        args += ["--amend", "--no-edit", "--allow-empty"] if amend else ["--allow-empty", "-F", "-"]
        self.run(*args, input=None if amend else (message or "").encode(), extra_env=identity.env())
        return True

    def commit_all(self, message: str, identity: Identity) -> str:
        self.run("add", "-A")
        self.run(
            "commit",
            "-q",
            "--no-verify",
            "-F",
            "-",
            input=message.encode(),
            extra_env=identity.env(),
        )
        return self.rev_parse("HEAD")

    def push_with_lease(self, branch: str, expected: str | None) -> bool:
        """Force-push HEAD to `branch` only if the remote still points at `expected`.

        Returns False when the lease failed (someone else moved the branch).
        """
        lease = f"--force-with-lease=refs/heads/{branch}:{expected or ''}"
        result = self.run(
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
        self.run(
            "push",
            "-q",
            f"--force-with-lease=refs/heads/{branch}:{expected}",
            "origin",
            f":refs/heads/{branch}",
            network=True,
            check=False,
        )
