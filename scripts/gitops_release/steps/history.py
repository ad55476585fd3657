"""An environment's deployment history, read from its branch's first-parent history and the
trailers of the commits on it (and of those a merge brought in). Only commits are fetched, no
file contents, and only as deep as the question needs."""

from __future__ import annotations

from collections.abc import Collection

from gitops_release.config import Config
from gitops_release.deployments import (
    Deployment,
    deployment,
    deployment_in,
    pull_number,
    with_previous,
)
from gitops_release.steps.session import ManifestCheckout

FIRST_DEPTH = 100
MAX_SIDE_COMMITS = 20  # commits of a merged branch read for trailers (a bump's PR has one)


def read_history(
    session: ManifestCheckout,
    branch: str,
    *,
    env: str,
    app: str,
    limit: int,
    neighbours: Collection[str] = (),
) -> tuple[Deployment, ...]:
    """The newest `limit` deployments of `app` to `env` on `branch`, newest first.
    `neighbours`: the environments that share the branch (`sharing`), whose changes are theirs."""
    depth: int | None = FIRST_DEPTH
    while True:
        shallow = session.history_git.fetch_branch_history(branch, depth=depth)
        log = session.history_git.first_parent_log(
            f"refs/remotes/origin/{branch}", max_count=depth or 2**31 - 1
        )
        found: list[Deployment] = []
        for entry in log:
            messages = [entry.message]
            if len(entry.parents) > 1:
                side = session.history_git.messages(f"{entry.parents[0]}..{entry.parents[1]}")
                messages += side[:MAX_SIDE_COMMITS]
            hit = deployment_in(messages, env=env, app=app, neighbours=neighbours)
            if hit is None:
                continue
            kind, block = hit
            number = pull_number(entry.message.split("\n", 1)[0])
            if number is None and kind in ("release", "promotion"):
                number = _rebase_merged(session, entry.sha, branch)
            found.append(
                deployment(
                    block, kind, env=env, commit=entry.sha, merged_at=entry.committed,
                    pull_request=number,
                )
            )  # fmt: skip
            if len(found) > limit:  # one more than asked: the previous image of the last
                break
        complete = not shallow or depth is None or len(log) < depth
        if len(found) > limit or complete:
            return with_previous(found)[:limit]
        depth = depth * 10 if depth is not None and depth < FIRST_DEPTH * 100 else None


def sharing(config: Config, branch: str, default: str | None) -> frozenset[str]:
    """The environments whose manifests live on `branch` (directories of one branch)."""
    return frozenset(e.name for e in config.environments if (e.branch or default) == branch)


def source_of(found: tuple[Deployment, ...], image: str | None) -> Deployment | None:
    """The newest deployment of `image` that records where it was built from."""
    for item in found:
        if item.image == image and item.source is not None and item.source.known:
            return item
    return None


def _rebase_merged(session: ManifestCheckout, sha: str, branch: str) -> int | None:
    """The pull request a commit with no number in its subject was merged by (rebase merges
    keep the commit's own message); None for a direct push."""
    for pull in session.forge.pulls_for_commit(sha):
        if pull.merged and pull.base == branch:
            return pull.number
    return None
