"""`preview-env up|down|list|expire`: one preview environment per (app, pull request) — a
directory in the manifest repository that an ApplicationSet turns into an Application.

session — check write access, clone the manifest repo empty, read the config on the previews'
          branch (`preview_environments:` must be there);
plan    — list the previews on the branch (their records), decide created / updated /
          unchanged, or refused (the app's `max` reached);
apply   — render the template to find its Ingresses, write the preview's kustomization and
          record, render that new root and gate it; a root that fails either is not committed;
publish — one commit with trailers, fast-forwarded onto the branch with a lease (rebuilt when
          the branch moved).
"""

from __future__ import annotations

import shutil
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from gitops_release import trailers
from gitops_release.config import CONFIG_FILE, App, Config, PreviewSettings
from gitops_release.edit import inside, resolve_app
from gitops_release.errors import ConfigError, ManifestError, UsageError
from gitops_release.gates import GateReport
from gitops_release.git import BOT, Identity
from gitops_release.github import Forge
from gitops_release.image import ImageRef
from gitops_release.previews.checks import (
    gate_refusal,
    preview_problem,
    refuse_non_directories,
    template_problem,
)
from gitops_release.previews.kustomization import (
    KUSTOMIZATION,
    ingress_hosts,
    kustomization_text,
)
from gitops_release.previews.layout import Place, find_previews, place_of
from gitops_release.previews.meta import META_FILE, PreviewMeta, parse_meta
from gitops_release.steps.gating import CheckOptions
from gitops_release.steps.publish import with_retries
from gitops_release.steps.root_render import gate_directory, render_directory_at
from gitops_release.steps.session import ManifestCheckout, open_checkout

UpAction = Literal["created", "updated", "unchanged", "refused"]
DownAction = Literal["removed", "absent"]
MAX_ATTEMPTS = 4
_HINT_MOVED = "the branch kept changing; run the preview workflow again"


@dataclass(frozen=True)
class PreviewTarget:
    """Which preview, in which manifest repository, on whose behalf."""

    manifest_repo: str
    git_url: str
    source_repo: str
    source_pr: int
    app: str | None = None
    identity: Identity = BOT
    token: str = field(default="", repr=False)

    @property
    def holder(self) -> str:
        return f"{self.source_repo}#{self.source_pr}"


@dataclass(frozen=True)
class UpRequest:
    target: PreviewTarget
    image: ImageRef
    actor: str = ""
    now: datetime | None = None
    check: CheckOptions = field(default_factory=CheckOptions)


@dataclass(frozen=True)
class UpResult:
    action: UpAction
    app: str
    path: str
    namespace: str
    url: str | None
    image: str
    commit: str | None
    expires_at: datetime | None
    reason: str = ""
    oldest: tuple[PreviewMeta, ...] = ()  # refused for `max`: the app's previews, oldest first
    gates: GateReport | None = None


@dataclass(frozen=True)
class DownResult:
    action: DownAction
    app: str
    path: str
    commit: str | None
    image: str | None = None  # what the preview ran
    url: str | None = None


@dataclass(frozen=True)
class _Place:
    """The previews' branch and settings, and where this preview goes."""

    config: Config
    settings: PreviewSettings
    branch: str
    app: App
    place: Place

    def result(
        self,
        image: ImageRef,
        action: UpAction,
        reason: str = "",
        *,
        commit: str | None = None,
        expires: datetime | None = None,
        oldest: tuple[PreviewMeta, ...] = (),
        gates: GateReport | None = None,
    ) -> UpResult:
        place = self.place
        return UpResult(
            action, place.app, place.path, place.namespace, place.url, str(image), commit,
            expires, reason, oldest, gates,
        )  # fmt: skip


# -- up ---------------------------------------------------------------------------------------


def up(request: UpRequest, forge: Forge) -> UpResult:
    """Create or update the pull request's preview (refused: nothing is committed)."""
    target, now = request.target, request.now or datetime.now(UTC)
    with _session(target, forge, "preview-up") as session:
        where = _where(session, target, request.image)
        return with_retries(
            lambda: _up_once(session, where, request, now),
            attempts=MAX_ATTEMPTS,
            what=where.branch,
            hint=_HINT_MOVED,
        )


