"""`branch-deploy deploy|undeploy|expire`: lend an environment to a pull request's image, and give
it back.

session — check write access, clone the manifest repo empty, read the config on the
          environment's branch (`branch_deploy:` must allow the environment);
plan    — sparse checkout of the config, the app's targets and its lock file; who holds the
          environment, what it runs, what to give back;
apply   — the image edit and the lock file (`locks`) in one commit with trailers;
publish — `direct`: a fast-forward push to the environment's branch with a lease (rebuilt
          when the branch moved); `pull-request`: the one PR of
          `gitops-release/branch-deploy/<env>/<app>`, with auto-merge.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from gitops_release import trailers
from gitops_release.config import App, BranchDeploySettings, Config
from gitops_release.edit import resolve_app, write_atomically
from gitops_release.edit.checkout import plan_on_checkout, read_targets, targets_of
from gitops_release.edit.current import current_image
from gitops_release.errors import ConfigError, UsageError
from gitops_release.git import BOT, Identity
from gitops_release.github import Forge
from gitops_release.image import ImageRef, parse
from gitops_release.locks import LOCK_DIR, Lock, holder_of, lock_path, parse_lock, read_lock
from gitops_release.steps.image_pr import config_and_base
from gitops_release.steps.publish import PullSpec, publish, with_retries
from gitops_release.steps.session import ManifestCheckout, open_checkout

DeployAction = Literal["deployed", "unchanged", "locked"]
UndeployAction = Literal["undeployed", "not-deployed"]
MAX_ATTEMPTS = 4


@dataclass(frozen=True)
class BranchDeploy:
    """Where a branch deploy goes, and on whose behalf."""

    manifest_repo: str
    git_url: str
    env: str
    source_repo: str
    source_pr: int
    app: str | None = None
    identity: Identity = BOT
    token: str = field(default="", repr=False)

    @property
    def holder(self) -> str:
        return holder_of(self.source_repo, self.source_pr)


@dataclass(frozen=True)
class DeployRequest:
    target: BranchDeploy
    image: ImageRef
    actor: str = ""
    ttl_seconds: int | None = None  # default: branch_deploy.ttl
    now: datetime | None = None  # default: the current time


@dataclass(frozen=True)
class DeployResult:
    action: DeployAction
    environment: str
    app: str
    image: str
    restore_image: str | None
    expires_at: datetime | None
    held_by: str | None
    commit: str | None
    reason: str = ""


@dataclass(frozen=True)
class UndeployResult:
    action: UndeployAction
    environment: str
    app: str
    image: str | None  # the image the environment runs again
    commit: str | None
    reason: str = ""


@dataclass(frozen=True)
class _Place:
    """An environment's branch, its config and settings, and the app deployed there."""

    config: Config
    settings: BranchDeploySettings
    base: str
    app: App


def deploy(request: DeployRequest, forge: Forge) -> DeployResult:
    target = request.target
    now = request.now or datetime.now(UTC)
    with _session(target, forge, "branch-deploy") as session:
        place = _place(session, target, request.image)
        ttl = request.ttl_seconds or place.settings.ttl_seconds
        return with_retries(
            lambda: _deploy_once(session, place, request, now, ttl),
            attempts=MAX_ATTEMPTS,
            what=place.base,
            hint="the environment's branch kept changing; run /deploy again",
        )


def undeploy(target: BranchDeploy, forge: Forge, *, reason: str = "undeployed") -> UndeployResult:
    """Give the environment back (when `target.app` is None: the one app the PR holds there)."""
    with _session(target, forge, "branch-undeploy") as session:
        if target.app is None:
            target = _with_held_app(session, target)
        place = _place(session, target, None)
        return with_retries(
            lambda: _undeploy_once(session, place, target, reason),
            attempts=MAX_ATTEMPTS,
            what=place.base,
            hint="the environment's branch kept changing; run /undeploy again",
        )


@dataclass(frozen=True)
class Expired:
    environment: str
    app: str
    held_by: str
    image: str | None  # the image given back


