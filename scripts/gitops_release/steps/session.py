"""The manifest-checkout session every flow that changes a manifest repository starts with.

`open_checkout` checks the token may write (before anything is cloned), makes an empty partial
clone in a temporary directory with the token only in that clone's git environment, and gives
the flow the remote's branches and the config as it is on a branch. Everything is removed when
the session ends, also after an error.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gitops_release.config import CONFIG_FILE, Config, load_config_text
from gitops_release.errors import ConfigError, GitError
from gitops_release.git import Git, auth_env, credentials_for
from gitops_release.github import Forge


@dataclass
class ManifestCheckout:
    """One manifest repository, cloned empty (blobless); what a flow reads and pushes through."""

    repo: str  # owner/name, for messages
    git: Git
    forge: Forge
    default_branch: str
    _heads: dict[str, str] = field(default_factory=dict)
    scratch: Path | None = None  # removed with the session: the history clone goes there
    _history: Git | None = None

    @property
    def history_git(self) -> Git:
        """A second empty clone for reading history: its fetches (as deep as a question needs)
        never make the flow's own clone shallower or deeper."""
        if self._history is None:
            path = (self.scratch or self.git.cwd.parent) / "history"
            self._history = Git.init(path, self.git.origin_url(), self.git.env)
        return self._history

    @property
    def cwd(self) -> Path:
        return self.git.cwd

    def heads(self, *, refresh: bool = False) -> dict[str, str]:
        """Every branch of the remote and its commit (one round trip; cached until `refresh`)."""
        if refresh or not self._heads:
            self._heads = self.git.remote_heads()
        return self._heads

    def branch_head(self, branch: str) -> str:
        """The commit `branch` points at; a clear error when the repository has no such branch."""
        heads = self.heads()
        if branch not in heads:
            raise GitError(
                f"branch '{branch}' does not exist in {self.repo}",
                hint="create it, or fix the environment's `branch:` in .gitops-release.yaml "
                "(or --base)",
            )
        return heads[branch]

    def config_on(self, branch: str) -> Config:
        """`.gitops-release.yaml` as it is on `branch` (fetched blobless; one blob read)."""
        sha = self.branch_head(branch)
        self.git.fetch_branches(branch)
        text = self.git.show(sha, CONFIG_FILE)
        if text is None:
            raise ConfigError(
                f"no {CONFIG_FILE} on branch '{branch}' of {self.repo}",
                hint=f"commit a {CONFIG_FILE} at the root of that branch (docs/config.md)",
            )
        return load_config_text(text, source=f"{CONFIG_FILE} (on {branch})")


@contextmanager
def open_checkout(
    repo: str,
    git_url: str,
    token: str,
    forge: Forge,
    *,
    purpose: str,
    workdir: Path | None = None,
    write: bool = True,
) -> Iterator[ManifestCheckout]:
    """A session on `repo`: write access checked first (unless `write` is false), then an empty
    clone at `workdir` (kept; for debugging and tests) or in a temporary directory.

    Every git process in the clone may authenticate meanwhile: the clone is partial, and reading
    its objects for rendering (steps/root_render.py) fetches missing blobs from the remote."""
    default_branch = forge.check_write_access() if write else ""
    with tempfile.TemporaryDirectory(prefix=f"gitops-release-{purpose}-") as tmp:
        git = Git.init(workdir or Path(tmp) / "repo", git_url, auth_env(token))
        with credentials_for(git.cwd, token):
            yield ManifestCheckout(repo, git, forge, default_branch, scratch=Path(tmp))


def environment_branch(session: ManifestCheckout, env: str) -> tuple[Config, str]:
    """The config as it is on `env`'s branch, and that branch (the default branch for an
    environment that is a directory). Works on a read-only session too."""
    default = session.default_branch or session.git.remote_default_branch()
    if not default:
        raise GitError(
            f"{session.repo} has no default branch (an empty repository?)",
            hint="push the manifests, with a .gitops-release.yaml, to the repository first",
        )
    session.default_branch = default
    config = session.config_on(default)
    branch = config.environment(env).branch or default
    if branch != default:
        config = session.config_on(branch)
        config.environment(env)
    return config, branch


def config_at_commit(git: Git, commit: str) -> Config | None:
    """`.gitops-release.yaml` at a commit already fetched, or None when it has none."""
    text = git.show(commit, CONFIG_FILE)
    if text is None:
        return None
    return load_config_text(text, source=f"{CONFIG_FILE} (at {commit[:7]})")
