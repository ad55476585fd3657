"""`promote`: turn each change merged into a staging branch into its own production PR.

plan    — find the change (merge commit, squash commit, or rebase-merged commits), its source
          PR, and whether it should be skipped;
apply   — cherry-pick it with `-x` onto a fresh branch from the production branch; on a
          conflict, re-apply image bumps semantically with the edit engine, otherwise stop;
publish — push with a lease when the tree differs, and create or update the one PR.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from gitops_release import globs, promotion
from gitops_release.config import Config, Environment
from gitops_release.edit import write_atomically
from gitops_release.errors import GitError, GitopsReleaseError, UsageError
from gitops_release.flows.branches import config_on_branch, require_branch
from gitops_release.flows.set_image import plan_for_checkout
from gitops_release.git import BOT, Git, Identity, auth_env
from gitops_release.github import Forge, PullRequest, upsert_pull
from gitops_release.promotion import Change, ImageChange

Action = Literal["created", "updated", "unchanged", "skipped", "conflict"]
OnConflict = Literal["fail", "draft"]
MAX_ATTEMPTS = 3
HISTORY_DEPTH = 200


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


def promote(request: PromoteRequest, forge: Forge) -> PromoteResult:
    default_branch = forge.check_write_access()
    with tempfile.TemporaryDirectory(prefix="gitops-release-promote-") as tmp:
        git = Git.init(
            request.workdir or Path(tmp) / "repo", request.git_url, auth_env(request.token)
        )
        heads = git.remote_heads()
        config = config_on_branch(git, heads, default_branch, request.manifest_repo)
        source_env = config.environment(request.from_env)
        target_env = (
            config.environment(request.to_env)
            if request.to_env
            else config.promotion_target(request.from_env)
        )
        if source_env.branch is None or target_env.branch is None:
            raise UsageError(
                f"environments '{source_env.name}' and '{target_env.name}' are directories, "
                "not branches: promote them with --app NAME",
                hint="directory-per-environment repos promote one app's image at a time",
            )
        from_branch, to_branch = source_env.branch, target_env.branch
        for branch in (from_branch, to_branch):
            require_branch(heads, branch, request.manifest_repo)
        config = config_on_branch(git, heads, from_branch, request.manifest_repo)
        changes = _changes(git, request, forge, from_branch)
        promotions = tuple(
            _promote_one(git, forge, config, request, source_env, target_env, change)
            for change in changes
        )
        return PromoteResult(
            source_env.name, target_env.name, to_branch, promotions, request.dry_run
        )


# -- plan: which change(s) ------------------------------------------------------------------------


def _changes(git: Git, request: PromoteRequest, forge: Forge, from_branch: str) -> list[Change]:
    """The changes in `before..sha` (a push), or the one change `sha` is."""
    if request.before and set(request.before) != {"0"}:
        git.fetch_commit(request.sha, depth=HISTORY_DEPTH)
        if not git.has_commit(request.before):
            raise GitError(
                f"{request.before[:7]} is not among the last {HISTORY_DEPTH} commits before "
                f"{request.sha[:7]}",
                hint="promote the commits one by one with --sha",
            )
        return _group(git, forge, git.first_parent_range(request.before, request.sha))
    # Reachability first: its shallow fetch of the branch would cut the history that
    # fetch_change then deepens as far as the change needs.
    if not git.reachable_from_branch(request.sha, from_branch, depth=HISTORY_DEPTH):
        raise UsageError(
            f"commit {request.sha[:12]} is not on {from_branch}: only changes merged into the "
            "source environment are promoted",
            hint=f"merge it into {from_branch} first, or check the --sha (and --from-env)",
        )
    git.fetch_change(request.sha)
    return _group(git, forge, [request.sha])


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


def _source_pull(forge: Forge, change: Change, from_branch: str) -> PullRequest | None:
    for pull in forge.pulls_for_commit(change.head):
        if pull.merged and pull.base == from_branch:
            return pull
    return None


def _changed_files(git: Git, change: Change) -> list[str]:
    return git.changed_files(f"{change.commits[0]}^1", change.head)


# -- apply + publish ------------------------------------------------------------------------------


def _promote_one(
    git: Git,
    forge: Forge,
    config: Config,
    request: PromoteRequest,
    source_env: Environment,
    target_env: Environment,
    change: Change,
) -> Promotion:
    to_branch = target_env.branch or ""
    source = _source_pull(forge, change, source_env.branch or "")
    files = _changed_files(git, change)
    images = promotion.image_changes(change.messages)
    # An image bump is always promoted, even when it only touched staging-only files.
    exclude = () if images else config.promote_exclude
    reason = promotion.skip_reason(change, source, files, exclude)
    if reason:
        return Promotion("skipped", reason, change, None, None, source)
    branch = promotion.branch_for(change, source)
    for _attempt in range(MAX_ATTEMPTS):
        heads = git.remote_heads()
        base_sha, remote = heads[to_branch], heads.get(branch)
        git.fetch_branches(to_branch, *([branch] if remote else []))
        git.checkout_full(base_sha)
        # What the target environment runs now, read before the change is applied: the "was"
        # of the pull request (the source environment's previous image is not what changes).
        images = _as_on_target(git, config, target_env.name, images)
        conflicts = _cherry_pick(git, change, request.identity, base_sha, config.promote_exclude)
        semantic = False
        if conflicts and images:
            _reapply(git, config, target_env.name, change, images, request.identity)
            conflicts, semantic = [], True
        elif not conflicts:
            _retarget(git, config, base_sha, files, target_env.name, images, request.identity)
        if conflicts and request.on_conflict == "fail":
            return _conflict(forge, request, to_branch, branch, change, source, conflicts)
        if not conflicts and git.tree_of("HEAD") == git.tree_of(base_sha):
            return Promotion(
                "unchanged",
                f"{to_branch} already has this change",
                change,
                branch,
                forge.find_open_pull(branch, to_branch),
                source,
                images,
            )
        if conflicts:  # draft: keep what applied cleanly, never conflict markers
            git.commit_staged(
                f"Promote {change.short}: cherry-pick conflicted, resolve by hand",
                request.identity,
            )
        title = promotion.title_for(target_env.name, change, source, images)
        commands = promotion.manual_commands(change, to_branch, branch, conflicts)
        body = promotion.body_for(
            from_env=source_env.name,
            to_env=target_env.name,
            change=change,
            source=source,
            images=images,
            semantic=semantic,
            conflict_files=conflicts,
            commands=commands,
        )
        existing = forge.find_open_pull(branch, to_branch)
        if request.dry_run:
            return Promotion(
                "updated" if existing else "created",
                "dry run: nothing published",
                change,
                branch,
                existing,
                source,
                images,
                semantic,
                tuple(conflicts),
            )
        same_tree = remote is not None and git.tree_of(remote) == git.tree_of("HEAD")
        pushed = False
        if not same_tree:
            if not git.push_with_lease(branch, remote):
                continue
            pushed = True
        pull, action = upsert_pull(
            forge, existing, branch, to_branch, title, body, pushed, draft=bool(conflicts)
        )
        labels = [
            *(source.labels if source else ()),
            promotion.PROMOTION_LABEL,
            *config.promote_labels,
        ]
        if conflicts:
            labels.append(promotion.CONFLICT_LABEL)
        forge.add_labels(pull.number, [lbl for lbl in labels if lbl != promotion.SKIP_LABEL])
        return Promotion(
            "conflict" if conflicts else action,
            "cherry-pick conflicted: opened as a draft" if conflicts else "",
            change,
            branch,
            pull,
            source,
            images,
            semantic,
            tuple(conflicts),
        )
    raise GitError(
        f"gave up after {MAX_ATTEMPTS} attempts: {branch} kept moving while pushing",
        hint="another promotion of the same change is running; run again",
    )


def _cherry_pick(
    git: Git, change: Change, identity: Identity, base_sha: str, exclude: Sequence[str]
) -> list[str]:
    """Cherry-pick the change; returns the conflicting files (the pick is then aborted).

    Conflicts only in environment-only files (promote.exclude) are no conflict: those files
    keep the target's version, as they would after a clean pick.
    """
    for sha in change.commits:
        conflicts = git.cherry_pick(sha, identity, mainline=change.mainline)
        if not conflicts:
            continue
        if exclude and all(globs.matches(f, exclude) for f in conflicts):
            git.restore_paths(base_sha, conflicts)
            git.continue_cherry_pick(identity)
            continue
        git.abort_cherry_pick()
        return conflicts
    return []


def _as_on_target(
    git: Git, config: Config, env: str, images: Sequence[ImageChange]
) -> tuple[ImageChange, ...]:
    """Each image change with `previous` = the image `env` runs now (from its targets)."""
    found = []
    for image in images:
        try:
            changes, _ = plan_for_checkout(
                git.cwd, config, env=env, image_ref=image.image, app_name=image.app,
                allow_downgrade=True,
            )  # fmt: skip
        except GitopsReleaseError:
            found.append(ImageChange(image.app, image.image, None))
            continue
        olds = [e.old_image for c in changes for e in c.edits if e.old_image]
        found.append(ImageChange(image.app, image.image, olds[0] if olds else None))
    return tuple(found)


def _retarget(
    git: Git,
    config: Config,
    base_sha: str,
    files: Sequence[str],
    to_env: str,
    images: Sequence[ImageChange],
    identity: Identity,
) -> None:
    """Make the cherry-pick mean the same thing in the target environment.

    Files the config marks as environment-only (promote.exclude) go back to the target branch's
    version, and each bumped image is also set on the target environment's own targets (they
    differ when environments have their own overlays or values files).
    """
    git.restore_paths(base_sha, [f for f in files if globs.matches(f, config.promote_exclude)])
    _set_images(git, config, to_env, images)
    git.commit_staged(None, identity, amend=True)


def _set_images(git: Git, config: Config, env: str, images: Sequence[ImageChange]) -> None:
    """Set each image on `env`'s targets in the checkout, with the edit engine."""
    for image in images:
        changes, _ = plan_for_checkout(
            git.cwd,
            config,
            env=env,
            image_ref=image.image,
            app_name=image.app,
            allow_downgrade=False,
        )
        write_atomically(git.cwd, changes)


