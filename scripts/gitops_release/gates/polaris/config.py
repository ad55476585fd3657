"""The Polaris config file (the one users also run the admission controller with).

Read the way Polaris reads it (YAML through `sigs.k8s.io/yaml` into Go structs): field names
match case-insensitively (Polaris's own `linuxHardening` uses `FailureMessage`), unknown keys are
ignored, several documents merge (maps merge, lists are replaced), and the same validation
errors are raised. Unlike Polaris, an unknown check ID is refused when the config is loaded, not
on the first resource, and severities other than ignore/warning/danger are reported as warnings
(Polaris silently disables those checks).

The project's default config enables all 44 built-ins at Polaris's default severities but has
none of Polaris's default exemptions: those exempt workloads by *name prefix in any namespace*
(`cert-manager*`, `datadog*`, `vpa*`, `polaris*`, `metrics-server*`, ...), which in a CI gate would
silently wave through any of your own apps whose names start that way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from gitops_release.errors import ConfigError
from gitops_release.gates.gocompat import template as gotemplate
from gitops_release.gates.polaris.builtin_checks import BUILTIN_CHECKS
from gitops_release.gates.polaris.checks import (
    TARGET_CONTAINER,
    TARGET_POD_SPEC,
    CheckSpec,
    Mutation,
    SchemaSource,
    StaticSchema,
    TemplateSchema,
    schema_json,
)
from gitops_release.gates.polaris.schema import preprocess
from gitops_release.yamlio import godocs, goscalars

SEVERITIES = ("ignore", "warning", "danger")

# Go struct fields (JSON names) of the config, matched case-insensitively.
_LIST, _MAP, _SCALAR, _RAW = "list", "map", "scalar", "raw"
_INCLUDE_EXCLUDE = {"include": (_LIST, None), "exclude": (_LIST, None)}
_MUTATION = {
    "op": (_SCALAR, None),
    "path": (_SCALAR, None),
    "value": (_RAW, None),
    "comment": (_SCALAR, None),
}
_SCHEMA_CHECK: dict[str, tuple[str, Any]] = {
    "id": (_SCALAR, None),
    "successMessage": (_SCALAR, None),
    "failureMessage": (_SCALAR, None),
    "category": (_SCALAR, None),
    "target": (_SCALAR, None),
    "schemaTarget": (_SCALAR, None),
    "controllers": ("struct", _INCLUDE_EXCLUDE),
    "containers": ("struct", _INCLUDE_EXCLUDE),
    "schema": (_RAW, None),
    "schemaString": (_SCALAR, None),
    "additionalSchemas": (_RAW, None),
    "additionalSchemaStrings": (_RAW, None),
    "mutations": ("structlist", _MUTATION),
    "jsonSchema": (_RAW, None),
}
_EXEMPTION = {
    "namespace": (_SCALAR, None),
    "controllerNames": (_LIST, None),
    "containerNames": (_LIST, None),
    "rules": (_LIST, None),
}
_CONFIG: dict[str, tuple[str, Any]] = {
    "displayName": (_SCALAR, None),
    "checks": (_MAP, None),
    "customChecks": ("structmap", _SCHEMA_CHECK),
    "exemptions": ("structlist", _EXEMPTION),
    "mutations": (_LIST, None),
    "disallowExemptions": (_SCALAR, None),
    "disallowConfigExemptions": (_SCALAR, None),
    "disallowAnnotationExemptions": (_SCALAR, None),
    "namespace": (_SCALAR, None),
    "kubeContext": (_SCALAR, None),
}


def _field_name(key: str, fields: Mapping[str, Any]) -> str | None:
    if key in fields:
        return key
    lowered = key.lower()
    for name in fields:
        if name.lower() == lowered:
            return name
    return None


def _normalise(  # noqa: PLR0912 - one branch per Go field kind
    raw: Any, fields: Mapping[str, tuple[str, Any]], where: str
) -> dict[str, Any]:
    """Field names spelled as Go's encoding/json accepts them; later spellings win."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping, got {raw!r}")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        name = _field_name(str(key), fields)
        if name is None:
            continue
        kind, sub = fields[name]
        at = f"{where}.{name}" if where else name
        if kind == "struct":
            out[name] = _normalise(value, sub, at)
        elif kind == "structmap":
            if value is not None and not isinstance(value, Mapping):
                raise ConfigError(f"{at}: expected a mapping")
            out[name] = {str(k): _normalise(v, sub, f"{at}.{k}") for k, v in (value or {}).items()}
        elif kind == "structlist":
            if value is not None and not isinstance(value, list):
                raise ConfigError(f"{at}: expected a list")
            out[name] = [_normalise(v, sub, f"{at}[{i}]") for i, v in enumerate(value or [])]
        elif kind == _MAP:
            if value is not None and not isinstance(value, Mapping):
                raise ConfigError(f"{at}: expected a mapping")
            out[name] = {str(k): v for k, v in (value or {}).items()}
        elif kind == _LIST:
            if value is not None and not isinstance(value, list):
                raise ConfigError(f"{at}: expected a list")
            out[name] = list(value or [])
        else:
            out[name] = value
    return out


