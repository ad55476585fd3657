"""Argo Rollouts canary strategies as people read them: `canary: 25% · pause · 75% · pause 30s`.

Pure: plain data in, text out. Shared by the edit engine (what a release changes), the preview
comment (what the rendered Rollouts do, base vs head) and the gate note (a canary that waits
for a human).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_release.yamlio.podspec import ROLLOUT_API_GROUP

__all__ = [
    "ROLLING",
    "ROLLOUT_API_GROUP",
    "RolloutStrategy",
    "describe_step",
    "describe_steps",
    "human_wait_note",
    "is_rollout",
    "rollout_strategies",
    "rollouts_in",
    "strategy_changes",
    "strategy_lines",
    "strategy_markdown",
]

ROLLING = "rolling"


def is_rollout(doc: Mapping[str, Any]) -> bool:
    api = doc.get("apiVersion")
    return (
        doc.get("kind") == "Rollout" and isinstance(api, str) and api.startswith(ROLLOUT_API_GROUP)
    )


def describe_step(step: Any) -> str:
    """One canary step in a few characters: `25%`, `pause`, `pause 30s`, `analysis`."""
    if not isinstance(step, Mapping) or not step:
        return "?"
    key, value = next(iter(step.items()))
    if key == "setWeight":
        return f"{value}%"
    if key == "pause":
        duration = value.get("duration") if isinstance(value, Mapping) else None
        return "pause" if duration in (None, "") else f"pause {duration}"
    if key == "setCanaryScale" and isinstance(value, Mapping):
        if "weight" in value:
            return f"scale {value['weight']}%"
        if "replicas" in value:
            return f"scale {value['replicas']} pods"
        return "scale"
    return str(key)


def describe_steps(steps: Sequence[Any] | None, *, analysis: Any = None) -> str:
    """`rolling` (no steps), else `canary: 25% · pause · …` (`+ analysis` with background
    analysis)."""
    if not steps:
        return ROLLING
    text = "canary: " + " · ".join(describe_step(s) for s in steps)
    return text + (" + analysis" if analysis else "")


@dataclass(frozen=True)
class RolloutStrategy:
    """The canary part of one rendered Rollout."""

    resource: str  # Rollout/name (namespace/ when set)
    steps: tuple[Any, ...]
    analysis: Any = None
    kind: str = "canary"  # or blueGreen, or none

    @property
    def text(self) -> str:
        if self.kind != "canary":
            return self.kind
        return describe_steps(self.steps, analysis=self.analysis)

    @property
    def waits_for_a_human(self) -> bool:
        """A `pause: {}` (no duration) and no analysis: the canary stops until someone
        promotes it by hand."""
        manual = any(
            isinstance(s, Mapping)
            and "pause" in s
            and not (isinstance(s["pause"], Mapping) and s["pause"].get("duration"))
            for s in self.steps
        )
        return manual and not self.analysis


def rollout_strategies(docs: Iterable[Any]) -> dict[str, RolloutStrategy]:
    """Every Rollout among rendered objects, by resource name."""
    found: dict[str, RolloutStrategy] = {}
    for doc in docs:
        if not isinstance(doc, Mapping) or not is_rollout(doc):
            continue
        meta = _mapping(doc.get("metadata"))
        name = f"Rollout/{meta.get('name', '?')}"
        if meta.get("namespace"):
            name = f"{meta['namespace']}/{name}"
        strategy = _mapping(_mapping(doc.get("spec")).get("strategy"))
        canary = strategy.get("canary")
        if not isinstance(canary, Mapping):
            kind = "blueGreen" if "blueGreen" in strategy else "none"
            kind = "canary" if "canary" in strategy else kind
            found[name] = RolloutStrategy(name, (), None, kind)
            continue
        steps = canary.get("steps")
        found[name] = RolloutStrategy(
            name, tuple(steps) if isinstance(steps, list) else (), canary.get("analysis")
        )
    return found


def rollouts_in(text: str | None, *, source: str = "rendered") -> dict[str, RolloutStrategy]:
    """The Rollouts of rendered YAML text (none when it is absent or does not parse)."""
    if not text or "Rollout" not in text:
        return {}
    from gitops_release.errors import GitopsReleaseError  # noqa: PLC0415
    from gitops_release.yamlio import nodes as yamlnodes  # noqa: PLC0415

    try:
        docs = yamlnodes.compose_all(text, source=source)
    except GitopsReleaseError:
        return {}
    return rollout_strategies(yamlnodes.to_python(d) for d in docs)


def human_wait_note(root: str, rollout: RolloutStrategy) -> str:
    """The gate note for a canary that waits for a human."""
    name = rollout.resource.rsplit("/", 1)[-1]
    return (
        f"{root}: {rollout.resource}: the canary pauses with `pause: {{}}` and has no analysis, "
        f"so it waits for a human: promote it with `kubectl argo rollouts promote {name}` "
        "(or give the pause a duration, or add analysis)"
    )


def strategy_lines(
    base: Mapping[str, RolloutStrategy], head: Mapping[str, RolloutStrategy], *, root: str
) -> list[str]:
    """One line per Rollout of a root's head: `rolling → canary: 25% · pause`, or the strategy
    it keeps (`(unchanged)`), or `(new)`."""
    lines = []
    for name in sorted(head):
        new, old = head[name], base.get(name)
        if old is None:
            what = f"{new.text} (new)"
        elif (old.text, old.steps, old.analysis) != (new.text, new.steps, new.analysis):
            what = f"{old.text} → **{new.text}**"
        else:
            what = f"{new.text} (unchanged)"
        lines.append(f"- `{name}` ({root}): {what}")
    return lines


def strategy_markdown(lines: Sequence[str]) -> str:
    """The preview comment's "Release strategy" section (empty without Rollouts)."""
    if not lines:
        return ""
    return "**Release strategy** (Argo Rollouts, rendered base → head):\n" + "\n".join(lines)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def strategy_changes(
    base: Mapping[str, RolloutStrategy], head: Mapping[str, RolloutStrategy]
) -> list[str]:
    """`Rollout/web: rolling → canary: 25% · pause` for each Rollout whose strategy differs
    (or is new); unchanged ones are left out."""
    lines = []
    for name in sorted(head):
        new = head[name]
        old = base.get(name)
        if old is None:
            lines.append(f"`{name}`: {new.text} (new)")
        elif old.text != new.text or old.analysis != new.analysis or old.steps != new.steps:
            lines.append(f"`{name}`: {old.text} → {new.text}")
    return lines