def _reapply(
    git: Git,
    config: Config,
    to_env: str,
    change: Change,
    images: Sequence[ImageChange],
    identity: Identity,
) -> None:
    """Set each bumped image on the target environment's targets with the edit engine."""
    git.reset_hard()
    _set_images(git, config, to_env, images)
    summary = ", ".join(f"{i.app} → {i.image}" for i in images)
    git.commit_staged(
        f"{change.subject}\n\nRe-applied with the edit engine on {to_env} ({summary}): the "
        f"cherry-pick of {change.short} conflicted.\n\n(cherry picked from commit "
        f"{change.head})",
        identity,
    )


def _conflict(
    forge: Forge,
    request: PromoteRequest,
    to_branch: str,
    branch: str,
    change: Change,
    source: PullRequest | None,
    conflicts: Sequence[str],
) -> Promotion:
    commands = promotion.manual_commands(change, to_branch, branch, conflicts)
    if source is not None and not request.dry_run:
        forge.create_comment(
            source.number,
            promotion.conflict_comment(to_branch, to_branch, change, conflicts, commands),
        )
    return Promotion(
        "conflict",
        f"cherry-pick onto {to_branch} conflicts in {', '.join(conflicts)}",
        change,
        branch,
        None,
        source,
        conflicts=tuple(conflicts),
    )
