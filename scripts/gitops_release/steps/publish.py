"""The one publish step: a commit built on a fresh base becomes the head of the flow's branch and
of its one pull request.

`publish` pushes only when the tree differs from the branch's (with a lease on what the branch
was), creates or updates the pull request (never a second one; "already exists" from a
concurrent run is success), and adds labels, reviewers and auto-merge. A branch it pushed for a
pull request that could not be opened is deleted again. When someone else moved the branch, it
returns None and `with_retries` has the flow rebuild its commit on the current base.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from gitops_release.errors import GitError, GitHubError
from gitops_release.github import PullRequest, upsert_pull
from gitops_release.steps.session import ManifestCheckout

Action = Literal["created", "updated", "unchanged"]
T = TypeVar("T")
# The title and body a pull request should have for the branch head `sha`, when that head is
# not our commit (a concurrent run pushed it); None keeps ours.
Describe = Callable[[str], tuple[str, str] | None]


@dataclass(frozen=True)
class PullSpec:
    """The pull request a flow wants for its branch."""

    branch: str
    base: str
    title: str
    body: str
    draft: bool = False
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    auto_merge: bool = False


@dataclass(frozen=True)
class Published:
    action: Action
    pull: PullRequest
    commit: str  # the branch's head: ours when pushed, else what it already was
    pushed: bool
    warnings: tuple[str, ...] = ()


def same_tree(session: ManifestCheckout, remote: str | None, commit: str) -> bool:
    """Whether the branch (at `remote`) already has exactly the files of `commit`."""
    return remote is not None and session.git.tree_of(remote) == session.git.tree_of(commit)


def publish(
    session: ManifestCheckout,
    spec: PullSpec,
    commit: str,
    remote: str | None,
    existing: PullRequest | None,
    *,
    describe: Describe | None = None,
) -> Published | None:
    """Make `commit` the head of `spec.branch` (lease on `remote`) and upsert its pull request.

    None: the branch moved under us (the lease failed, or a concurrent run pushed after us):
    rebuild on the current base and try again.
    """
    git, forge = session.git, session.forge
    pushed = False
    if not same_tree(session, remote, commit):
        if not git.push_with_lease(spec.branch, remote):
            return None
        pushed = True
        if session.heads(refresh=True).get(spec.branch) != commit:
            return None  # a concurrent run pushed after us: its commit decides
    try:
        pull, action = upsert_pull(
            forge, existing, spec.branch, spec.base, spec.title, spec.body, pushed,
            draft=spec.draft,
        )  # fmt: skip
    except GitHubError as exc:
        if pushed and remote is None:
            _delete_stray_branch(session, spec.branch, commit, exc)
        raise
    head = session.heads(refresh=True).get(spec.branch)
    ours = commit if pushed else remote
    if describe is not None and head is not None and head != ours:
        # A concurrent run pushed while we opened or edited the pull request: its title and
        # body must describe the branch's head, not us.
        pull = describe_pull(session, pull, spec.branch, head, describe) or pull
    forge.add_labels(pull.number, spec.labels)
    warnings = tuple(forge.request_reviewers(pull.number, spec.reviewers))
    if spec.auto_merge:
        forge.enable_auto_merge(pull.number)
    return Published(action, pull, ours or commit, pushed, warnings)


def describe_pull(
    session: ManifestCheckout,
    pull: PullRequest | None,
    branch: str,
    head: str,
    describe: Describe,
) -> PullRequest | None:
    """The pull request with the title and body `describe` gives for the branch's `head`."""
    if pull is None:
        return None
    session.git.fetch_branches(branch)
    described = describe(head)
    if described is None or (pull.title, pull.body) == described:
        return pull
    return session.forge.update_pull(pull.number, title=described[0], body=described[1])


def with_retries(attempt: Callable[[], T | None], *, attempts: int, what: str, hint: str) -> T:
    """Run `attempt` until it gives a result (None: the branch moved; build again)."""
    for _ in range(attempts):
        result = attempt()
        if result is not None:
            return result
    raise GitError(
        f"gave up after {attempts} attempts: {what} kept moving while pushing", hint=hint
    )


def _delete_stray_branch(
    session: ManifestCheckout, branch: str, commit: str, exc: GitHubError
) -> None:
    """Remove the branch we pushed for a pull request that could not be opened; when that is
    refused too, the error says so and how to remove it (the next run adopts it otherwise)."""
    session.git.delete_remote_branch(branch, commit)
    if session.heads(refresh=True).get(branch) == commit:
        exc.hint = (
            f"{exc.hint + '; ' if exc.hint else ''}the branch {branch} was pushed and could not "
            f"be deleted: delete it with `git push origin --delete {branch}`, or run again "
            "(the next run reuses it)"
        )
