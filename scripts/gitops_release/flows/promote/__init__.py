"""`promote`: turn each change merged into a staging branch into its own production PR.

session — check write access, clone the manifest repo empty, read the config;
plan    — find the change(s) (`changes`): merge commit, squash commit, or rebase-merged commits,
          the source PR, and whether to skip;
apply   — cherry-pick onto a fresh branch from the production branch (`cherry_pick`);
publish — `publish.publish`: lease push when the tree differs, upsert the one PR, labels.

Directory-per-environment repositories promote one app's image instead (`directory`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from gitops_release import trailers
from gitops_release.config import Config, Environment
from gitops_release.deployments import SourceRef, trailer_blocks
from gitops_release.errors import GitopsReleaseError, UsageError
from gitops_release.flows.promote import cherry_pick, text
from gitops_release.flows.promote.changes import (
    SKIP_LABEL,
    Change,
    ImageChange,
    branch_for,
    changed_files,
    find_changes,
    image_changes,
    skip_reason,
    source_pull,
)
from gitops_release.git import BOT, Git, Identity
from gitops_release.github import Forge, PullRequest
from gitops_release.steps.pr_preview import PreviewOutcome, PreviewRequest, preview
from gitops_release.steps.publish import PullSpec, publish, with_retries
from gitops_release.steps.release_notes import release_notes
from gitops_release.steps.session import ManifestCheckout, open_checkout

Action = Literal["created", "updated", "unchanged", "skipped", "conflict"]
OnConflict = Literal["fail", "draft"]
MAX_ATTEMPTS = 3


class PromotionConflict(GitopsReleaseError):
    """The cherry-pick conflicted and could not be resolved automatically."""


@dataclass(frozen=True)
class PromoteRequest:
    manifest_repo: str
    git_url: str
    sha: str
    before: str | None = None
    from_env: str = "staging"
    to_env: str | None = None
    on_conflict: OnConflict = "fail"
    dry_run: bool = False
    # Post the preview + gates comment on each production PR: PRs opened with a workflow's own
    # GITHUB_TOKEN trigger no other workflow, so the preview workflow would never run for them.
    preview: bool = True
    identity: Identity = BOT
    token: str = field(default="", repr=False)
    workdir: Path | None = None


@dataclass(frozen=True)
class Promotion:
    action: Action
    reason: str
    change: Change | None
    branch: str | None
    pull_request: PullRequest | None
    source_pull_request: PullRequest | None
    images: tuple[ImageChange, ...] = ()
    semantic: bool = False
    conflicts: tuple[str, ...] = ()
    preview: PreviewOutcome | None = None  # the preview comment posted on `pull_request`


@dataclass(frozen=True)
class PromoteResult:
    from_env: str
    to_env: str
    base: str
    promotions: tuple[Promotion, ...]
    dry_run: bool

    @property
    def conflicted(self) -> bool:
        return any(p.action == "conflict" for p in self.promotions)


@dataclass(frozen=True)
class _Route:
    """Where a promotion goes: the config on the source branch and both environments."""

    config: Config
    source: Environment
    target: Environment

    @property
    def from_branch(self) -> str:
        return self.source.branch or ""

    @property
    def to_branch(self) -> str:
        return self.target.branch or ""


def promote(request: PromoteRequest, forge: Forge) -> PromoteResult:
    with open_checkout(
        request.manifest_repo, request.git_url, request.token, forge,
        purpose="promote", workdir=request.workdir,
    ) as session:  # fmt: skip
        route = _route(session, request)
        changes = find_changes(session.git, forge, request.sha, request.before, route.from_branch)
        promotions = tuple(_promote_one(session, route, request, change) for change in changes)
    if request.preview and not request.dry_run:
        promotions = tuple(_previewed(p, request, forge) for p in promotions)
    return PromoteResult(
        route.source.name, route.target.name, route.to_branch, promotions, request.dry_run
    )


def _previewed(promotion: Promotion, request: PromoteRequest, forge: Forge) -> Promotion:
    """The promotion with the preview + gates comment posted on its pull request."""
    if promotion.pull_request is None:
        return promotion
    shown = preview(
        PreviewRequest(
            manifest_repo=request.manifest_repo, git_url=request.git_url,
            pr=promotion.pull_request.number, token=request.token,
        ),
        forge,
    )  # fmt: skip
    return replace(promotion, preview=PreviewOutcome.of(shown))


def _route(session: ManifestCheckout, request: PromoteRequest) -> _Route:
    config = session.config_on(session.default_branch)
    source = config.environment(request.from_env)
    target = (
        config.environment(request.to_env)
        if request.to_env
        else config.promotion_target(request.from_env)
    )
    if source.branch is None or target.branch is None:
        raise UsageError(
            f"environments '{source.name}' and '{target.name}' are directories, "
            "not branches: promote them with --app NAME",
            hint="directory-per-environment repos promote one app's image at a time",
        )
    for branch in (source.branch, target.branch):
        session.branch_head(branch)
    return _Route(session.config_on(source.branch), source, target)


def _promote_one(
    session: ManifestCheckout, route: _Route, request: PromoteRequest, change: Change
) -> Promotion:
    git, config = session.git, route.config
    source = source_pull(session.forge, change, route.from_branch)
    files = changed_files(git, change)
    bumped = image_changes(change.messages)
    # An image bump is always promoted, even when it only touched staging-only files.
    exclude = () if bumped else config.promote_exclude
    reason = skip_reason(change, source, files, exclude)
    if reason:
        return Promotion("skipped", reason, change, None, None, source)
    branch = branch_for(change, source)
    return with_retries(
        lambda: _attempt(session, route, request, change, source, files, bumped, branch),
        attempts=MAX_ATTEMPTS,
        what=branch,
        hint="another promotion of the same change is running; run again",
    )


def _attempt(
    session: ManifestCheckout,
    route: _Route,
    request: PromoteRequest,
    change: Change,
    source: PullRequest | None,
    files: list[str],
    bumped: tuple[ImageChange, ...],
    branch: str,
) -> Promotion | None:
    git, forge, config, to_branch = session.git, session.forge, route.config, route.to_branch
    heads = session.heads(refresh=True)
    base_sha, remote = heads[to_branch], heads.get(branch)
    git.fetch_branches(to_branch, *([branch] if remote else []))
    git.checkout_full(base_sha)
    # What the target environment runs now, read before the change is applied: the "was"
    # of the pull request (the source environment's previous image is not what changes).
    images = cherry_pick.as_on_target(git, config, route.target.name, bumped)
    identity = request.identity
    conflicts = cherry_pick.cherry_pick(git, change, identity, base_sha, config.promote_exclude)
    semantic = False
    if conflicts and images:
        cherry_pick.reapply(git, config, route.target.name, change, images, identity)
        conflicts, semantic = [], True
    elif not conflicts:
        cherry_pick.retarget(
            git, config, base_sha, files, route.target.name, images, identity, change
        )
    if images and not conflicts:
        record(git, change, images, from_env=route.source.name, to_env=route.target.name,
               identity=identity)  # fmt: skip
    if conflicts and request.on_conflict == "fail":
        return _conflict(session, request, to_branch, branch, change, source, conflicts)
    if not conflicts and git.tree_of("HEAD") == git.tree_of(base_sha):
        pull = forge.find_open_pull(branch, to_branch)
        reason = f"{to_branch} already has this change"
        return Promotion("unchanged", reason, change, branch, pull, source, images)
    if conflicts:  # draft: keep what applied cleanly, never conflict markers
        git.commit_staged(
            f"Promote {change.short}: cherry-pick conflicted, resolve by hand", identity
        )
    existing = forge.find_open_pull(branch, to_branch)
    facts = (change, branch, existing, source, images, semantic, tuple(conflicts))
    if request.dry_run:
        return Promotion("updated" if existing else "created", "dry run: nothing published", *facts)
    spec = _pull_spec(route, change, branch, source, images, semantic=semantic, conflicts=conflicts)
    spec = replace(
        spec,
        body=spec.body if not images else _with_notes(session, route, change, images, spec.body),
    )
    published = publish(session, spec, git.rev_parse("HEAD"), remote, existing)
    if published is None:
        return None  # the branch moved: rebuild from the current base
    return Promotion(
        "conflict" if conflicts else published.action,
        "cherry-pick conflicted: opened as a draft" if conflicts else "",
        change,
        branch,
        published.pull,
        source,
        images,
        semantic,
        tuple(conflicts),
    )


def _pull_spec(
    route: _Route,
    change: Change,
    branch: str,
    source: PullRequest | None,
    images: tuple[ImageChange, ...],
    *,
    semantic: bool,
    conflicts: list[str],
) -> PullSpec:
    labels = [
        *(source.labels if source else ()),
        text.PROMOTION_LABEL,
        *route.config.promote_labels,
    ]
    if conflicts:
        labels.append(text.CONFLICT_LABEL)
    body = text.body_for(
        from_env=route.source.name,
        to_env=route.target.name,
        change=change,
        source=source,
        images=images,
        semantic=semantic,
        conflict_files=conflicts,
        commands=text.manual_commands(change, route.to_branch, branch, conflicts),
    )
    return PullSpec(
        branch=branch,
        base=route.to_branch,
        title=text.title_for(route.target.name, change, source, images),
        body=body,
        draft=bool(conflicts),
        labels=tuple(lbl for lbl in labels if lbl != SKIP_LABEL),
    )


def record(
    git: Git,
    change: Change,
    images: tuple[ImageChange, ...],
    *,
    from_env: str,
    to_env: str,
    identity: Identity,
) -> None:
    """Add to the promotion commit the trailers of a deployment to the target environment (one
    block per image): the history of that environment reads them."""
    blocks = [
        trailers.format_trailers(
            [
                (trailers.APP, image.app),
                (trailers.ENV, to_env),
                (trailers.IMAGE, image.image),
                (trailers.PREVIOUS, image.previous),
                (trailers.SOURCE, source_trailer(change, image.app)),
                (trailers.PROMOTED_FROM, from_env),
            ]
        )
        for image in images
    ]
    git.amend_message(git.message("HEAD").rstrip() + "\n\n" + "\n\n".join(blocks) + "\n", identity)


def source_trailer(change: Change, app: str) -> str | None:
    """The `Gitops-Release-Source` the change recorded for `app`'s image (newest first)."""
    for message in change.messages:
        for block in trailer_blocks(message):
            if block.get(trailers.APP) == app and block.get(trailers.SOURCE):
                return block[trailers.SOURCE]
    return None