def expire(
    manifest_repo: str,
    git_url: str,
    forge: Forge,
    *,
    now: datetime | None = None,
    token: str = "",
    identity: Identity = BOT,
) -> tuple[Expired, ...]:
    """Give back every environment whose branch deploy has expired."""
    moment = now or datetime.now(UTC)
    with open_checkout(manifest_repo, git_url, token, forge, purpose="branch-expire") as session:
        config = session.config_on(session.default_branch)
        settings = config.branch_deploy
        if settings is None:
            return ()
        due: list[Lock] = []
        for env in settings.environments:
            branch = config.environment(env).branch or session.default_branch
            due += [lock for lock in _locks_on(session, branch, env) if lock.expired(moment)]
    expired = []
    for lock in due:
        repo, _, number = lock.holder.rpartition("#")
        target = BranchDeploy(
            manifest_repo, git_url, lock.env, repo, int(number), lock.app, identity, token
        )
        done = undeploy(target, forge, reason="expired")
        if done.action == "undeployed":
            expired.append(Expired(lock.env, lock.app, lock.holder, done.image))
    return tuple(expired)


def _with_held_app(session: ManifestCheckout, target: BranchDeploy) -> BranchDeploy:
    config, base = config_and_base(session, target.env, None)
    held = [lock for lock in _locks_on(session, base, target.env) if lock.holder == target.holder]
    if len(held) > 1:
        apps = ", ".join(lock.app for lock in held)
        raise UsageError(
            f"{target.holder} holds {target.env} for several apps ({apps})",
            hint="pass --app with one of them",
        )
    # Nothing held: the first app stands in, and the result says it was not deployed.
    return replace(target, app=held[0].app if held else config.apps[0].name)


# -- session and plan -------------------------------------------------------------------------


def _session(
    target: BranchDeploy, forge: Forge, purpose: str
) -> AbstractContextManager[ManifestCheckout]:
    return open_checkout(target.manifest_repo, target.git_url, target.token, forge, purpose=purpose)


def _place(session: ManifestCheckout, target: BranchDeploy, image: ImageRef | None) -> _Place:
    config, base = config_and_base(session, target.env, None)
    settings = config.branch_deploy
    if settings is None:
        raise ConfigError(
            f"{config.source} has no branch_deploy: section",
            hint="add `branch_deploy: {environments: [staging]}` to allow /deploy (docs/config.md)",
        )
    if target.env not in settings.environments:
        allowed = ", ".join(settings.environments)
        raise UsageError(
            f"branch deploys may not go to '{target.env}' (branch_deploy.environments: {allowed})",
            hint=f"deploy to one of: {allowed}",
        )
    if image is not None:
        app = resolve_app(config, image, target.app)
    elif target.app is not None:
        app = config.app(target.app)
    else:
        raise UsageError("undeploy needs --app", hint="pass --app NAME")
    return _Place(config, settings, base, app)


def _checkout(session: ManifestCheckout, place: _Place, env: str) -> str:
    """Check out the config, the app's targets and its lock at the branch's head; the head."""
    session.heads(refresh=True)
    base_sha = session.branch_head(place.base)
    session.git.fetch_branches(place.base)
    targets = targets_of(place.config, place.app, env)
    paths = [".gitops-release.yaml", lock_path(env, place.app.name), *(t.path for t in targets)]
    session.git.sparse_checkout(base_sha, paths)
    return base_sha


def _running(session: ManifestCheckout, place: _Place, env: str) -> ImageRef:
    targets = targets_of(place.config, place.app, env)
    texts, resolved = read_targets(session.cwd, place.config, targets)
    return current_image(place.app, resolved, texts)


