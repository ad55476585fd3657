"""The only package that talks to GitHub: a small `Forge` protocol and its PyGithub adapter."""

from gitops_release.github.forge import (
    ROLES,
    AppCommit,
    AppPull,
    Comment,
    Comparison,
    Deployment,
    Forge,
    PullRequest,
    Role,
    effective_role,
    upsert_pull,
)
from gitops_release.github.pygithub import GitHubForge, RetrySettings, connect

__all__ = [
    "ROLES",
    "AppCommit",
    "AppPull",
    "Comment",
    "Comparison",
    "Deployment",
    "Forge",
    "GitHubForge",
    "PullRequest",
    "RetrySettings",
    "Role",
    "connect",
    "effective_role",
    "upsert_pull",
]
