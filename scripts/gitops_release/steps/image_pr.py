"""The one pull request per (environment, app) that sets an image: the step `bump` is, and that
directory-mode promotion (and every later flow that proposes an image) reuses.

plan    — on a sparse checkout of the base: the config, the app's targets, the planned edit;
apply   — commit it on a branch rebuilt from the current base (trailers record the change);
publish — `publish.publish`: lease push when the tree differs, upsert the PR, labels, reviewers,
          auto-merge; rebuilt and retried when the branch moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from gitops_release import image as images
from gitops_release import trailers
from gitops_release.config import App, Config
from gitops_release.deployments import SourceRef
from gitops_release.edit import PlannedFile, resolve_app, write_atomically
from gitops_release.edit.checkout import (
    plan_on_checkout,
    strategy_paths,
    targets_of,
    unified_diff,
)
from gitops_release.edit.model import Edit, StrategyEdit
from gitops_release.git import BOT, Identity
from gitops_release.github import PullRequest
from gitops_release.image import ImageRef
from gitops_release.locks import lock_path, read_lock
from gitops_release.steps.history import sharing
from gitops_release.steps.image_pr_text import (
    Source,
    commit_message,
    describe_commit,
    pr_body,
    pr_title,
)
from gitops_release.steps.publish import PullSpec, describe_pull, publish, with_retries
from gitops_release.steps.release_notes import release_notes
from gitops_release.steps.session import ManifestCheckout

Action = Literal["created", "updated", "unchanged"]
MAX_ATTEMPTS = 4
LENT_LABEL = "environment-lent"
LOCK_STATUS = "gitops-release/lock"


@dataclass(frozen=True)
class BumpRequest:
    manifest_repo: str
    env: str
    image: ImageRef
    git_url: str
    app: str | None = None
    base: str | None = None
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    auto_merge: bool = False
    source: Source = field(default_factory=Source)
    allow_downgrade: bool = False
    dry_run: bool = False
    identity: Identity = BOT
    token: str = field(default="", repr=False)
    workdir: Path | None = None  # keep the clone here (debugging, tests); default: a temp dir
    # A rollback: trailer `Gitops-Release-Rollback: FROM -> TO`, never refused as a downgrade,
    # and it replaces a newer image proposed on the branch. `note` leads its release notes.
    rollback: bool = False
    note: str = ""
    release_notes: bool = True  # the app changes in the body (steps.release_notes)
    strategy: str | None = None  # a preset of apps.<app>.strategies; None: the app's default
    promoted_from: str | None = None  # a promotion: trailer `Gitops-Release-Promoted-From`


@dataclass(frozen=True)
class BumpResult:
    action: Action
    app: str
    env: str
    image: str
    base: str
    branch: str
    previous_image: str | None
    edits: tuple[Edit, ...]
    pull_request: PullRequest | None
    commit: str | None
    pushed: bool
    dry_run: bool
    reason: str = ""
    warnings: tuple[str, ...] = ()
    diff: str = ""
    locked_by: str | None = None  # the pull request the environment is lent to (branch deploy)
    strategy: str | None = None  # the release strategy applied (None: the app has none)
    strategy_edits: tuple[StrategyEdit, ...] = ()


def branch_name(env: str, app: str) -> str:
    return f"gitops-release/{env}/{app}"


def config_and_base(session: ManifestCheckout, env: str, base: str | None) -> tuple[Config, str]:
    """The config as it is on the environment's branch, and that branch (`base` overrides it)."""
    probe = base or session.default_branch
    config = session.config_on(probe)
    branch = base or config.environment(env).branch or session.default_branch
    if branch != probe:
        config = session.config_on(branch)
        config.environment(env)
    return config, branch


