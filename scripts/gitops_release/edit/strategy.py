"""Planning a release strategy: the canary `steps` (and `analysis`) of the Rollouts a target
reaches, or the Helm values key given as the target's `strategy_key`.

Pure, like the image planners: parsed files in, splices, re-parse expectations and
`StrategyEdit` records out. Which Rollout document is edited: for each Rollout name, the last
one with a `spec.strategy.canary` among the target's files, patches after resources (an
overlay's patch wins over its base, as kustomize applies it). A file another environment's
target also reaches is never edited (that would release to both).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from gitops_release.config import Strategy, Target
from gitops_release.edit.blocks import data_of, indent_step, set_block
from gitops_release.edit.model import Expect, KeyPath, StrategyEdit
from gitops_release.edit.targets import FilePlan
from gitops_release.errors import ManifestError
from gitops_release.rollouts import ROLLOUT_API_GROUP, describe_steps
from gitops_release.yamlio import nodes as yamlnodes

CANARY_PATH: KeyPath = ("spec", "strategy", "canary")


@dataclass(frozen=True)
class Reached:
    """A file a target reaches, and whether kustomize applies it as a patch."""

    file: str
    patch: bool = False


@dataclass(frozen=True)
class _Site:
    plan: FilePlan
    doc: int
    name: str
    canary: Node | None
    canary_key: ScalarNode | None
    other: str | None  # blueGreen, when the Rollout is not a canary


def _sites(plan: FilePlan) -> list[_Site]:
    found = []
    for index, doc in enumerate(plan.file.docs):
        kind = yamlnodes.scalar_str(yamlnodes.get(doc, "kind"))
        api = yamlnodes.scalar_str(yamlnodes.get(doc, "apiVersion")) or ""
        if kind != "Rollout" or not api.startswith(ROLLOUT_API_GROUP):
            continue
        name = yamlnodes.scalar_str(yamlnodes.walk(doc, ("metadata", "name"))) or "?"
        strategy = yamlnodes.walk(doc, CANARY_PATH[:2])
        canary = yamlnodes.get(strategy, "canary") if strategy is not None else None
        key = yamlnodes.get_key(strategy, "canary") if strategy is not None else None
        green = strategy is not None and yamlnodes.get(strategy, "blueGreen") is not None
        other = "blueGreen" if green else None
        found.append(_Site(plan, index, f"Rollout/{name}", canary, key, other))
    return found


def plan_rollouts(
    reached: Sequence[Reached],
    file_plan: Callable[[str], FilePlan],
    target: Target,
    strategy: Strategy,
    *,
    shared: frozenset[str] = frozenset(),
) -> int:
    """Apply `strategy` to the Rollouts among `reached`; returns how many Rollouts were found."""
    by_name: dict[str, list[tuple[bool, _Site]]] = {}
    for entry in reached:
        for site in _sites(file_plan(entry.file)):
            by_name.setdefault(site.name, []).append((entry.patch, site))
    for name, candidates in by_name.items():
        # Patches after resources: kustomize applies an overlay's patch over its base.
        ordered = [s for _, s in sorted(candidates, key=lambda c: c[0])]
        canaries = [s for s in ordered if isinstance(s.canary, MappingNode)]
        if not canaries:
            if strategy.rolling and strategy.analysis is None:
                continue
            site = ordered[-1]
            raise _not_canary(site, name, target, strategy)
        _apply(canaries[-1], target, strategy, shared=shared)
    return len(by_name)


def _not_canary(site: _Site, name: str, target: Target, strategy: Strategy) -> ManifestError:
    where = site.plan.file.name
    if site.other:
        return ManifestError(
            f"{where}: {name} uses a {site.other} strategy: the canary steps of strategy "
            f"'{strategy.name}' cannot be applied to it (target {target.label})",
            hint="release it without --strategy, or make the Rollout a canary "
            "(spec.strategy.canary)",
        )
    return ManifestError(
        f"{where}: {name} has no spec.strategy.canary mapping to put the steps of strategy "
        f"'{strategy.name}' in (target {target.label})",
        hint="add `strategy:` / `  canary: {}` (or its settings, e.g. maxSurge) under the "
        "Rollout's spec, commit that, and run again",
    )


def _apply(site: _Site, target: Target, strategy: Strategy, *, shared: frozenset[str]) -> None:
    plan, file = site.plan, site.plan.file
    canary = site.canary
    assert isinstance(canary, MappingNode)
    step = indent_step(file, site.canary_key, canary)
    changed = _set(plan, site.doc, CANARY_PATH, canary, strategy, step=step)
    if not changed:
        return
    if file.name in shared:
        raise ManifestError(
            f"{file.name}: {site.name} is also deployed by another environment's target, so "
            f"changing its canary steps for target {target.label} would release strategy "
            f"'{strategy.name}' there too; nothing was written",
            hint=f"give this environment its own patch of {site.name} in its overlay (e.g. "
            "`spec: {strategy: {canary: {}}}`), commit that, and run again",
        )
    file.ensure_plain_path(site.doc, [canary], f"the canary strategy of {site.name}")
    plan.strategy_edits.append(
        StrategyEdit(
            file=file.name,
            line=file.line(site.canary_key or canary),
            resource=site.name,
            old=changed[0],
            new=changed[1],
            strategy=strategy.name,
            target=target.label,
        )
    )


def _set(
    plan: FilePlan,
    doc: int,
    path: KeyPath,
    parent: MappingNode,
    strategy: Strategy,
    *,
    step: int,
    steps_key: str = "steps",
) -> tuple[str, str] | None:
    """Splice `steps_key` and `analysis` of `parent`; (old, new) descriptions when it changes."""
    file = plan.file
    old_steps = data_of(yamlnodes.get(parent, steps_key))
    old_analysis = data_of(yamlnodes.get(parent, "analysis"))
    new_steps = list(strategy.steps) or None
    any_change = False
    for key, value in ((steps_key, new_steps), ("analysis", strategy.analysis)):
        splice = set_block(file, parent, key, value, step=step)
        if splice is None:
            continue
        any_change = True
        plan.splices.append(splice)
        if value is None:
            plan.expects.append(Expect(doc, (*path, key), "delete"))
        else:
            plan.expects.append(Expect(doc, (*path, key), "set", _plain(value)))
    if not any_change:
        return None
    old = describe_steps(old_steps if isinstance(old_steps, list) else None, analysis=old_analysis)
    return old, describe_steps(strategy.steps, analysis=strategy.analysis)


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def plan_helm_strategy(plan: FilePlan, target: Target, strategy: Strategy) -> bool:
    """Apply `strategy` at the values key `target.strategy_key`; False when the target has none."""
    if not target.strategy_key:
        return False
    file = plan.file
    *parents, key = target.strategy_key.split(".")
    root = file.docs[0] if file.docs else None
    parent = yamlnodes.walk(root, parents) if root is not None else None
    parent_key = (
        yamlnodes.get_key(yamlnodes.walk(root, parents[:-1]) or root, parents[-1])
        if root is not None and parents
        else None
    )
    if not isinstance(parent, MappingNode):
        if strategy.rolling and strategy.analysis is None:
            return True
        where = ".".join(parents) or "the top"
        raise ManifestError(
            f"{file.name}: no mapping at {where} to hold {key} (strategy_key "
            f"{target.strategy_key} of target {target.label})",
            hint=f"add `{where}: {{}}` to the values file (or fix strategy_key), commit that, "
            "and run again",
        )
    step = indent_step(file, parent_key, parent)
    path: KeyPath = tuple(parents)
    changed = _set(plan, 0, path, parent, strategy, step=step, steps_key=key)
    if changed:
        file.ensure_plain_path(0, [parent], f"{'.'.join(parents)} (strategy_key)")
        plan.strategy_edits.append(
            StrategyEdit(
                file=file.name,
                line=file.line(parent_key or parent),
                resource=target.strategy_key,
                old=changed[0],
                new=changed[1],
                strategy=strategy.name,
                target=target.label,
            )
        )
    return True