def _with_notes(
    session: ManifestCheckout,
    route: _Route,
    change: Change,
    images: tuple[ImageChange, ...],
    body: str,
) -> str:
    """The body with the app changes each promoted image carries, before its footer."""
    notes = "\n".join(
        release_notes(
            session,
            route.to_branch,
            env=route.target.name,
            app=image.app,
            running=image.previous,
            image=image.image,
            source=SourceRef.parse(source_trailer(change, image.app)),
        )
        for image in images
    )
    head, sep, footer = body.rpartition("\n<sub>")
    return f"{head}\n\n{notes.rstrip()}\n{sep}{footer}" if sep else body + notes


def _conflict(
    session: ManifestCheckout,
    request: PromoteRequest,
    to_branch: str,
    branch: str,
    change: Change,
    source: PullRequest | None,
    conflicts: list[str],
) -> Promotion:
    commands = text.manual_commands(change, to_branch, branch, conflicts)
    if source is not None and not request.dry_run:
        session.forge.create_comment(
            source.number,
            text.conflict_comment(to_branch, to_branch, change, conflicts, commands),
        )
    reason = f"cherry-pick onto {to_branch} conflicts in {', '.join(conflicts)}"
    return Promotion("conflict", reason, change, branch, None, source, conflicts=tuple(conflicts))
