"""plan: which change(s) a promotion carries, what each is, and when it is skipped.

A change is a merge commit (cherry-picked with `-m 1`), a squash commit, or the consecutive
commits of one rebase-merged pull request. Image bumps are read from the trailers anywhere in
its messages. Pure apart from `find_changes`, which reads the history through `Git`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gitops_release import globs, trailers
from gitops_release.errors import GitError, UsageError
from gitops_release.git import Git
from gitops_release.github import Forge, PullRequest

SKIP_LABEL = "no-promote"
SKIP_MARK = "[skip promote]"
HISTORY_DEPTH = 200
_TRAILER_LINE = re.compile(r"^(Gitops-Release-[A-Za-z-]+):\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Change:
    """One staging change to promote: a merge commit (mainline 1), or one or more commits."""

    commits: tuple[str, ...]
    mainline: bool  # cherry-pick with -m 1
    subject: str
    messages: tuple[str, ...]

    @property
    def head(self) -> str:
        return self.commits[-1]

    @property
    def short(self) -> str:
        return self.head[:7]


@dataclass(frozen=True)
class ImageChange:
    app: str
    image: str
    previous: str | None
    strategy: str | None = None  # the release strategy the bump applied (its trailer)


def image_changes(messages: Sequence[str]) -> tuple[ImageChange, ...]:
    """Image bumps recorded in gitops-release trailers anywhere in the change's messages.

    Trailers are looked for on any line, not only in the last paragraph: a squash merge puts the
    original commit messages, trailers included, into the body of one commit.
    """
    found: dict[str, ImageChange] = {}
    for message in messages:
        pairs: dict[str, str] = {}
        for key, value in _TRAILER_LINE.findall(message):
            pairs[key] = value.strip()
            if key == trailers.IMAGE and trailers.APP in pairs:
                app = pairs[trailers.APP]
                found[app] = ImageChange(app, value.strip(), pairs.get(trailers.PREVIOUS))
        if trailers.APP in pairs and trailers.IMAGE in pairs:
            app = pairs[trailers.APP]
            found[app] = ImageChange(
                app,
                pairs[trailers.IMAGE],
                pairs.get(trailers.PREVIOUS),
                pairs.get(trailers.STRATEGY),
            )
    return tuple(found.values())


def skip_reason(
    change: Change, source: PullRequest | None, files: Sequence[str], exclude: Sequence[str]
) -> str | None:
    lent = [
        holder
        for message in change.messages
        for holder in trailers.parse_trailers(message).get(trailers.BRANCH_DEPLOY, [])
    ]
    if lent:
        return f"a branch deploy ({lent[0]}'s image, lent to the environment) is not promoted"
    previews = [
        holder
        for message in change.messages
        for holder in trailers.parse_trailers(message).get(trailers.PREVIEW, [])
    ]
    if previews:
        return f"a preview environment ({previews[0]}) is not promoted"
    if source is not None and SKIP_LABEL in source.labels:
        return f"the source pull request #{source.number} has the label '{SKIP_LABEL}'"
    if any(SKIP_MARK in message for message in change.messages):
        return f"the commit message contains '{SKIP_MARK}'"
    if files and exclude and all(globs.matches(f, exclude) for f in files):
        return "every changed file is excluded from promotion (promote.exclude)"
    if not files:
        return "the change has no file changes"
    return None


def branch_for(change: Change, source: PullRequest | None) -> str:
    return f"gitops-release/promote/{source.number if source else change.short}"


def find_changes(
    git: Git, forge: Forge, sha: str, before: str | None, from_branch: str
) -> list[Change]:
    """The changes in `before..sha` (a push), or the one change `sha` is."""
    if before and set(before) != {"0"}:
        git.fetch_commit(sha, depth=HISTORY_DEPTH)
        if not git.has_commit(before):
            raise GitError(
                f"{before[:7]} is not among the last {HISTORY_DEPTH} commits before {sha[:7]}",
                hint="promote the commits one by one with --sha",
            )
        return _group(git, forge, git.first_parent_range(before, sha))
    # Reachability first: its shallow fetch of the branch would cut the history that
    # fetch_change then deepens as far as the change needs.
    if not git.reachable_from_branch(sha, from_branch, depth=HISTORY_DEPTH):
        raise UsageError(
            f"commit {sha[:12]} is not on {from_branch}: only changes merged into the "
            "source environment are promoted",
            hint=f"merge it into {from_branch} first, or check the --sha (and --from-env)",
        )
    git.fetch_change(sha)
    return _group(git, forge, [sha])


def _group(git: Git, forge: Forge, commits: Sequence[str]) -> list[Change]:
    """Merge commits are changes of their own; consecutive commits of one PR form one change."""
    changes: list[Change] = []
    pending: list[str] = []
    pending_pr: int | None = None

    def flush() -> None:
        if pending:
            changes.append(_change(git, tuple(pending), mainline=False))
            pending.clear()

    for sha in commits:
        parents = git.parents(sha)
        if len(parents) > 1:
            flush()
            changes.append(_change(git, (sha,), mainline=True))
            pending_pr = None
            continue
        pulls = [p.number for p in forge.pulls_for_commit(sha) if p.merged]
        number = pulls[0] if pulls else None
        # Rebased commits of one PR are not always all linked to it: only a commit that
        # belongs to a *different* PR starts a new change.
        if pending and None not in (number, pending_pr) and number != pending_pr:
            flush()
        pending.append(sha)
        pending_pr = number if number is not None else pending_pr
    flush()
    return changes


def _change(git: Git, commits: tuple[str, ...], *, mainline: bool) -> Change:
    messages = [git.message(c) for c in commits]
    if mainline:
        # The merged PR's own commits carry the trailers (e.g. of a bump).
        # Oldest first, so that the newest bump of an app is the one that counts.
        messages += reversed(git.messages(f"{commits[0]}^1..{commits[0]}^2"))
    subject = messages[0].splitlines()[0] if messages and messages[0] else commits[-1][:7]
    return Change(commits, mainline, subject, tuple(messages))


def source_pull(forge: Forge, change: Change, from_branch: str) -> PullRequest | None:
    for pull in forge.pulls_for_commit(change.head):
        if pull.merged and pull.base == from_branch:
            return pull
    return None


def changed_files(git: Git, change: Change) -> list[str]:
    return git.changed_files(f"{change.commits[0]}^1", change.head)
