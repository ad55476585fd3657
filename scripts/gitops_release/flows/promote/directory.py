"""Directory-per-environment promotion: copy one app's image from one environment's targets to
another's, as the image pull request of the target environment (same branch, same PR rules).

session — check write access, clone the manifest repo empty, read the config on the branch;
plan    — the image the source environment's targets deploy (one sparse checkout), and the app
          commit it was built from (the source environment's history, `steps.history`);
apply, publish — the image pull request step (`steps.image_pr`), labelled and recorded as a
          promotion (`Gitops-Release-Promoted-From`) that carries the image's source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gitops_release.config import App, Config
from gitops_release.edit.checkout import plan_on_checkout, read_targets, targets_of
from gitops_release.edit.current import current_image
from gitops_release.errors import GitopsReleaseError
from gitops_release.flows.promote.text import PROMOTION_LABEL
from gitops_release.git import BOT, Identity
from gitops_release.github import Forge
from gitops_release.image import ImageRef
from gitops_release.steps.history import read_history, sharing, source_of
from gitops_release.steps.image_pr import (
    BumpRequest,
    BumpResult,
    propose_image,
    widen_for_rollouts,
)
from gitops_release.steps.image_pr_text import Source
from gitops_release.steps.session import ManifestCheckout, open_checkout

LOOKBACK = 50  # deployments of the source environment searched for the image's source


@dataclass(frozen=True)
class PromoteAppRequest:
    manifest_repo: str
    git_url: str
    app: str
    from_env: str
    to_env: str | None = None  # default: the environment whose promote_from is from_env
    base: str | None = None  # default: the repository's default branch
    labels: tuple[str, ...] = ()
    dry_run: bool = False
    identity: Identity = BOT
    token: str = field(default="", repr=False)
    server_url: str = "https://github.com"


@dataclass(frozen=True)
class PromoteAppResult:
    bump: BumpResult
    to_env: str


def promote_app(request: PromoteAppRequest, forge: Forge) -> PromoteAppResult:
    with open_checkout(
        request.manifest_repo, request.git_url, request.token, forge, purpose="promote-app"
    ) as session:
        branch = request.base or session.default_branch
        config = session.config_on(branch)
        source = config.environment(request.from_env)
        target = (
            config.environment(request.to_env)
            if request.to_env
            else config.promotion_target(request.from_env)
        )
        app = config.app(request.app)
        targets = targets_of(config, app, source.name)
        rev = f"refs/remotes/origin/{branch}"
        paths = [
            ".gitops-release.yaml",
            *(t.path for t in (app.targets if app.strategies else targets)),
        ]
        session.git.sparse_checkout(rev, paths)
        texts, resolved = read_targets(session.cwd, config, targets)
        image = current_image(app, resolved, texts)
        strategy = _current_strategy(session, config, app, source.name, image, rev, paths)
        labels = (*request.labels, PROMOTION_LABEL, *config.promote_labels)
        bump = BumpRequest(
            manifest_repo=request.manifest_repo,
            env=target.name,
            image=image,
            git_url=request.git_url,
            app=app.name,
            base=branch,
            labels=tuple(dict.fromkeys(labels)),
            dry_run=request.dry_run,
            identity=request.identity,
            token=request.token,
            strategy=strategy,
            source=_source(session, config, branch, source.name, app.name, str(image), request),
            promoted_from=source.name,
        )
        return PromoteAppResult(propose_image(session, config, branch, bump), target.name)


def _current_strategy(
    session: ManifestCheckout,
    config: Config,
    app: App,
    env: str,
    image: ImageRef,
    rev: str,
    paths: list[str],
) -> str | None:
    """The preset the source environment's Rollouts run now: the one whose planning changes no
    Rollout there (None: the app has no strategies, or none matches and the default applies)."""
    if app.strategies is None:
        return None
    widen_for_rollouts(session, app, rev, paths)
    for preset in app.strategies.presets:
        try:
            changes = plan_on_checkout(
                session.cwd, config, app, env=env, ref=image, allow_downgrade=True,
                strategy=preset.name,
            )  # fmt: skip
        except GitopsReleaseError:
            continue
        if not any(c.strategy_edits for c in changes):
            return preset.name
    return None


def _source(
    session: ManifestCheckout,
    config: Config,
    branch: str,
    env: str,
    app: str,
    image: str,
    request: PromoteAppRequest,
) -> Source:
    """Where `image` was built from, as the source environment's deployment of it recorded
    (`Gitops-Release-Source`); unknown when it records none (an image set by hand)."""
    found = source_of(
        read_history(
            session, branch, env=env, app=app, limit=LOOKBACK,
            neighbours=sharing(config, branch, branch),  # the directories of `branch`
        ),
        image,
    )  # fmt: skip
    ref = found.source if found is not None else None
    if ref is None:
        return Source(server_url=request.server_url)
    return Source(repo=ref.repo, sha=ref.sha, pr=ref.pr, server_url=request.server_url)
