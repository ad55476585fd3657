"""Running git: one process per call through `proc.run`, with credentials for the remote.

Credentials never appear on a command line, in a URL or in `.git/config`: they are passed as an
`http.extraHeader` through git's environment configuration (`GIT_CONFIG_COUNT`), and both the
token and its base64 form are registered for masking. `_run` is private to this package: the
rest of the code asks `Git` for what it needs by name.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator, Mapping
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
class GitBase:
    """git bound to one work tree, with credentials for its remote."""

    cwd: Path
    env: Mapping[str, str] = field(default_factory=dict)
    options: tuple[str, ...] = ()  # e.g. ("-c", "core.hooksPath=/dev/null") before every command

    def _run(
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

    def _out(self, *args: str, **kwargs: object) -> str:
        return self._run(*args, **kwargs).out.strip()  # type: ignore[arg-type]