def propose_image(
    session: ManifestCheckout, config: Config, base: str, request: BumpRequest
) -> BumpResult:
    """Open or update the pull request that sets `request.image` on `request.env`."""
    app = resolve_app(config, request.image, request.app)
    app.strategy(request.strategy, source=config.source)  # an unknown name fails before cloning
    # Only the config, this app's targets and its branch-deploy lock are checked out (fetched);
    # with release strategies every target of the app (which files another environment shares).
    own = targets_of(config, app, request.env)  # a clear error when the env has none
    targets = app.targets if app.strategies else own
    paths = [".gitops-release.yaml", lock_path(request.env, app.name), *(t.path for t in targets)]
    branch = branch_name(request.env, app.name)
    return with_retries(
        lambda: _attempt(session, config, app, base, branch, paths, request),
        attempts=MAX_ATTEMPTS,
        what=f"the branch {branch}",
        hint="another bump of the same app is running; run again",
    )


def _attempt(
    session: ManifestCheckout,
    config: Config,
    app: App,
    base: str,
    branch: str,
    paths: list[str],
    request: BumpRequest,
) -> BumpResult | None:
    git, forge, ref = session.git, session.forge, request.image
    heads = session.heads(refresh=True)
    base_sha = session.branch_head(base)
    remote = heads.get(branch)
    git.fetch_branches(base, *([branch] if remote else []))
    git.sparse_checkout(base_sha, paths)
    if app.strategies is not None:
        widen_for_rollouts(session, app, base_sha, paths)
    changes = plan_on_checkout(
        git.cwd, config, app, env=request.env, ref=ref, allow_downgrade=request.allow_downgrade,
        strategy=request.strategy,
    )  # fmt: skip
    preset = app.strategy(request.strategy, source=config.source)
    strategy = preset.name if preset else None
    strategy_edits = tuple(e for c in changes for e in c.strategy_edits)
    edits = tuple(e for c in changes for e in c.edits)
    previous = next((e.old_image for e in edits if e.old_image), None)
    lent = _lent_to(session, request.env, app.name)
    result = _Outcome(
        request, app.name, base, branch, previous, edits, changes, lent, strategy
    ).result
    existing = forge.find_open_pull(branch, base)
    if not any(c.changed for c in changes):
        reason = f"{request.env} already runs {ref}"
        return result("unchanged", existing, None, pushed=False, reason=reason)
    write_atomically(git.cwd, changes)
    extra = [(trailers.ROLLBACK, f"{previous or '(none)'} -> {ref}")] if request.rollback else []
    if request.promoted_from:
        extra.append((trailers.PROMOTED_FROM, request.promoted_from))
    message = commit_message(
        app.name, request.env, str(ref), previous, edits, request.source, extra=extra,
        strategy=strategy, strategy_edits=strategy_edits,
    )  # fmt: skip
    commit = git.commit_all(message, request.identity)

    def describe(head: str) -> tuple[str, str] | None:
        return describe_commit(git.message(head), base, request.source.server_url)

    newer = None
    if remote is not None and not request.rollback:
        newer = _newer_on_branch(session, remote, ref)
    if newer is not None and remote is not None:
        pull = describe_pull(session, existing, branch, remote, describe)
        reason = f"{branch} already carries the newer {newer}"
        return result("unchanged", pull, None, pushed=False, reason=reason)
    if request.dry_run:
        unchanged = remote is not None and git.tree_of(remote) == git.tree_of(commit)
        action: Action = "unchanged" if unchanged and existing else "updated"
        if not existing:
            action = "created"
        return result(action, existing, commit, pushed=False, reason="dry run: nothing published")
    spec = PullSpec(
        branch=branch,
        base=base,
        title=pr_title(
            app.name, request.env, str(ref), rollback=request.rollback, strategy=strategy
        ),
        body=pr_body(
            app.name,
            request.env,
            str(ref),
            previous,
            edits,
            request.source,
            base,
            notes=_notes(session, config, base, app.name, previous, request),
            strategy=strategy,
            strategy_edits=strategy_edits,
        )
        + (lent_note(request.env, lent) if lent else ""),
        labels=(*request.labels, *([LENT_LABEL] if lent else [])),
        reviewers=request.reviewers,
        auto_merge=request.auto_merge,
    )
    published = publish(session, spec, commit, remote, existing, describe=describe)
    if published is None:
        return None  # the branch moved: rebuild from the current base
    if lent:
        forge.set_status(
            published.commit, state="failure", context=LOCK_STATUS,
            description=f"{request.env} is lent to {lent}: merge after it is given back",
            target_url=None,
        )  # fmt: skip
    return result(
        published.action, published.pull, published.commit, pushed=published.pushed,
        warnings=published.warnings,
    )  # fmt: skip


