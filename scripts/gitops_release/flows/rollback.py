"""`rollback`: put an image the environment ran before back, as the usual pull request of the
(environment, app), or, when the config allows it, as a commit straight to the environment's
branch (emergencies). Recorded like every change: trailers, `Gitops-Release-Rollback` among them.

session — check write access, clone the manifest repo empty, the config on the environment's
          branch, the image its targets deploy now;
plan    — the image to go back to, from the deployment history (`steps.history`);
apply, publish — the image pull request step (`steps.image_pr`) with the rollback trailer and
          no downgrade check, then the preview comment; or (`--direct`) one commit pushed to
          the branch with a lease.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from gitops_release import image as images
from gitops_release import trailers
from gitops_release.config import App, Config
from gitops_release.deployments import Deployment, rollback_candidates
from gitops_release.edit import write_atomically
from gitops_release.edit.checkout import plan_on_checkout, read_targets, targets_of
from gitops_release.edit.current import current_image
from gitops_release.errors import ConfigError, GitopsReleaseError, UsageError
from gitops_release.git import BOT, Identity
from gitops_release.github import Forge, PullRequest
from gitops_release.steps.history import read_history, sharing
from gitops_release.steps.image_pr import BumpRequest, config_and_base, propose_image
from gitops_release.steps.image_pr_text import Source, commit_message
from gitops_release.steps.pr_preview import PreviewOutcome, PreviewRequest, preview
from gitops_release.steps.publish import with_retries
from gitops_release.steps.session import ManifestCheckout, open_checkout

Action = Literal["created", "updated", "unchanged", "committed"]
HISTORY_LIMIT = 100
MAX_ATTEMPTS = 4


class NothingToRollBackTo(GitopsReleaseError):
    """The history holds no image to go back to (or not the one asked for)."""


@dataclass(frozen=True)
class RollbackRequest:
    manifest_repo: str
    git_url: str
    env: str
    app: str
    to: str | None = None  # an image (or just its tag) the environment ran before
    steps: int = 1  # else: this many images back
    direct: bool = False
    reason: str | None = None
    labels: tuple[str, ...] = ()
    dry_run: bool = False
    preview: bool = True
    server_url: str = "https://github.com"
    identity: Identity = BOT
    token: str = field(default="", repr=False)
    workdir: Path | None = None


@dataclass(frozen=True)
class RollbackResult:
    action: Action
    env: str
    app: str
    from_image: str | None
    to_image: str
    base: str
    branch: str | None
    pull_request: PullRequest | None
    commit: str | None
    dry_run: bool
    reason: str = ""
    preview: PreviewOutcome | None = None


def rollback(request: RollbackRequest, forge: Forge) -> RollbackResult:
    with open_checkout(
        request.manifest_repo, request.git_url, request.token, forge,
        purpose="rollback", workdir=request.workdir,
    ) as session:  # fmt: skip
        config, base = config_and_base(session, request.env, None)
        app = config.app(request.app)
        if request.direct and not config.rollback_direct:
            raise ConfigError(
                f"rollback --direct is not allowed by {config.source}",
                hint="open the pull request instead (leave out --direct), or allow direct "
                "rollbacks with `rollback: {direct: true}` in .gitops-release.yaml",
            )
        running = _running(session, config, app, request.env, base)
        found = read_history(
            session, base, env=request.env, app=app.name, limit=HISTORY_LIMIT,
            neighbours=sharing(config, base, session.default_branch),
        )  # fmt: skip
        target = choose(found, running, env=request.env, app=app.name, to=request.to,
                        steps=request.steps)  # fmt: skip
        source = target.source
        origin = Source(
            repo=source.repo if source else None,
            sha=source.sha if source else None,
            pr=source.pr if source else None,
            server_url=request.server_url,
        )
        if request.direct:
            return with_retries(
                lambda: _direct(session, config, app, base, request, target, origin),
                attempts=MAX_ATTEMPTS,
                what=f"the branch {base}",
                hint="the environment's branch kept moving; run again",
            )
        bumped = propose_image(
            session,
            config,
            base,
            BumpRequest(
                manifest_repo=request.manifest_repo, env=request.env,
                image=images.parse(target.image), git_url=request.git_url, app=app.name,
                base=base, labels=(*request.labels, "rollback"), source=origin,
                allow_downgrade=True, dry_run=request.dry_run, identity=request.identity,
                token=request.token, rollback=True,
                note=_note(request.env, running, target.image, request.reason),
            ),
        )  # fmt: skip
    result = RollbackResult(
        bumped.action, request.env, app.name, bumped.previous_image or running, target.image,
        base, bumped.branch, bumped.pull_request, bumped.commit, request.dry_run, bumped.reason,
    )  # fmt: skip
    if result.pull_request is None or request.dry_run or not request.preview:
        return result
    shown = preview(
        PreviewRequest(
            manifest_repo=request.manifest_repo, git_url=request.git_url,
            pr=result.pull_request.number, token=request.token,
        ),
        forge,
    )  # fmt: skip
    return replace(result, preview=PreviewOutcome.of(shown))


def choose(
    found: tuple[Deployment, ...], running: str, *, env: str, app: str, to: str | None, steps: int
) -> Deployment:
    """The deployment to go back to: `to` (an image or its tag), else `steps` images back."""
    candidates = rollback_candidates(found, running)
    listing = ", ".join(c.image for c in candidates[:10]) or "none"
    if to is not None:
        if to in (running, running.rsplit(":", 1)[-1]):
            raise UsageError(
                f"{env} already runs {running}", hint="nothing to roll back: pick another --to"
            )
        for item in candidates:
            if to in (item.image, item.image.rsplit(":", 1)[-1], item.image.rsplit("@", 1)[-1]):
                return item
        raise NothingToRollBackTo(
            f"{to} was never deployed to {env} for {app} (as far as the history goes); "
            f"deployed before {running}: {listing}",
            hint="pick one of those with --to, or see `gitops-release history`",
        )
    if steps < 1:
        raise UsageError(f"--steps {steps}: must be 1 or more", hint="e.g. --steps 1")
    if len(candidates) < steps:
        raise NothingToRollBackTo(
            f"{env} ran {len(candidates)} other image(s) of {app} before {running} "
            f"(as far as the history goes): {listing}; --steps {steps} goes further back",
            hint="pick a smaller --steps, or an image with --to",
        )
    return candidates[steps - 1]


def _running(session: ManifestCheckout, config: Config, app: App, env: str, base: str) -> str:
    """The image the environment's targets deploy now (what is rolled back from)."""
    targets = targets_of(config, app, env)
    session.git.fetch_branches(base)
    session.git.sparse_checkout(
        session.branch_head(base), [".gitops-release.yaml", *(t.path for t in targets)]
    )
    texts, resolved = read_targets(session.cwd, config, targets)
    return str(current_image(app, resolved, texts))