def normalise_check(raw: Any, *, where: str = "check") -> dict[str, Any]:
    """A check definition (one `customChecks` entry) with its field names normalised."""
    return _normalise(raw, _SCHEMA_CHECK, where)


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Polaris's merge: mappings merge recursively, everything else (lists too) is replaced."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class Exemption:
    namespace: str = ""
    controller_names: tuple[str, ...] = ()
    container_names: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()

    def exempts(self, check_id: str, namespace: str, name: str, container: str) -> bool:
        """Prefix matches on controller and container names, as Polaris does."""
        if self.namespace and self.namespace != namespace:
            return False
        if self.rules and check_id not in self.rules:
            return False
        if self.controller_names and not any(name.startswith(p) for p in self.controller_names):
            return False
        return not self.container_names or any(
            container.startswith(p) for p in self.container_names
        )


@dataclass(frozen=True)
class PolarisConfig:
    checks: Mapping[str, str]
    custom_checks: Mapping[str, CheckSpec] = field(default_factory=dict)
    exemptions: tuple[Exemption, ...] = ()
    mutations: tuple[str, ...] = ()
    display_name: str = ""
    disallow_exemptions: bool = False
    disallow_config_exemptions: bool = False
    disallow_annotation_exemptions: bool = False
    warnings: tuple[str, ...] = ()

    def severity(self, check_id: str) -> str | None:
        """ "warning" or "danger"; None when the check is off (ignore, or any other value)."""
        value = self.checks.get(check_id)
        return value if value in ("warning", "danger") else None

    def check(self, check_id: str) -> CheckSpec:
        spec = self.custom_checks.get(check_id) or BUILTIN_CHECKS.get(check_id)
        if spec is None:
            raise ConfigError(f"Check {check_id} not found")
        return spec

    def exempt_by_config(self, check_id: str, namespace: str, name: str, container: str) -> bool:
        if self.disallow_exemptions or self.disallow_config_exemptions:
            return False
        return any(e.exempts(check_id, namespace, name, container) for e in self.exemptions)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    out = []
    for item in value:
        if not isinstance(item, str):
            raise ConfigError(f"{where}: expected a list of strings, got {item!r}")
        out.append(item)
    return tuple(out)


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float) or not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string, got {value!r}")
    return value


def _source(schema: Any, schema_string: Any, where: str) -> SchemaSource | None:
    """`schemaString` wins over `schema`; both are Go templates before they are schemas."""
    if isinstance(schema_string, str) and schema_string.strip():
        text = schema_string
    elif isinstance(schema, Mapping) and schema:
        text = schema_json(schema)
    elif schema is None or (isinstance(schema, Mapping) and not schema):
        return None
    else:
        raise ConfigError(f"{where}: schema must be a mapping")
    try:
        template = gotemplate.compile_template(text)
    except gotemplate.TemplateError as exc:
        raise ConfigError(
            f"{where}: {exc}",
            hint="the built-in engine supports a subset of Go templates; use the polaris "
            "binary (engine: binary) for this check",
        ) from None
    if template.is_static:
        try:
            doc = godocs.load_one(text, "v2")
        except godocs.YamlSyntaxError as exc:
            raise ConfigError(f"{where}: schema is not valid YAML: {exc}") from None
        if doc is None:
            return None
        if not isinstance(doc, Mapping):
            raise ConfigError(f"{where}: schema must be a mapping")
        preprocess(doc, where=where)  # surfaces untranslatable patterns now
        return StaticSchema.of(doc, where=where)
    return TemplateSchema(template, where)


def custom_check(check_id: str, raw: Mapping[str, Any], where: str) -> CheckSpec:
    target = _text(raw.get("target"), f"{where}.target")
    schema_target = _text(raw.get("schemaTarget"), f"{where}.schemaTarget")
    if schema_target and not (schema_target == TARGET_POD_SPEC and target == TARGET_CONTAINER):
        raise ConfigError(
            f"{where}: schemaTarget {schema_target!r} is only supported as PodSpec with "
            "target Container"
        )
    additional: dict[str, SchemaSource] = {}
    strings = raw.get("additionalSchemaStrings") or {}
    objects = raw.get("additionalSchemas") or {}
    for key, text in strings.items() if isinstance(strings, Mapping) else ():
        src = _source(None, text, f"{where}.additionalSchemaStrings.{key}")
        if src is not None:
            additional[str(key)] = src
    for key, schema in objects.items() if isinstance(objects, Mapping) else ():
        src = _source(schema, None, f"{where}.additionalSchemas.{key}")
        if src is not None:
            additional[str(key)] = src  # additionalSchemas wins over the string form
    controllers = raw.get("controllers") or {}
    containers = raw.get("containers") or {}
    mutations = tuple(
        Mutation(
            _text(m.get("op"), f"{where}.mutations[{i}].op"),
            _text(m.get("path"), f"{where}.mutations[{i}].path"),
            m.get("value"),
            _text(m.get("comment"), f"{where}.mutations[{i}].comment"),
        )
        for i, m in enumerate(raw.get("mutations") or [])
    )
    return CheckSpec(
        id=check_id,
        success_message=_text(raw.get("successMessage"), f"{where}.successMessage"),
        failure_message=_text(raw.get("failureMessage"), f"{where}.failureMessage"),
        category=_text(raw.get("category"), f"{where}.category"),
        target=target,
        schema_target=schema_target,
        schema=_source(raw.get("schema"), raw.get("schemaString"), f"{where}.schema"),
        additional=tuple(sorted(additional.items())),
        controllers_include=_strings(controllers.get("include"), f"{where}.controllers.include"),
        controllers_exclude=_strings(controllers.get("exclude"), f"{where}.controllers.exclude"),
        containers_include=_strings(containers.get("include"), f"{where}.containers.include"),
        containers_exclude=_strings(containers.get("exclude"), f"{where}.containers.exclude"),
        mutations=mutations,
    )


