"""The only package that runs git: `Git` asks for what a flow needs by name (clone, fetch,
history, cherry-pick, commit, push with a lease, objects), every call through `proc.run`."""

from gitops_release.git.base import BOT, Identity, auth_env, credentials_for
from gitops_release.git.history import LogEntry, MergeUnsupported
from gitops_release.git.objects import ObjectOps
from gitops_release.git.worktree import WorkTreeOps

__all__ = ["BOT", "Git", "Identity", "LogEntry", "MergeUnsupported", "auth_env", "credentials_for"]


class Git(WorkTreeOps, ObjectOps):
    """git bound to one work tree (`cwd`), with credentials for its remote."""
