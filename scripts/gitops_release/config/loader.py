"""Load `.gitops-release.yaml`: YAML with positions → JSON Schema → semantic checks → `Config`.

Every error names file:line:column and the key path, says what is allowed, and suggests the
closest valid key for typos.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruamel.yaml.nodes import Node

from gitops_release.config.defaults import CONFIG_FILE, DEFAULT_HELM_KEY, DEFAULT_RENDER_TIMEOUT
from gitops_release.config.model import (
    App,
    BranchDeploySettings,
    Config,
    Environment,
    GateSettings,
    PreviewSettings,
    Strategies,
    Strategy,
    Target,
    TargetKind,
    parse_duration,
)
from gitops_release.errors import ConfigError, ImageRefError
from gitops_release.yamlio import nodes as yamlnodes

if TYPE_CHECKING:  # jsonschema is imported when a config is validated, not at start-up
    import jsonschema
    from jsonschema.exceptions import ValidationError

_TARGET_KINDS: tuple[TargetKind, ...] = ("kustomize", "helm", "manifest")
_MAX_REPORTED = 10
_DOCS = "see docs/config.md for every key"


@cache
def schema() -> dict[str, Any]:
    """The published JSON Schema of `.gitops-release.yaml`."""
    from importlib import resources  # noqa: PLC0415  (only when a config is validated)

    text = resources.files("gitops_release.config").joinpath("schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema  # noqa: PLC0415  (~0.1 s: only when a config is read)

    return jsonschema.Draft202012Validator(schema())


def load_config(repo: Path, *, name: str = CONFIG_FILE) -> Config:
    """Read and validate `<repo>/.gitops-release.yaml` (never through a symbolic link)."""
    if not repo.is_dir():
        problem = "not a directory" if repo.exists() else "no such directory"
        raise ConfigError(
            f"{problem}: {repo}", hint="point at a local checkout of the manifest repo"
        )
    path = repo / name
    if path.is_symlink():
        raise ConfigError(
            f"{name} in {repo} is a symbolic link (to {path.readlink()}): the config is not "
            "read through links",
            hint=f"make {name} a regular file",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _missing(repo, name) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{name}: not UTF-8 text ({exc.reason})") from None
    return load_config_text(text, source=name)


def _missing(repo: Path, name: str) -> ConfigError:
    other = Path(name).with_suffix(".yml").name if name.endswith(".yaml") else None
    if other and (repo / other).is_file():
        # Refused rather than read: bump, promote, preview and diff read the config from git
        # under its one name, so a .yml file would work here and be silently ignored there.
        return ConfigError(
            f"no {name} in {repo}, but there is a {other}: the config is read only as {name}",
            hint=f"rename it: git mv {other} {name}",
        )
    return ConfigError(
        f"no {name} in {repo}",
        hint=f"create {name} at the root of the manifest repo ({_DOCS}); "
        "`gitops-release demo` shows a complete example",
    )


def load_config_text(text: str, *, source: str = CONFIG_FILE) -> Config:
    docs = yamlnodes.compose_all(text, source=source, error=ConfigError)
    if len(docs) != 1:
        raise ConfigError(
            f"{source}: expected exactly one YAML document, found {len(docs)}",
            hint="put environments: and apps: in a single document",
        )
    root = docs[0]
    data = yamlnodes.to_python(root)
    problems = [_describe(err, root, source) for err in _validation_errors(data)]
    problems += _semantic_problems(data, root, source) if not problems else []
    if problems:
        shown = problems[:_MAX_REPORTED]
        more = len(problems) - len(shown)
        tail = f"\n  ... and {more} more" if more else ""
        raise ConfigError(
            f"{source} is not valid:\n  " + "\n  ".join(shown) + tail,
            hint=_DOCS,
        )
    return _build(data, root, source)


def _validation_errors(data: Any) -> list[ValidationError]:
    errors = list(_validator().iter_errors(data))
    return sorted(errors, key=lambda e: [str(p) for p in e.absolute_path])


def _position(root: Node, path: Sequence[str | int], *, key: str | None = None) -> str:
    node = yamlnodes.walk(root, path)
    target: Node | None = node
    if key is not None and node is not None:
        target = yamlnodes.get_key(node, key) or node
    if target is None:
        # Fall back to the deepest node that exists on the path.
        for depth in range(len(path), -1, -1):
            target = yamlnodes.walk(root, path[:depth])
            if target is not None:
                break
    assert target is not None
    return f"{yamlnodes.line_of(target)}:{yamlnodes.column_of(target)}"


def _key_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _describe(err: ValidationError, root: Node, source: str) -> str:
    path = list(err.absolute_path)
    where = f"{source}:{_position(root, path)}"
    keypath = _key_path(path)
    validator = err.validator
    sub: dict[str, Any] = err.schema if isinstance(err.schema, dict) else {}
    if validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = sorted(sub.get("properties", {}))
        extra = sorted(set(err.instance) - set(allowed))
        if extra and allowed:
            bad = str(extra[0])
            where = f"{source}:{_position(root, path, key=bad)}"
            close = difflib.get_close_matches(bad, allowed, n=1)
            suggestion = f"; did you mean '{close[0]}'?" if close else ""
            return (
                f"{where}: {_key_path([*path, bad])}: unknown key '{bad}' "
                f"(allowed here: {', '.join(allowed)}){suggestion}"
            )
    if validator == "oneOf":
        return f"{where}: {keypath}: {_one_of_message(err, root, source)}"
    if validator == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return f"{where}: {keypath}: missing required key '{missing}'"
    if validator == "type":
        return f"{where}: {keypath}: must be {_a(err.validator_value)}, got {_kind(err.instance)}"
    if validator == "enum":
        options = ", ".join(str(v) for v in sub.get("enum", []))
        return f"{where}: {keypath}: '{err.instance}' is not allowed; use one of: {options}"
    if validator in ("minProperties", "minItems"):
        return f"{where}: {keypath}: must not be empty"
    if validator == "pattern":
        desc = sub.get("description", f"must match {err.validator_value}")
        return f"{where}: {keypath}: '{err.instance}' is not valid: {desc}"
    if validator == "propertyNames":
        return f"{where}: {keypath}: invalid name: {err.message}"
    return f"{where}: {keypath}: {err.message}"


def _one_of_message(err: ValidationError, root: Node, source: str) -> str:
    instance = err.instance
    if not isinstance(instance, dict):
        return f"must be a mapping, got {_kind(instance)}"
    path = list(err.absolute_path)
    if "environments" in path[:1] and len(path) == 2:
        present = [k for k in ("branch", "path") if k in instance]
        if not present:
            return "needs 'branch' (branch-per-environment) or 'path' (directory-per-environment)"
        return "has both 'branch' and 'path'; an environment is either a branch or a directory"
    present = [k for k in _TARGET_KINDS if k in instance]
    if not present:
        keys = ", ".join(str(k) for k in instance) or "nothing"
        return f"a target needs exactly one of kustomize, helm or manifest (found: {keys})"
    if len(present) > 1:
        return (
            f"has both '{present[0]}' and '{present[1]}'; a target has exactly one of "
            "kustomize, helm or manifest: split it into two targets"
        )
    # Exactly one kind: report why the matching branch of the oneOf failed (e.g. a typo).
    branch = _TARGET_KINDS.index(present[0])
    for child in sorted(err.context or [], key=lambda e: [str(p) for p in e.absolute_path]):
        if child.relative_schema_path and child.relative_schema_path[0] == branch:
            message = _describe(child, root, source)
            return message.split(": ", 2)[-1]
    return str(err.message)


def _a(type_name: object) -> str:
    names = {
        "object": "a mapping",
        "array": "a list",
        "string": "a string",
        "integer": "an integer",
        "number": "a number",
        "boolean": "true or false",
    }
    if isinstance(type_name, list):
        return " or ".join(names.get(str(t), str(t)) for t in type_name)
    return names.get(str(type_name), str(type_name))


def _kind(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"the string '{value}'"


def _semantic_problems(data: dict[str, Any], root: Node, source: str) -> list[str]:
    problems: list[str] = []
    envs: dict[str, Any] = data["environments"]
    names = list(envs)
    for name, env in envs.items():
        origin = env.get("promote_from")
        if origin is not None and origin not in envs:
            where = _position(root, ["environments", name, "promote_from"])
            problems.append(
                f"{source}:{where}: environments.{name}.promote_from: unknown environment "
                f"'{origin}' (defined: {', '.join(names)})"
            )
        if origin == name:
            where = _position(root, ["environments", name, "promote_from"])
            problems.append(f"{source}:{where}: environments.{name} cannot promote from itself")
    deploys = data.get("branch_deploy", {})
    for i, env in enumerate(deploys.get("environments", ())):
        if env not in envs:
            path: list[str | int] = ["branch_deploy", "environments", i]
            problems.append(
                f"{source}:{_position(root, path)}: {_key_path(path)}: unknown environment "
                f"'{env}' (defined: {', '.join(names)})"
            )
    problems += _preview_problems(data, root, source)
    from gitops_release import image  # noqa: PLC0415  (the image grammar: only with a config)

    for app_name, app in data["apps"].items():
        try:
            image.parse_repository(app["image"], what=f"apps.{app_name}.image")
        except ImageRefError as exc:
            where = _position(root, ["apps", app_name, "image"])
            problems.append(f"{source}:{where}: {exc.message} ({exc.hint})")
        problems += _strategy_problems(app_name, app.get("strategies"), root, source)
        for i, target in enumerate(app["targets"]):
            for j, env in enumerate(target.get("environments", [])):
                if env not in envs:
                    path = ["apps", app_name, "targets", i, "environments", j]
                    problems.append(
                        f"{source}:{_position(root, path)}: {_key_path(path)}: unknown "
                        f"environment '{env}' (defined: {', '.join(names)})"
                    )
    return problems


def _strategy_problems(
    app_name: str, raw: dict[str, Any] | None, root: Node, source: str
) -> list[str]:
    if raw is None:
        return []
    known = [k for k in raw if k != "default"]
    if raw["default"] not in known:
        path: list[str | int] = ["apps", app_name, "strategies", "default"]
        where = f"{source}:{_position(root, path)}: {_key_path(path)}"
        names = ", ".join(known) or "none"
        return [f"{where}: unknown strategy '{raw['default']}' (known: {names})"]
    return []


def _strategies(raw: dict[str, Any] | None) -> Strategies | None:
    if raw is None:
        return None
    presets = tuple(
        Strategy(name=name, steps=tuple(p["steps"]), analysis=p.get("analysis"))
        for name, p in raw.items()
        if name != "default"
    )
    return Strategies(default=raw["default"], presets=presets)


def _build(data: dict[str, Any], root: Node, source: str) -> Config:
    environments = tuple(
        Environment(
            name=name,
            branch=env.get("branch"),
            path=_norm(env.get("path")),
            promote_from=env.get("promote_from"),
        )
        for name, env in data["environments"].items()
    )
    apps = tuple(
        App(
            name=name,
            image=app["image"],
            targets=tuple(
                _target(
                    t,
                    line=yamlnodes.line_of(
                        yamlnodes.walk(root, ["apps", name, "targets", i]) or root
                    ),
                )
                for i, t in enumerate(app["targets"])
            ),
            strategies=_strategies(app.get("strategies")),
        )
        for name, app in data["apps"].items()
    )
    gates = data.get("gates", {})
    promote = data.get("promote", {})
    render = data.get("render", {})
    return Config(
        environments=environments,
        apps=apps,
        gates=GateSettings(
            kubernetes_version=gates.get("kubernetes_version"),
            polaris_config=gates.get("polaris_config"),
            min_score=gates.get("min_score"),
            engine=gates.get("engine", "auto"),
            deprecated=gates.get("deprecated", "warning"),
            removed=gates.get("removed", "failure"),
        ),
        promote_exclude=tuple(promote.get("exclude", ())),
        promote_labels=tuple(promote.get("labels", ())),
        render_paths=tuple(_norm(p) or p for p in render.get("paths", ())),
        render_timeout=float(render.get("timeout", DEFAULT_RENDER_TIMEOUT)),
        branch_deploy=_branch_deploy(data, names=[e.name for e in environments]),
        preview_environments=_previews(data),
        source=source,
        rollback_direct=bool(data.get("rollback", {}).get("direct", False)),
    )


def _branch_deploy(data: dict[str, Any], *, names: list[str]) -> BranchDeploySettings | None:
    raw = data.get("branch_deploy")
    if raw is None:
        return None
    return BranchDeploySettings(
        environments=tuple(raw.get("environments", names[:1])),
        method=raw.get("method", "direct"),
        ttl_seconds=parse_duration(raw.get("ttl", "8h")),
        min_permission=raw.get("min_permission", "write"),
    )


def _previews(data: dict[str, Any]) -> PreviewSettings | None:
    raw = data.get("preview_environments")
    if raw is None:
        return None
    defaults = PreviewSettings(template=raw["template"])
    return PreviewSettings(
        template=_norm(raw["template"]) or raw["template"],
        branch=raw.get("branch"),
        path=_norm(raw.get("path", defaults.path)) or defaults.path,
        namespace=raw.get("namespace", defaults.namespace),
        host=raw.get("host"),
        ttl_seconds=parse_duration(raw.get("ttl", "72h")),
        max=raw.get("max", defaults.max),
    )


def _preview_problems(data: dict[str, Any], root: Node, source: str) -> list[str]:
    """What the schema cannot say about `preview_environments:`: the placeholders a preview
    needs, and names Kubernetes accepts once they are filled in."""
    raw = data.get("preview_environments")
    if raw is None:
        return []
    from gitops_release.previews.layout import layout_problems  # noqa: PLC0415

    problems = []
    for key, problem in layout_problems(raw, apps=list(data["apps"])):
        where = _position(root, ["preview_environments", key])
        problems.append(f"{source}:{where}: preview_environments.{key}: {problem}")
    return problems


def _target(raw: dict[str, Any], *, line: int) -> Target:
    kind = next(k for k in _TARGET_KINDS if k in raw)
    envs = raw.get("environments")
    return Target(
        kind=kind,
        path=_norm(raw[kind]) or raw[kind],
        environments=tuple(envs) if envs is not None else None,
        key=raw.get("key", DEFAULT_HELM_KEY),
        digest_key=raw.get("digest_key"),
        container=raw.get("container"),
        name=raw.get("name"),
        line=line,
        strategy_key=raw.get("strategy_key"),
    )


def _norm(path: str | None) -> str | None:
    if path is None:
        return None
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    return "/".join(parts) or "."
