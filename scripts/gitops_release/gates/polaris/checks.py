"""What a Polaris check is: targets, filters, a schema (static, built or templated), mutations.

Built-in checks and `customChecks` from the config file share this model. A check's schema
comes from one of three sources, each compiled as early as possible because the engine runs over
thousands of resources: a static schema is compiled once; a Python-built schema (built-ins whose
upstream definition is a template) and a Go-template schema (custom checks) are compiled once
per distinct result.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from gitops_release.gates.gocompat import template as gotemplate
from gitops_release.gates.polaris.schema import CompiledSchema, compile_cached, compile_schema
from gitops_release.yamlio import godocs

TARGET_CONTROLLER = "Controller"
TARGET_CONTAINER = "Container"
TARGET_POD_SPEC = "PodSpec"
TARGET_POD_TEMPLATE = "PodTemplate"


class CheckError(Exception):
    """A check could not be evaluated (template or schema error), as Polaris would abort on."""


@dataclass
class CheckInput:
    """The values one check evaluation can see (Polaris's template data, lazily assembled)."""

    obj: Mapping[str, Any]
    pod_spec: Mapping[str, Any] | None = None
    pod_template: Mapping[str, Any] | None = None
    container: Mapping[str, Any] | None = None
    _data: dict[str, Any] | None = field(default=None, repr=False)

    def template_data(self) -> dict[str, Any]:
        """`.` for templates: the object, plus `.Polaris.PodSpec/PodTemplate/Container` for
        pod-level and container checks (Polaris inserts them into the object itself)."""
        if self._data is None:
            data = dict(self.obj)
            if self.pod_spec is not None:
                polaris: dict[str, Any] = {
                    "PodSpec": self.pod_spec,
                    "PodTemplate": self.pod_template,
                }
                if self.container is not None:
                    polaris["Container"] = self.container
                data["Polaris"] = polaris
            self._data = data
        return self._data


class SchemaSource(Protocol):
    def resolve(self, check_input: CheckInput) -> CompiledSchema | Blank | None:
        """A validator, `None` for "no schema" (nothing rendered), or BLANK for `{}`/null."""
        ...


class Blank:
    """A schema that rendered to `null` or `{}`: main schemas treat it as "nothing to check"."""

    def is_valid(self, instance: Any) -> bool:  # noqa: ARG002 - accepts everything
        return True


BLANK = Blank()


@dataclass(frozen=True)
class StaticSchema:
    schema: Mapping[str, Any]
    where: str = "schema"
    compiled: CompiledSchema | None = field(default=None, compare=False)

    @classmethod
    def of(cls, schema: Mapping[str, Any], *, where: str = "schema") -> StaticSchema:
        return cls(schema, where, None if not schema else compile_schema(schema, where=where))

    def resolve(self, check_input: CheckInput) -> CompiledSchema | Blank | None:  # noqa: ARG002
        return BLANK if self.compiled is None else self.compiled


Builder = Callable[[CheckInput], Mapping[str, Any] | None]


@dataclass(frozen=True)
class BuiltSchema:
    """A schema computed in Python from the object (replaces an upstream template)."""

    build: Builder
    where: str = "schema"

    def resolve(self, check_input: CheckInput) -> CompiledSchema | Blank | None:
        try:
            schema = self.build(check_input)
        except gotemplate.TemplateError as exc:
            raise CheckError(f"{self.where}: {exc}") from None
        if schema is None:
            return None
        if not schema:
            return BLANK
        return compile_cached(schema, where=self.where)


@lru_cache(maxsize=4096)
def _parse_rendered(text: str, where: str) -> CompiledSchema | Blank:
    try:
        doc = godocs.load_one(text, "v2")
    except godocs.YamlSyntaxError as exc:
        raise CheckError(f"{where}: rendered schema is not valid YAML: {exc}") from None
    if doc is None or (isinstance(doc, Mapping) and not doc):
        return BLANK
    if not isinstance(doc, Mapping):
        raise CheckError(f"{where}: rendered schema is not a mapping")
    return compile_schema(doc, where=where)


@dataclass(frozen=True)
class TemplateSchema:
    """A schema written as a Go template (custom checks, as Polaris renders them)."""

    template: gotemplate.GoTemplate
    where: str = "schema"

    def resolve(self, check_input: CheckInput) -> CompiledSchema | Blank | None:
        if self.template.is_static:
            text = self.template.source
        else:
            try:
                text = self.template.render(check_input.template_data())
            except gotemplate.TemplateError as exc:
                raise CheckError(f"{self.where}: {exc}") from None
        if not text.strip():
            return None
        return _parse_rendered(text, self.where)


@dataclass(frozen=True)
class Mutation:
    op: str
    path: str
    value: Any = None
    comment: str = ""

    def as_json(self, prefix: str = "") -> dict[str, Any]:
        return {
            "Path": prefix + self.path,
            "Op": self.op,
            "Value": self.value,
            "Comment": self.comment,
        }


GoValidator = Callable[[Any, Any], bool]
"""A check coded in Python instead of a schema: (resource, index) -> passed."""


@dataclass(frozen=True)
class CheckSpec:
    id: str
    success_message: str
    failure_message: str
    category: str
    target: str
    schema: SchemaSource | None = None
    additional: tuple[tuple[str, SchemaSource], ...] = ()
    schema_target: str = ""
    controllers_include: tuple[str, ...] = ()
    controllers_exclude: tuple[str, ...] = ()
    containers_include: tuple[str, ...] = ()
    containers_exclude: tuple[str, ...] = ()
    mutations: tuple[Mutation, ...] = ()
    validator: GoValidator | None = None
    default_severity: str = "warning"

    def applies(self, target: str, kind: str, *, is_init: bool = False) -> bool:
        """Polaris's `SchemaCheck.IsActionable` for one pass (target) and resource kind."""
        if target in (TARGET_CONTROLLER, TARGET_CONTAINER, TARGET_POD_SPEC):
            if self.target == TARGET_POD_TEMPLATE and target == TARGET_POD_SPEC:
                return True  # Polaris skips the controller filters for PodTemplate checks
            if self.target != target:
                return False
        elif not (self.target == kind or self.target.endswith("/" + kind)):
            return False
        if self.controllers_include and kind not in self.controllers_include:
            return False
        if self.controllers_exclude and kind in self.controllers_exclude:
            return False
        if self.target == TARGET_CONTAINER:
            container_type = "initContainer" if is_init else "container"
            if self.containers_include and container_type not in self.containers_include:
                return False
            if self.containers_exclude and container_type in self.containers_exclude:
                return False
        return True


def schema_json(schema: Any) -> str:
    """Go's `json.Marshal` of a schema object: sorted keys, HTML-escaped."""
    text = json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
