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


@dataclass(frozen=True)
class Comment:
    id: int
    body: str
    url: str


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

    def create_comment(self, number: int, body: str) -> Comment: ...

    def update_comment(self, number: int, comment_id: int, body: str) -> Comment: ...

    def set_status(
        self, sha: str, *, state: str, context: str, description: str, target_url: str | None
    ) -> None: ...


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