def _bool(value: Any, where: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    return value


def build_config(raw: Mapping[str, Any], *, where: str = "polaris config") -> PolarisConfig:
    """Validate a normalised config document and compile its custom checks."""
    checks_raw = raw.get("checks") or {}
    if not checks_raw:
        raise ConfigError(f"{where}: No checks were enabled")
    warnings: list[str] = []
    checks: dict[str, str] = {}
    for check_id, severity in checks_raw.items():
        text = (
            severity
            if isinstance(severity, str)
            else goscalars.go_number_text(severity)
            if isinstance(severity, bool | int | float)
            else str(severity)
        )
        if text not in SEVERITIES:
            warnings.append(
                f"{where}: check {check_id} has severity {text!r}; Polaris treats anything but "
                "warning or danger as disabled"
            )
        checks[check_id] = text
    custom: dict[str, CheckSpec] = {}
    for check_id, spec in (raw.get("customChecks") or {}).items():
        if check_id not in checks:
            raise ConfigError(
                f"{where}: no severity specified for custom check {check_id}. Please add the "
                f"following to your configuration:\n\nchecks:\n  {check_id}: warning # or "
                "danger/ignore\n\nto enable your check"
            )
        if spec.get("jsonSchema") is not None:
            warnings.append(
                f"{where}: customChecks.{check_id}.jsonSchema is not a Polaris field and is "
                "ignored; use schemaString"
            )
        custom[check_id] = custom_check(check_id, spec, f"{where}: customChecks.{check_id}")
    for check_id in checks:
        if check_id not in custom and check_id not in BUILTIN_CHECKS:
            raise ConfigError(
                f"{where}: Check {check_id} not found",
                hint="it is neither a Polaris built-in check nor defined under customChecks",
            )
    exemptions = tuple(
        Exemption(
            namespace=_text(e.get("namespace"), f"{where}: exemptions[{i}].namespace"),
            controller_names=_strings(e.get("controllerNames"), f"exemptions[{i}]"),
            container_names=_strings(e.get("containerNames"), f"exemptions[{i}]"),
            rules=_strings(e.get("rules"), f"exemptions[{i}]"),
        )
        for i, e in enumerate(raw.get("exemptions") or [])
    )
    return PolarisConfig(
        checks=MappingProxyType(checks),
        custom_checks=MappingProxyType(custom),
        exemptions=exemptions,
        mutations=_strings(raw.get("mutations"), f"{where}: mutations"),
        display_name=_text(raw.get("displayName"), f"{where}: displayName"),
        disallow_exemptions=_bool(raw.get("disallowExemptions"), "disallowExemptions"),
        disallow_config_exemptions=_bool(
            raw.get("disallowConfigExemptions"), "disallowConfigExemptions"
        ),
        disallow_annotation_exemptions=_bool(
            raw.get("disallowAnnotationExemptions"), "disallowAnnotationExemptions"
        ),
        warnings=tuple(warnings),
    )


def parse_config_text(text: str, *, where: str = "polaris config") -> dict[str, Any]:
    """Normalised raw config; several YAML documents merge into one, as in Polaris."""
    try:
        docs = godocs.load_all(text, "v2")
    except godocs.YamlSyntaxError as exc:
        raise ConfigError(f"{where}: invalid YAML: {exc}") from None
    merged: dict[str, Any] = {}
    for doc in docs:
        normalised = _normalise(doc, _CONFIG, "")
        for key, value in normalised.items():
            if key in ("checks", "customChecks") and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
    return merged


def default_raw_config() -> dict[str, Any]:
    """All built-ins at Polaris's default severities, no exemptions (see module docstring)."""
    return {
        "checks": {check_id: spec.default_severity for check_id, spec in BUILTIN_CHECKS.items()},
        "mutations": ["pullPolicyNotAlways"],
    }


def default_config() -> PolarisConfig:
    return build_config(default_raw_config(), where="built-in default Polaris config")


def load_config(path: Path | None, *, merge_with_default: bool = False) -> PolarisConfig:
    """The config file as Polaris would use it: replacing the default unless merging."""
    if path is None:
        return default_config()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read Polaris config {path}: {exc.strerror or exc}") from None
    raw = parse_config_text(text, where=str(path))
    if merge_with_default:
        raw = merge(default_raw_config(), raw)
    return build_config(raw, where=str(path))