def _locks_on(session: ManifestCheckout, branch: str, env: str) -> list[Lock]:
    session.git.fetch_branches(branch)
    session.git.sparse_checkout(session.branch_head(branch), [f"{LOCK_DIR}/{env}"])
    directory = session.cwd / LOCK_DIR / env
    if not directory.is_dir():
        return []
    return [
        parse_lock(env, path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.yaml"))
    ]


# -- apply and publish ------------------------------------------------------------------------


def _deploy_once(
    session: ManifestCheckout, place: _Place, request: DeployRequest, now: datetime, ttl: int
) -> DeployResult | None:
    target, env, app = request.target, request.target.env, place.app.name
    base_sha = _checkout(session, place, env)
    held = read_lock(session.cwd, env, app)
    result = _deploy_result(env, app, request.image)
    if held is not None and held.holder != target.holder and not held.expired(now):
        reason = f"{env} is lent to {held.holder} until {held.expires_at:%Y-%m-%d %H:%M} UTC"
        return result("locked", held.restore_image, held.expires_at, held.holder, None, reason)
    running = _running(session, place, env)
    # The image to give back: what ran before the first deploy of this lock (a redeploy, or an
    # expired lock of another pull request, keeps theirs: it is the mainline image).
    restore = str(running) if held is None else _give_back(held, running)
    if held is not None and held.holder == target.holder and str(running) == str(request.image):
        return result("unchanged", restore, held.expires_at, held.holder, None, "already deployed")
    changes = plan_on_checkout(
        session.cwd, place.config, place.app, env=env, ref=request.image, allow_downgrade=True,
        keep_strategy=True,
    )  # fmt: skip
    write_atomically(session.cwd, changes)
    lock = Lock(
        env, app, target.holder, str(request.image), restore, request.actor or "unknown",
        now, now + timedelta(seconds=ttl),
    )  # fmt: skip
    lock_file = session.cwd / lock.path
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    lock_file.write_text(lock.to_text(), encoding="utf-8")
    message = _message(
        f"branch-deploy({app}): {env} → {request.image} for {target.holder}",
        f"{env} runs {target.holder}'s image until {lock.expires_at:%Y-%m-%d %H:%M} UTC, then "
        f"{restore or 'the previous image'} again.",
        target, app, env, str(request.image), str(running),
    )  # fmt: skip
    commit = session.git.commit_all(message, target.identity)
    if not _publish(session, place, env, commit, base_sha, message):
        return None
    return result("deployed", restore, lock.expires_at, target.holder, commit, "")


def _undeploy_once(
    session: ManifestCheckout, place: _Place, target: BranchDeploy, reason: str
) -> UndeployResult | None:
    env, app = target.env, place.app.name
    base_sha = _checkout(session, place, env)
    held = read_lock(session.cwd, env, app)
    if held is None or held.holder != target.holder:
        why = f"{env} is not lent to {target.holder}" + (
            f" (it is lent to {held.holder})" if held else ""
        )
        return UndeployResult("not-deployed", env, app, None, None, why)
    running = _running(session, place, env)
    back = _give_back(held, running)
    if back is not None and back != str(running):
        changes = plan_on_checkout(
            session.cwd, place.config, place.app, env=env, ref=parse(back), allow_downgrade=True,
            keep_strategy=True,
        )  # fmt: skip
        write_atomically(session.cwd, changes)
    (session.cwd / held.path).unlink()
    message = _message(
        f"branch-deploy({app}): {env} given back by {target.holder} ({reason})",
        f"{env} runs {back or str(running)} again.",
        target, app, env, back or str(running), held.image,
    )  # fmt: skip
    commit = session.git.commit_all(message, target.identity)
    if not _publish(session, place, env, commit, base_sha, message):
        return None
    return UndeployResult("undeployed", env, app, back or str(running), commit, reason)


def _give_back(held: Lock, running: ImageRef) -> str | None:
    """What the environment gets back: a newer mainline image merged while it was lent stays;
    else the image it ran before the branch deploy."""
    return held.restore_image if str(running) == held.image else str(running)


def _publish(
    session: ManifestCheckout,
    place: _Place,
    env: str,
    commit: str,
    base_sha: str,
    message: str,
) -> bool:
    """Put the commit on the environment: False when the branch moved (build again)."""
    if place.settings.method == "direct":
        # A fast-forward of the environment's branch, only if it is still where we read it.
        return session.git.push_with_lease(place.base, base_sha)
    branch = f"gitops-release/branch-deploy/{env}/{place.app.name}"
    existing = session.forge.find_open_pull(branch, place.base)
    title, _, body = message.partition("\n\n")
    spec = PullSpec(branch, place.base, title, body, labels=("branch-deploy",), auto_merge=True)
    remote = session.heads().get(branch)
    return publish(session, spec, commit, remote, existing) is not None


def _message(
    title: str, summary: str, target: BranchDeploy, app: str, env: str, image: str, previous: str
) -> str:
    pairs = [
        (trailers.BRANCH_DEPLOY, target.holder),
        (trailers.APP, app),
        (trailers.ENV, env),
        (trailers.IMAGE, image),
        (trailers.PREVIOUS, previous if previous != image else None),
    ]
    return f"{title}\n\n{summary}\n\n{trailers.format_trailers(pairs)}\n"


def _deploy_result(env: str, app: str, image: ImageRef) -> Callable[..., DeployResult]:
    def result(
        action: DeployAction,
        restore: str | None,
        expires: datetime | None,
        held_by: str | None,
        commit: str | None,
        reason: str,
    ) -> DeployResult:
        return DeployResult(action, env, app, str(image), restore, expires, held_by, commit, reason)

    return result