def _up_once(
    session: ManifestCheckout, where: _Place, request: UpRequest, now: datetime
) -> UpResult | None:
    target, place, settings = request.target, where.place, where.settings
    base_sha = _checkout(session, where.branch, settings, extra=[place.path])
    previews = _records(session, base_sha, settings)
    mine = next((p for p in previews if p.path == place.path), None)
    image = request.image
    if mine is not None and mine.source != target.source_repo:
        reason = f"{place.path} is the preview of {mine.source}#{mine.pr}, not {target.holder}"
        return where.result(image, "refused", reason)
    others = sorted(
        (p for p in previews if p.app == where.app.name and p.path != place.path),
        key=lambda p: (p.created_at, p.pr),
    )
    if mine is None and len(others) >= settings.max:
        names = ", ".join(
            f"{p.source}#{p.pr} (since {p.created_at:%Y-%m-%d %H:%M})" for p in others
        )
        reason = (
            f"{where.app.name} has {len(others)} open previews, the most "
            f"preview_environments.max allows; oldest first: {names}. Close one of those pull "
            "requests (or remove its label), or raise preview_environments.max"
        )
        return where.result(image, "refused", reason, oldest=tuple(others))
    template = render_directory_at(
        session.cwd, base_sha, place.template, timeout=where.config.render_timeout
    )
    if not template.ok:
        return where.result(image, "refused", f"the template {place.template}: {template.error}")
    problem = template_problem(template.resources, place)
    if problem:
        return where.result(image, "refused", problem)
    text = kustomization_text(
        place,
        source=target.source_repo,
        image=request.image,
        app_image=where.app.image,
        ingresses=ingress_hosts(r.body for r in template.resources),
    )
    directory = inside(session.cwd, place.path)
    kustomization = directory / KUSTOMIZATION
    if (
        mine is not None
        and mine.image == str(request.image)
        and kustomization.is_file()
        and kustomization.read_text(encoding="utf-8") == text
    ):
        return where.result(image, "unchanged", "already up to date", expires=mine.expires_at)
    expires = now + timedelta(seconds=settings.ttl_seconds)
    record = PreviewMeta(
        path=place.path, app=place.app, pr=place.pr, source=target.source_repo,
        image=str(request.image), namespace=place.namespace, url=place.url,
        actor=request.actor or "unknown", created_at=mine.created_at if mine else now,
        updated_at=now, expires_at=expires,
    )  # fmt: skip
    _write(session, place.path, {KUSTOMIZATION: text, META_FILE: record.to_text()})
    action: UpAction = "updated" if mine is not None else "created"
    message = _message(
        f"preview({place.app}): {action} {place.path} for {target.holder}",
        f"{request.image} in namespace {place.namespace}"
        + (f" at {place.url}" if place.url else "")
        + f", until {expires:%Y-%m-%d %H:%M} UTC.",
        target, place.app, str(request.image),
    )  # fmt: skip
    commit = session.git.commit_all(message, target.identity)
    checked = render_directory_at(
        session.cwd, commit, place.path, timeout=where.config.render_timeout
    )
    refusal = (
        f"the preview {place.path} does not render: {checked.error}"
        if not checked.ok
        else preview_problem(checked.resources, place, request.image, where.app)
    )
    report = None
    if refusal is None:
        report = gate_directory(checked, session.git, commit, request.check, where.config)
        if not report.passed:
            refusal = gate_refusal(report)
    if refusal is not None:
        return where.result(image, "refused", refusal, gates=report)
    if not session.git.push_with_lease(where.branch, base_sha):
        return None
    return where.result(image, action, commit=commit, expires=expires, gates=report)


# -- down, list, expire -----------------------------------------------------------------------


def down(target: PreviewTarget, forge: Forge, *, reason: str = "closed") -> DownResult:
    """Remove the pull request's preview (`absent`: there is none)."""
    with _session(target, forge, "preview-down") as session:
        if target.app is None:
            target = _with_previewed_app(session, target)
        where = _where(session, target, None)
        return with_retries(
            lambda: _down_once(session, where, target, reason),
            attempts=MAX_ATTEMPTS,
            what=where.branch,
            hint=_HINT_MOVED,
        )


