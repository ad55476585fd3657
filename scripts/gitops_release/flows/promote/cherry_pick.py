"""apply: put a change on a fresh branch from the target environment's branch.

`git cherry-pick -x` per commit; conflicts only in environment-only files (promote.exclude) keep
the target's version; an image bump that conflicts is re-applied with the edit engine on the
target environment's own targets; a clean pick is made to mean the same in the target
environment (excluded files restored, bumped images also set on its targets).
"""

from __future__ import annotations

from collections.abc import Sequence

from gitops_release import globs
from gitops_release import image as images
from gitops_release.config import Config
from gitops_release.edit import PlannedFile, resolve_app, write_atomically
from gitops_release.edit.checkout import plan_on_checkout
from gitops_release.errors import GitopsReleaseError
from gitops_release.flows.promote.changes import Change, ImageChange
from gitops_release.git import Git, Identity


def cherry_pick(
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


def as_on_target(
    git: Git, config: Config, env: str, bumped: Sequence[ImageChange]
) -> tuple[ImageChange, ...]:
    """Each image change with `previous` = the image `env` runs now (from its targets)."""
    found = []
    for image in bumped:
        try:
            changes = _plan(git, config, env, image, allow_downgrade=True)
        except GitopsReleaseError:
            found.append(ImageChange(image.app, image.image, None, image.strategy))
            continue
        olds = [e.old_image for c in changes for e in c.edits if e.old_image]
        found.append(ImageChange(image.app, image.image, olds[0] if olds else None, image.strategy))
    return tuple(found)


def retarget(
    git: Git,
    config: Config,
    base_sha: str,
    files: Sequence[str],
    to_env: str,
    bumped: Sequence[ImageChange],
    identity: Identity,
    change: Change | None = None,
) -> None:
    """Make the cherry-pick mean the same thing in the target environment.

    Files the config marks as environment-only (promote.exclude) go back to the target branch's
    version, and each bumped image is also set on the target environment's own targets (they
    differ when environments have their own overlays or values files).
    """
    git.restore_paths(base_sha, [f for f in files if globs.matches(f, config.promote_exclude)])
    _set_images(git, config, to_env, bumped)
    if change is not None and git.rev_parse("HEAD") == base_sha:
        # The pick was skipped (it changed only environment-only files that conflicted): the
        # images set on the target are a commit of their own, never an amend of the base.
        git.commit_staged(
            f"{change.subject}\n\n(cherry picked from commit {change.head})", identity
        )
        return
    git.commit_staged(None, identity, amend=True)


def _set_images(git: Git, config: Config, env: str, bumped: Sequence[ImageChange]) -> None:
    """Set each image on `env`'s targets in the checkout, with the edit engine."""
    for image in bumped:
        write_atomically(git.cwd, _plan(git, config, env, image, allow_downgrade=False))


def _plan(
    git: Git, config: Config, env: str, image: ImageChange, *, allow_downgrade: bool
) -> tuple[PlannedFile, ...]:
    """The edit that sets `image` on `env`'s targets in the checkout, with the release strategy
    the bump applied (so the target environment's Rollouts get the same steps)."""
    config.environment(env)
    ref = images.parse(image.image)
    app = resolve_app(config, ref, image.app)
    return plan_on_checkout(
        git.cwd, config, app, env=env, ref=ref, allow_downgrade=allow_downgrade,
        strategy=image.strategy,
    )  # fmt: skip


def reapply(
    git: Git,
    config: Config,
    to_env: str,
    change: Change,
    bumped: Sequence[ImageChange],
    identity: Identity,
) -> None:
    """Set each bumped image on the target environment's targets with the edit engine."""
    git.reset_hard()
    _set_images(git, config, to_env, bumped)
    summary = ", ".join(f"{i.app} → {i.image}" for i in bumped)
    git.commit_staged(
        f"{change.subject}\n\nRe-applied with the edit engine on {to_env} ({summary}): the "
        f"cherry-pick of {change.short} conflicted.\n\n(cherry picked from commit "
        f"{change.head})",
        identity,
    )
