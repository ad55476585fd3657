"""The only package that talks to GitHub: a small `Forge` protocol and its PyGithub adapter."""

from gitops_release.github.forge import Comment, Forge, PullRequest, upsert_pull
from gitops_release.github.pygithub import GitHubForge, connect

__all__ = ["Comment", "Forge", "GitHubForge", "PullRequest", "connect", "upsert_pull"]