def _down_once(
    session: ManifestCheckout, where: _Place, target: PreviewTarget, reason: str
) -> DownResult | None:
    place = where.place
    base_sha = _checkout(session, where.branch, where.settings, extra=[place.path])
    directory = inside(session.cwd, place.path)
    if not directory.is_dir():
        return DownResult("absent", place.app, place.path, None)
    record_file = directory / META_FILE
    record = (
        parse_meta(place.path, record_file.read_text(encoding="utf-8"))
        if record_file.is_file()
        else None
    )
    if record is not None and record.source != target.source_repo:
        return DownResult("absent", place.app, place.path, None)
    shutil.rmtree(directory)
    message = _message(
        f"preview({place.app}): removed {place.path} of {target.holder} ({reason})",
        f"The preview of {target.holder} is gone ({record.url if record else place.path}).",
        target, place.app, None,
    )  # fmt: skip
    commit = session.git.commit_all(message, target.identity)
    if not session.git.push_with_lease(where.branch, base_sha):
        return None
    image = record.image if record else None
    return DownResult("removed", place.app, place.path, commit, image, place.url)


def _with_previewed_app(session: ManifestCheckout, target: PreviewTarget) -> PreviewTarget:
    """The target with the app the pull request has a preview of (the first app when none)."""
    branch, settings = _branch_and_settings(session)
    if settings is None:
        return target  # `_where` says what is missing
    head = _checkout(session, branch, settings, extra=[])
    mine = [
        p
        for p in _records(session, head, settings)
        if (p.source, p.pr) == (target.source_repo, target.source_pr)
    ]
    if len(mine) > 1:
        apps = ", ".join(p.app for p in mine)
        raise UsageError(
            f"{target.holder} has previews of several apps ({apps})", hint="pass --app with one"
        )
    config = session.config_on(branch)
    return replace(target, app=mine[0].app if mine else config.apps[0].name)


def list_previews(
    manifest_repo: str, git_url: str, forge: Forge, *, token: str = ""
) -> tuple[PreviewMeta, ...]:
    """Every preview on the previews' branch, oldest first (read-only: no write access needed)."""
    with open_checkout(
        manifest_repo, git_url, token, forge, purpose="preview-list", write=False
    ) as session:
        branch, settings = _branch_and_settings(session)
        if settings is None:
            return ()
        base_sha = _checkout(session, branch, settings, extra=[])
        return _records(session, base_sha, settings)


@dataclass(frozen=True)
class Expired:
    preview: PreviewMeta
    commit: str | None


def expire(
    manifest_repo: str,
    git_url: str,
    forge: Forge,
    *,
    now: datetime | None = None,
    token: str = "",
    identity: Identity = BOT,
) -> tuple[Expired, ...]:
    """Remove every preview whose expiry has passed."""
    moment = now or datetime.now(UTC)
    with open_checkout(manifest_repo, git_url, token, forge, purpose="preview-expire") as session:
        branch, settings = _branch_and_settings(session)
        if settings is None:
            return ()
        base_sha = _checkout(session, branch, settings, extra=[])
        due = [p for p in _records(session, base_sha, settings) if p.expired(moment)]
    expired = []
    for record in due:
        target = PreviewTarget(
            manifest_repo, git_url, record.source, record.pr, record.app, identity, token
        )
        done = down(target, forge, reason="expired")
        if done.action == "removed":
            expired.append(Expired(record, done.commit))
    return tuple(expired)


# -- session and plan -------------------------------------------------------------------------


def _session(
    target: PreviewTarget, forge: Forge, purpose: str
) -> AbstractContextManager[ManifestCheckout]:
    return open_checkout(target.manifest_repo, target.git_url, target.token, forge, purpose=purpose)