def _note(env: str, running: str, image: str, reason: str | None) -> str:
    why = f"\n\n**Reason:** {reason}" if reason else ""
    return (
        f"> [!WARNING]\n> **Rollback** of {env}: `{running}` → `{image}` (an image it ran "
        f"before).{why}\n"
    )


def _direct(
    session: ManifestCheckout,
    config: Config,
    app: App,
    base: str,
    request: RollbackRequest,
    target: Deployment,
    origin: Source,
) -> RollbackResult | None:
    """One commit on the environment's branch, pushed only if the branch did not move."""
    git, ref = session.git, images.parse(target.image)
    base_sha = session.heads(refresh=True)[base]
    git.fetch_branches(base)
    targets = targets_of(config, app, request.env)
    git.sparse_checkout(base_sha, [".gitops-release.yaml", *(t.path for t in targets)])
    changes = plan_on_checkout(git.cwd, config, app, env=request.env, ref=ref, allow_downgrade=True)
    edits = tuple(e for c in changes for e in c.edits)
    previous = next((e.old_image for e in edits if e.old_image), None)

    def result(action: Action, commit: str | None, reason: str = "") -> RollbackResult:
        return RollbackResult(
            action, request.env, app.name, previous, target.image, base, None, None, commit,
            request.dry_run, reason,
        )  # fmt: skip

    if not any(c.changed for c in changes):
        return result("unchanged", None, f"{request.env} already runs {ref}")
    write_atomically(git.cwd, changes)
    extra = [(trailers.ROLLBACK, f"{previous or '(none)'} -> {ref}")]
    message = commit_message(app.name, request.env, str(ref), previous, edits, origin, extra=extra)
    if request.reason:
        title, _, rest = message.partition("\n\n")
        message = f"{title}\n\nReason: {request.reason}\n\n{rest}"
    commit = git.commit_all(message, request.identity)
    if request.dry_run:
        return result("committed", commit, "dry run: nothing pushed")
    if not git.push_with_lease(base, base_sha):
        return None  # the branch moved: plan again on its new head
    return result("committed", commit)
