"""The frozen runtime view of `.gitops-release.yaml`, built only from validated data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from gitops_release.config.defaults import CONFIG_FILE, DEFAULT_HELM_KEY, DEFAULT_RENDER_TIMEOUT
from gitops_release.errors import ConfigError

TargetKind = Literal["kustomize", "helm", "manifest"]


@dataclass(frozen=True)
class Environment:
    name: str
    branch: str | None = None
    path: str | None = None
    promote_from: str | None = None


@dataclass(frozen=True)
class Target:
    """One place an app's image is set: a kustomization, a Helm values key or raw manifests."""

    kind: TargetKind
    path: str
    environments: tuple[str, ...] | None = None
    key: str = DEFAULT_HELM_KEY
    digest_key: str | None = None
    container: str | None = None
    name: str | None = None
    line: int = 0
    strategy_key: str | None = None  # helm: dotted key of the canary steps list

    def applies_to(self, env: str) -> bool:
        return self.environments is None or env in self.environments

    @property
    def label(self) -> str:
        """How a human refers to this target, e.g. `helm:charts/api/values.yaml#image.tag`."""
        suffix = f"#{self.key}" if self.kind == "helm" else ""
        return f"{self.kind}:{self.path}{suffix}"


@dataclass(frozen=True)
class Strategy:
    """A named Argo Rollouts canary preset: the `steps` (and optional background `analysis`)
    a release writes into `spec.strategy.canary` of the app's Rollouts. No steps: a rolling
    update (the blocks are removed)."""

    name: str
    steps: tuple[dict[str, Any], ...] = ()
    analysis: dict[str, Any] | None = None

    @property
    def rolling(self) -> bool:
        return not self.steps


@dataclass(frozen=True)
class Strategies:
    """`apps.<app>.strategies`: the presets and the one a release gets unless it asks."""

    default: str
    presets: tuple[Strategy, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.presets)

    def get(self, name: str | None, *, app: str = "", source: str = CONFIG_FILE) -> Strategy:
        """The preset `name` (None: the default); an unknown name lists the known ones."""
        wanted = self.default if name is None else name
        for preset in self.presets:
            if preset.name == wanted:
                return preset
        known = ", ".join(self.names)
        raise ConfigError(
            f"unknown strategy '{wanted}' for app '{app}' (known in {source}: {known})",
            hint=f"use one of: {known}, or add '{wanted}' under apps.{app}.strategies",
        )


@dataclass(frozen=True)
class App:
    name: str
    image: str
    targets: tuple[Target, ...]
    strategies: Strategies | None = None

    def strategy(self, name: str | None, *, source: str = CONFIG_FILE) -> Strategy | None:
        """The preset a release applies: `name`, else the default; None when the app has no
        strategies and none was asked for."""
        if self.strategies is None:
            if name is None:
                return None
            raise ConfigError(
                f"app '{self.name}' has no strategies in {source}, so --strategy {name} "
                "cannot be applied (known: none)",
                hint=f"add apps.{self.name}.strategies with a '{name}' preset (docs/canary.md)",
            )
        return self.strategies.get(name, app=self.name, source=source)

    def targets_for(self, env: str) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.applies_to(env))


@dataclass(frozen=True)
class GateSettings:
    kubernetes_version: str | None = None
    polaris_config: str | None = None
    min_score: int | None = None
    engine: Literal["auto", "builtin", "binary"] = "auto"
    deprecated: Literal["failure", "warning", "ignore"] = "warning"
    removed: Literal["failure", "warning", "ignore"] = "failure"


Permission = Literal["read", "triage", "write", "maintain", "admin"]
PERMISSIONS: tuple[Permission, ...] = ("read", "triage", "write", "maintain", "admin")


@dataclass(frozen=True)
class BranchDeploySettings:
    """`branch_deploy:` — where and how a pull request's image may borrow an environment."""

    environments: tuple[str, ...]
    method: Literal["direct", "pull-request"] = "direct"
    ttl_seconds: int = 8 * 3600
    min_permission: Permission = "write"


@dataclass(frozen=True)
class PreviewSettings:
    """`preview_environments:` — one directory per (app, pull request), committed to `branch`,
    built on a kustomize `template`; `{app}` and `{pr}` in the texts are filled in."""

    template: str
    branch: str | None = None  # None: the first environment's branch
    path: str = "previews/{app}/pr-{pr}"
    namespace: str = "{app}-pr-{pr}"
    host: str | None = None
    ttl_seconds: int = 72 * 3600
    max: int = 10


def parse_duration(text: str) -> int:
    """Seconds of a duration such as `8h`, `1h30m`, `2d` (validated by the schema)."""
    total, number = 0, ""
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    for char in text:
        if char.isdigit():
            number += char
        elif char in units and number:
            total, number = total + int(number) * units[char], ""
        else:
            raise ConfigError(f"invalid duration '{text}'", hint="write e.g. 8h, 30m or 1h30m")
    if number or not total:
        raise ConfigError(f"invalid duration '{text}'", hint="write e.g. 8h, 30m or 1h30m")
    return total


@dataclass(frozen=True)
class Config:
    environments: tuple[Environment, ...]
    apps: tuple[App, ...]
    gates: GateSettings = field(default_factory=GateSettings)
    promote_exclude: tuple[str, ...] = ()
    promote_labels: tuple[str, ...] = ()
    render_paths: tuple[str, ...] = ()
    render_timeout: float = DEFAULT_RENDER_TIMEOUT
    branch_deploy: BranchDeploySettings | None = None
    preview_environments: PreviewSettings | None = None
    source: str = CONFIG_FILE
    rollback_direct: bool = False  # `rollback: {direct: true}`: `rollback --direct` may commit

    def environment(self, name: str) -> Environment:
        for env in self.environments:
            if env.name == name:
                return env
        known = ", ".join(e.name for e in self.environments)
        raise ConfigError(
            f"unknown environment '{name}' (known in {self.source}: {known})",
            hint=f"use one of: {known}, or add '{name}' under environments: in {self.source}",
        )

    def app(self, name: str) -> App:
        for app in self.apps:
            if app.name == name:
                return app
        known = ", ".join(a.name for a in self.apps)
        raise ConfigError(
            f"unknown app '{name}' (known in {self.source}: {known})",
            hint=f"use one of: {known}, or add '{name}' under apps: in {self.source}",
        )

    def promotion_target(self, from_env: str) -> Environment:
        """The environment whose `promote_from` is `from_env`."""
        self.environment(from_env)
        for env in self.environments:
            if env.promote_from == from_env:
                return env
        raise ConfigError(
            f"no environment in {self.source} has promote_from: {from_env}",
            hint=f"add 'promote_from: {from_env}' to the environment that should receive "
            "promotions, or pass --to-env",
        )