def _branch_and_settings(session: ManifestCheckout) -> tuple[str, PreviewSettings | None]:
    """The previews' branch and settings, from the config on the default branch (and then
    on the previews' branch, which is what they are made of)."""
    config = session.config_on(session.default_branch or _default_of(session))
    settings = config.preview_environments
    if settings is None:
        return "", None
    branch = settings.branch or config.environments[0].branch or session.default_branch
    if branch != (session.default_branch or branch):
        on_branch = session.config_on(branch).preview_environments
        settings = on_branch or settings
    return branch, settings


def _default_of(session: ManifestCheckout) -> str:
    """The default branch when write access was not checked (list): the remote's HEAD."""
    branch = session.git.remote_default_branch()
    if branch is None:
        raise ConfigError(
            f"{session.repo} does not say which branch is its default",
            hint="set the repository's default branch",
        )
    return branch


def _where(session: ManifestCheckout, target: PreviewTarget, image: ImageRef | None) -> _Place:
    branch, settings = _branch_and_settings(session)
    config = session.config_on(branch) if branch else None
    if settings is None or config is None or config.preview_environments is None:
        raise ConfigError(
            f"{CONFIG_FILE} of {session.repo} has no preview_environments: section",
            hint="add `preview_environments: {template: apps/{app}/overlays/preview, host: "
            "...}` to enable previews (docs/preview-environments.md)",
        )
    settings = config.preview_environments
    if image is not None:
        app = resolve_app(config, image, target.app)
    elif target.app is not None:
        app = config.app(target.app)
    elif len(config.apps) == 1:
        app = config.apps[0]
    else:
        known = ", ".join(a.name for a in config.apps)
        raise ConfigError(
            f"which app's preview? {config.source} has several apps ({known})",
            hint="pass --app NAME",
        )
    return _Place(config, settings, branch, app, place_of(settings, app.name, target.source_pr))


def _checkout(
    session: ManifestCheckout, branch: str, settings: PreviewSettings, *, extra: list[str]
) -> str:
    """Check out the config, every preview record and `extra` paths at the branch's head."""
    session.heads(refresh=True)
    head = session.branch_head(branch)
    session.git.fetch_branches(branch)
    entries = _listing(session, head)
    for path in extra:
        refuse_non_directories(entries, path)
    records = list(find_previews(entries, settings, META_FILE))
    session.git.sparse_checkout(head, [CONFIG_FILE, *records, *extra])
    return head


def _listing(session: ManifestCheckout, head: str) -> dict[str, str]:
    """Every file of `head` and its mode (`120000`: a symbolic link)."""
    listing = session.git.tree_listing(head).decode("utf-8", errors="surrogateescape")
    entries = {}
    for entry in listing.split("\0"):
        info, _, path = entry.partition("\t")
        if path:
            entries[path] = info.split(" ", 1)[0]
    return entries


def _records(
    session: ManifestCheckout, head: str, settings: PreviewSettings
) -> tuple[PreviewMeta, ...]:
    """The preview records checked out at `head` (`_checkout`), oldest first."""
    found = []
    for file in find_previews(_listing(session, head), settings, META_FILE):
        directory = file.rpartition("/")[0]
        text = inside(session.cwd, file).read_text(encoding="utf-8")
        found.append(parse_meta(directory, text))
    return tuple(sorted(found, key=lambda p: (p.created_at, p.app, p.pr)))


# -- apply ------------------------------------------------------------------------------------


def _write(session: ManifestCheckout, path: str, files: dict[str, str]) -> None:
    directory = inside(session.cwd, path)
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        target = inside(session.cwd, f"{path}/{name}")
        if target.exists() and not target.is_file():
            raise ManifestError(
                f"{path}/{name} exists and is not a file",
                hint=f"remove it from the branch: {path} belongs to gitops-release preview-env",
            )
        target.write_text(text, encoding="utf-8")


def _message(title: str, summary: str, target: PreviewTarget, app: str, image: str | None) -> str:
    pairs = [
        (trailers.PREVIEW, target.holder),
        (trailers.PREVIEW_APP, app),
        (trailers.PREVIEW_IMAGE, image),
    ]
    return f"{title}\n\n{summary}\n\n{trailers.format_trailers(pairs)}\n"
