"""Reading a manifest repo's branches and its config from them, for the flows that clone."""

from __future__ import annotations

from gitops_release.config import CONFIG_FILE, Config, load_config_text
from gitops_release.errors import ConfigError, GitError
from gitops_release.git import Git


def require_branch(heads: dict[str, str], branch: str, repo: str) -> str:
    """The commit `branch` points at; a clear error when the repo has no such branch."""
    if branch not in heads:
        raise GitError(
            f"branch '{branch}' does not exist in {repo}",
            hint="create it, or fix the environment's `branch:` in .gitops-release.yaml "
            "(or --base)",
        )
    return heads[branch]


def config_on_branch(git: Git, heads: dict[str, str], branch: str, repo: str) -> Config:
    """`.gitops-release.yaml` as it is on `branch` (fetched blobless; one blob read)."""
    sha = require_branch(heads, branch, repo)
    git.fetch_branches(branch)
    text = git.show(sha, CONFIG_FILE)
    if text is None:
        raise ConfigError(
            f"no {CONFIG_FILE} on branch '{branch}' of {repo}",
            hint=f"commit a {CONFIG_FILE} at the root of that branch (docs/config.md)",
        )
    return load_config_text(text, source=f"{CONFIG_FILE} (on {branch})")


def config_at_commit(git: Git, commit: str) -> Config | None:
    """`.gitops-release.yaml` at a commit already fetched, or None when it has none."""
    text = git.show(commit, CONFIG_FILE)
    if text is None:
        return None
    return load_config_text(text, source=f"{CONFIG_FILE} (at {commit[:7]})")
