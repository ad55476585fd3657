"""The only package that talks to GitHub: a small `Forge` protocol and its PyGithub adapter."""

from gitops_release.github.forge import Comment, Forge, PullRequest, upsert_pull
from gitops_release.github.pygithub import GitHubForge, RetrySettings, connect

__all__ = [
    "Comment",
    "Forge",
    "GitHubForge",
    "PullRequest",
    "RetrySettings",
    "connect",
    "upsert_pull",
]
