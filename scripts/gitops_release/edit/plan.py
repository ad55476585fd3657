"""The pure planner: config + environment + image + file texts → the new texts of every file.

No I/O here. The caller reads the target files (see `targets_files`) and writes the result.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from gitops_release.config import App, Config, Strategy, Target
from gitops_release.edit.document import YamlFile
from gitops_release.edit.model import Edit, PlannedFile
from gitops_release.edit.strategy import Reached, plan_helm_strategy, plan_rollouts
from gitops_release.edit.targets import (
    FilePlan,
    describe_images,
    plan_helm,
    plan_kustomize,
    plan_manifest,
)
from gitops_release.edit.verify import apply_splices, verify
from gitops_release.errors import ConfigError, DowngradeRefused, ManifestError
from gitops_release.image import ImageRef, normalize_repository, semver_of

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
MANIFEST_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class TargetFiles:
    """The files a target covers, relative to the repo root, as resolved by the caller."""

    target: Target
    files: tuple[str, ...]
    # For a release strategy: the files the target reaches (a kustomization's resources and
    # patches; a manifest target's files), and those another environment's target reaches too.
    reach: tuple[Reached, ...] = ()
    shared: frozenset[str] = frozenset()


def resolve_app(config: Config, ref: ImageRef, app_name: str | None) -> App:
    """The app for `ref`: the named one (whose image must match), or the only one that matches."""
    if app_name is not None:
        app = config.app(app_name)
        if not ref.same_repository(app.image):
            raise ConfigError(
                f"image {ref} does not belong to app '{app.name}' (its image is {app.image})",
                hint=f"pass an image of {app.image}, or the right --app",
            )
        return app
    wanted = normalize_repository(ref.repository)
    matches = [a for a in config.apps if normalize_repository(a.image) == wanted]
    if not matches:
        known = ", ".join(f"{a.name}={a.image}" for a in config.apps)
        raise ConfigError(
            f"no app in {config.source} has image {ref.repository} (apps: {known})",
            hint=f"add an app with `image: {ref.repository}` to {config.source}, or check the "
            "image name",
        )
    if len(matches) > 1:
        names = ", ".join(a.name for a in matches)
        raise ConfigError(
            f"image {ref.repository} belongs to several apps ({names})",
            hint=f"pass --app with one of: {names}",
        )
    return matches[0]


def plan_set_image(
    app: App,
    ref: ImageRef,
    targets: Sequence[TargetFiles],
    texts: Mapping[str, str],
    *,
    allow_downgrade: bool = False,
    strategy: Strategy | None = None,
    strategy_asked: bool = False,
) -> tuple[PlannedFile, ...]:
    """Plan the edits for every target of `app` in `env`; verified, not yet written.

    With a `strategy`, the canary steps of the Rollouts the targets reach are set too; when the
    release asked for it (`strategy_asked`), a target without a Rollout is an error.
    """
    plans: dict[str, FilePlan] = {}

    def file_plan(name: str) -> FilePlan:
        if name not in plans:
            plans[name] = FilePlan(YamlFile.parse(name, texts[name]))
        return plans[name]

    for entry in targets:
        target = entry.target
        if target.kind == "kustomize":
            plan_kustomize(file_plan(entry.files[0]), target, app, ref)
        elif target.kind == "helm":
            plan_helm(file_plan(entry.files[0]), target, app, ref)
        else:
            matched = sum(plan_manifest(file_plan(f), target, app, ref) for f in entry.files)
            if not matched:
                found = "; ".join(f"{f}: {describe_images(file_plan(f).file)}" for f in entry.files)
                only = f" in container '{target.container}'" if target.container else ""
                raise ManifestError(
                    f"target {target.label}: no container image {app.image}{only} found "
                    f"(found {found or 'no YAML files'})",
                    hint=f"check the target's path and container, or the app's image in the "
                    f"config (line {target.line})",
                )
        if strategy is not None:
            _plan_strategy(entry, file_plan, strategy, asked=strategy_asked)
    changes = []
    for name, plan in plans.items():
        after = apply_splices(plan.file.text, plan.splices)
        if plan.splices:
            verify(name, plan.file.docs, plan.file.text, plan.splices, plan.expects)
        changes.append(
            PlannedFile(name, plan.file.text, after, tuple(plan.edits), tuple(plan.strategy_edits))
        )
    if not allow_downgrade:
        _refuse_downgrade([e for c in changes for e in c.edits], ref)
    return tuple(changes)


def _plan_strategy(
    entry: TargetFiles,
    file_plan: Callable[[str], FilePlan],
    strategy: Strategy,
    *,
    asked: bool,
) -> None:
    target = entry.target
    if target.kind == "helm":
        found = plan_helm_strategy(file_plan(entry.files[0]), target, strategy)
        missing = "no strategy_key: the values key of the canary steps"
    else:
        reach = entry.reach or tuple(Reached(f) for f in entry.files)
        found = bool(plan_rollouts(reach, file_plan, target, strategy, shared=entry.shared))
        missing = "no Argo Rollout among its files (" + ", ".join(r.file for r in reach) + ")"
    # Asking for no steps where there is no Rollout asks for nothing (a promotion repeats the
    # bump's strategy, the default included, on every target).
    if not found and asked and not (strategy.rolling and strategy.analysis is None):
        raise ManifestError(
            f"target {target.label} has {missing}, so strategy '{strategy.name}' cannot be "
            "applied; nothing was written",
            hint="release without --strategy, or point the target at the Rollout "
            + ("(add strategy_key: e.g. rollout.canary.steps)" if target.kind == "helm" else "")
            + f" (config line {target.line})",
        )


def _refuse_downgrade(edits: Sequence[Edit], ref: ImageRef) -> None:
    new = semver_of(ref.tag)
    if new is None:
        return
    for edit in edits:
        old_tag = _tag_of(edit.old_image)
        old = semver_of(old_tag)
        if old is not None and new < old:
            raise DowngradeRefused(
                f"{edit.file}:{edit.line}: refusing to downgrade {old_tag} → {ref.tag}",
                hint="pass --allow-downgrade to roll back on purpose",
            )


def _tag_of(image: str | None) -> str | None:
    if not image:
        return None
    body = image.split("@", 1)[0]
    last = body.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


def manifest_files(path: str, listing: Sequence[str]) -> tuple[str, ...]:
    """The YAML files a manifest target covers: the file itself, or the directory's YAML files."""
    if path in listing:
        return (path,)
    prefix = path.rstrip("/") + "/"
    return tuple(
        sorted(f for f in listing if f.startswith(prefix) and f.endswith(MANIFEST_SUFFIXES))
    )
