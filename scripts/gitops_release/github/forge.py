"""What the flows need from a code forge, as plain values. Flows depend on this, not PyGithub."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from gitops_release.errors import GitHubError


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str
    title: str
    body: str
    head: str
    base: str
    head_sha: str
    state: str
    draft: bool
    merged: bool
    labels: tuple[str, ...]
    merge_commit_sha: str | None = None
    # The repository the head branch lives in (`owner/name`; None when unknown or deleted) and
    # the one the pull request targets: they differ for a pull request from a fork.
    head_repo: str | None = None
    base_repo: str | None = None

    @property
    def from_fork(self) -> bool:
        """Whether the head is not a branch of the base repository (a deleted fork counts)."""
        if self.base_repo is None:
            return False
        return self.head_repo is None or self.head_repo.lower() != self.base_repo.lower()


@dataclass(frozen=True)
class Comment:
    id: int
    body: str
    url: str


@dataclass(frozen=True)
class Deployment:
    id: int
    sha: str
    environment: str
    url: str


@dataclass(frozen=True)
class AppCommit:
    """A commit of an app repository, as a comparison lists it."""

    sha: str
    parents: tuple[str, ...]
    subject: str
    author: str  # the account's login when GitHub knows it, else the git author's name
    url: str


@dataclass(frozen=True)
class AppPull:
    """The merged pull request an app commit came from."""

    number: int
    title: str
    author: str
    url: str


@dataclass(frozen=True)
class Comparison:
    """`base...head` of a repository (GitHub's compare API): the commits `head` has that `base`
    has not (oldest first, at most a few hundred), or why it could not be read."""

    repo: str
    base: str
    head: str
    html_url: str
    status: str = ""  # ahead | behind | diverged | identical
    ahead_by: int = 0
    behind_by: int = 0
    total_commits: int = 0
    commits: tuple[AppCommit, ...] = ()
    problem: str | None = None  # set when the repository or a commit could not be read


Role = Literal["none", "read", "triage", "write", "maintain", "admin"]
ROLES: tuple[Role, ...] = ("none", "read", "triage", "write", "maintain", "admin")


def effective_role(permission: str, role_name: str | None) -> Role:
    """A collaborator's role from GitHub's permission answer.

    `permission` only knows admin, write, read and none (triage reads as read, maintain as
    write); `role_name` carries the real role. A custom role name falls back to `permission`.
    """
    for role in ROLES:
        if role_name == role:
            return role
    for role in ROLES:
        if permission == role:
            return role
    return "none"


class Forge(Protocol):
    """One repository on a forge (GitHub)."""

    full_name: str

    def check_write_access(self) -> str:
        """Raise unless the token can push and open PRs; return the default branch."""
        ...

    def find_open_pull(self, head: str, base: str | None = None) -> PullRequest | None: ...

    def get_pull(self, number: int) -> PullRequest: ...

    def create_pull(
        self, *, head: str, base: str, title: str, body: str, draft: bool = False
    ) -> PullRequest: ...

    def update_pull(self, number: int, *, title: str, body: str) -> PullRequest: ...

    def add_labels(self, number: int, labels: Sequence[str]) -> None: ...

    def request_reviewers(self, number: int, reviewers: Sequence[str]) -> list[str]:
        """Request reviews; returns warnings for reviewers that could not be requested."""
        ...

    def enable_auto_merge(self, number: int, method: str = "SQUASH") -> None: ...

    def merge_pull(self, number: int, method: str = "merge") -> str:
        """Merge the PR (merge | squash | rebase); returns the resulting commit."""
        ...

    def pulls_for_commit(self, sha: str) -> list[PullRequest]: ...

    def list_comments(self, number: int) -> list[Comment]: ...

    def compare(self, repo: str, base: str, head: str) -> Comparison:
        """`base...head` of `repo` (any repository the token can read); a `problem` instead of
        an error when it cannot be read."""
        ...

    def merged_pull(self, repo: str, sha: str) -> AppPull | None:
        """The merged pull request of `repo` that `sha` belongs to (None: none, or unreadable)."""
        ...

    def create_comment(self, number: int, body: str) -> Comment: ...

    def update_comment(self, number: int, comment_id: int, body: str) -> Comment: ...

    def set_status(
        self, sha: str, *, state: str, context: str, description: str, target_url: str | None
    ) -> None: ...

    def role_of(self, login: str) -> Role:
        """`login`'s role on the repository ("none" when not a collaborator)."""
        ...

    def react_to_comment(self, comment_id: int, content: str) -> None: ...

    def create_deployment(
        self, *, ref: str, environment: str, description: str, transient: bool
    ) -> Deployment:
        """A deployment of `ref` that merges nothing and requires no status checks."""
        ...

    def set_deployment_status(
        self,
        deployment_id: int,
        *,
        state: str,
        description: str,
        environment_url: str | None = None,
        log_url: str | None = None,
    ) -> None: ...

    def list_deployments(self, *, environment: str) -> list[Deployment]:
        """The deployments to `environment`, newest first (at most the latest 30)."""
        ...

    def deployment_state(self, deployment_id: int) -> str | None:
        """The state of the deployment's latest status (None: it has none)."""
        ...


def upsert_pull(
    forge: Forge,
    existing: PullRequest | None,
    branch: str,
    base: str,
    title: str,
    body: str,
    pushed: bool,  # noqa: FBT001 - positional by design: (forge, existing, ..., pushed)
    *,
    draft: bool = False,
) -> tuple[PullRequest, Literal["created", "updated", "unchanged"]]:
    """Create the PR for `branch`, or update the open one: never a second PR for a branch.

    "already exists" from a concurrent run is success: that PR is updated instead.
    """
    if existing is None:
        try:
            pull = forge.create_pull(head=branch, base=base, title=title, body=body, draft=draft)
        except GitHubError as exc:
            if "already exists" not in exc.message:
                raise
            existing = forge.find_open_pull(branch, base)
            if existing is None:
                raise
        else:
            return pull, "created"
    updated = forge.update_pull(existing.number, title=title, body=body)
    changed = pushed or updated.title != existing.title or updated.body != existing.body
    return updated, "updated" if changed else "unchanged"