def _notes(
    session: ManifestCheckout,
    config: Config,
    base: str,
    app: str,
    previous: str | None,
    request: BumpRequest,
) -> str:
    """What the pull request says about the app changes it carries (and a rollback's note)."""
    if not request.release_notes:
        return request.note
    source = request.source
    notes = release_notes(
        session, base, env=request.env, app=app, running=previous, image=str(request.image),
        source=SourceRef(source.repo, source.sha, source.pr),
        neighbours=sharing(config, base, session.default_branch),
    )  # fmt: skip
    return f"{request.note.rstrip()}\n\n{notes}" if request.note else notes


def widen_for_rollouts(
    session: ManifestCheckout, app: App, base_sha: str, paths: list[str]
) -> None:
    """Add what the app's kustomizations reach outside their directories (bases, patches) to
    the sparse checkout, until nothing is missing (a few rounds: bases of bases)."""
    for _ in range(8):
        missing = sorted(strategy_paths(session.cwd, app) - set(paths))
        if not missing:
            return
        paths.extend(missing)
        session.git.sparse_checkout(base_sha, paths)


def _lent_to(session: ManifestCheckout, env: str, app: str) -> str | None:
    """The pull request `env` is lent to for `app` (a branch deploy's lock), if any."""
    lock = read_lock(session.cwd, env, app)
    return None if lock is None or lock.expired(datetime.now(UTC)) else lock.holder


def lent_note(env: str, holder: str) -> str:
    return (
        f"\n> [!IMPORTANT]\n> **{env} is lent to {holder}** (a branch deploy): merging this "
        f"pull request now replaces that image. It is given back by `/undeploy`, by closing "
        f"{holder}, or when the deploy expires; the `{LOCK_STATUS}` status clears then.\n"
    )


def _newer_on_branch(session: ManifestCheckout, remote: str, ref: ImageRef) -> str | None:
    """The image on the PR branch when it is a strictly newer semver than ours."""
    found = trailers.parse_trailers(session.git.message(remote)).get(trailers.IMAGE, [])
    if not found:
        return None
    try:
        theirs = images.parse(found[-1])
    except Exception:
        return None
    mine, other = images.semver_of(ref.tag), images.semver_of(theirs.tag)
    if mine is not None and other is not None and other > mine:
        return str(theirs)
    return None


@dataclass(frozen=True)
class _Outcome:
    """What is known once the edit is planned; `result()` adds how it was published."""

    request: BumpRequest
    app: str
    base: str
    branch: str
    previous: str | None
    edits: tuple[Edit, ...]
    changes: tuple[PlannedFile, ...]
    lent: str | None = None
    strategy: str | None = None

    def result(
        self,
        action: Action,
        pull: PullRequest | None,
        commit: str | None,
        *,
        pushed: bool,
        reason: str = "",
        warnings: tuple[str, ...] = (),
    ) -> BumpResult:
        return BumpResult(
            action=action,
            app=self.app,
            env=self.request.env,
            image=str(self.request.image),
            base=self.base,
            branch=self.branch,
            previous_image=self.previous,
            edits=self.edits,
            pull_request=pull,
            commit=commit,
            pushed=pushed,
            dry_run=self.request.dry_run,
            reason=reason,
            warnings=warnings,
            diff=unified_diff(self.changes),
            locked_by=self.lent,
            strategy=self.strategy,
            strategy_edits=tuple(e for c in self.changes for e in c.strategy_edits),
        )
