"""JSON Schema evaluation with Polaris's dialect on top of `jsonschema`'s draft 2019-09.

Polaris validates with qri-io/jsonschema: draft 2019-09, Go RE2 patterns (unanchored search), and
two extra keywords, `resourceMinimum` / `resourceMaximum`, comparing Kubernetes quantities.
Schemas are pre-processed once so Python reads them as Go does: RE2 patterns are translated
(mid-pattern inline flags moved to the front, `$` meaning end of text), and keywords whose value
is null are dropped (qri ignores them; `hostPortSet` has a bare `required:`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any, Protocol

from jsonschema import Draft201909Validator, validators
from jsonschema.exceptions import ValidationError

from gitops_release.errors import ConfigError
from gitops_release.gates.polaris import quantity

_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_FLAG_GROUP = re.compile(r"\(\?([imsU]+)\)")


class PatternError(ValueError):
    """An RE2 pattern this engine cannot translate faithfully."""


def _translate_class(pattern: str, i: int, out: list[str]) -> int:
    """Copy a character class starting at pattern[i] == '['; returns the index after it."""
    out.append("[")
    i += 1
    if i < len(pattern) and pattern[i] == "^":
        out.append("^")
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        out.append("\\]")
        i += 1
    while i < len(pattern):
        ch = pattern[i]
        if ch == "]":
            out.append("]")
            return i + 1
        if pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            name = pattern[i + 2 : end] if end > 0 else ""
            negated = name.startswith("^")
            cls = _POSIX_CLASSES.get(name.lstrip("^"))
            if cls is None or negated:
                raise PatternError(f"unsupported character class [:{name}:]")
            out.append(cls)
            i = end + 2
            continue
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in "pP":
                raise PatternError("Unicode classes (\\p) are not supported")
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            out.append("\\[")
            i += 1
            continue
        out.append(ch)
        i += 1
    raise PatternError("missing closing ]")


def translate_pattern(pattern: str) -> str:
    """Rewrite a Go RE2 pattern into a Python `re` pattern with the same meaning.

    Go applies an inline flag group such as `(?i)` from where it stands; Python 3.11 rejects
    global flags that are not at the start, so they are moved to the front (the built-in checks
    only put them after `^`, where that is equivalent).
    """
    flags = ""
    for m in _FLAG_GROUP.finditer(pattern):
        flags += m.group(1)
    body = _FLAG_GROUP.sub("", pattern) if flags else pattern
    if "U" in flags:
        raise PatternError("the ungreedy flag (?U) is not supported")
    multiline = "m" in flags
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "z":
                out.append("\\Z")
            elif nxt in "pP":
                raise PatternError("Unicode classes (\\p) are not supported")
            elif nxt == "Q":
                end = body.find("\\E", i + 2)
                literal = body[i + 2 :] if end < 0 else body[i + 2 : end]
                out.append(re.escape(literal))
                i = len(body) if end < 0 else end + 2
                continue
            else:
                out.append(body[i : i + 2])
            i += 2
            continue
        if ch == "[":
            i = _translate_class(body, i, out)
            continue
        if ch == "$" and not multiline:
            out.append("\\Z")  # end of text only: Python's `$` also matches before a final "\n"
            i += 1
            continue
        if body.startswith("(?<", i) and not body.startswith(("(?<=", "(?<!"), i):
            out.append("(?P<")
            i += 3
            continue
        out.append(ch)
        i += 1
    prefix = f"(?{''.join(sorted(set(flags)))})" if flags else ""
    translated = prefix + "".join(out)
    try:
        re.compile(translated)
    except re.error as exc:
        raise PatternError(str(exc)) from None
    return translated


_NAMED_SUBSCHEMAS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA = (
    "not",
    "if",
    "then",
    "else",
    "contains",
    "additionalProperties",
    "additionalItems",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "items",
)
_KEEP_NULL = ("const", "enum", "default", "examples")


def preprocess(schema: Any, *, where: str = "schema") -> Any:
    """A copy of `schema` that Python's validator reads the way qri does (see module doc)."""
    if not isinstance(schema, Mapping):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if value is None and key not in _KEEP_NULL:
            continue
        if key in _NAMED_SUBSCHEMAS and isinstance(value, Mapping):
            children = {}
            for name, sub in value.items():
                if sub is None:
                    continue
                child = _pattern(name, where) if key == "patternProperties" else name
                children[child] = preprocess(sub, where=where)
            out[key] = children
        elif key in (*_SUBSCHEMA_LISTS, "items") and isinstance(value, list):
            out[key] = [preprocess(sub, where=where) for sub in value]
        elif key in _SUBSCHEMA:
            out[key] = preprocess(value, where=where)
        elif key == "pattern" and isinstance(value, str):
            out[key] = _pattern(value, where)
        else:
            out[key] = value
    return out


def _pattern(pattern: str, where: str) -> str:
    try:
        return translate_pattern(pattern)
    except PatternError as exc:
        raise ConfigError(f"{where}: pattern {pattern!r} cannot be used: {exc}") from None


def _resource_bound(*, minimum: bool) -> Any:
    keyword = "resourceMinimum" if minimum else "resourceMaximum"

    def check(
        validator: Any,  # noqa: ARG001 - jsonschema's keyword signature
        limit: Any,
        instance: Any,
        schema: Any,  # noqa: ARG001
    ) -> Iterator[ValidationError]:
        try:
            bound = quantity.parse_quantity(str(limit))
        except quantity.QuantityError as exc:
            yield ValidationError(f"{keyword}: {exc}")
            return
        try:
            actual = quantity.quantity_from_instance(instance)
        except quantity.QuantityError as exc:
            yield ValidationError(f"{keyword}: {exc}")
            return
        cmp = quantity.compare(bound, actual)
        if (minimum and cmp > 0) or (not minimum and cmp < 0):
            yield ValidationError(f"{instance!r} is out of range ({keyword} {limit})")

    return check


# jsonschema's `extend` is untyped; the result is a validator class like Draft201909Validator.
PolarisValidator = validators.extend(  # type: ignore[no-untyped-call]
    Draft201909Validator,
    {
        "resourceMinimum": _resource_bound(minimum=True),
        "resourceMaximum": _resource_bound(minimum=False),
    },
)


class CompiledSchema(Protocol):
    def is_valid(self, instance: Any) -> bool: ...


def compile_schema(schema: Mapping[str, Any], *, where: str = "schema") -> CompiledSchema:
    """Pre-process and build a validator (the schema is trusted to be a schema object)."""
    prepared = preprocess(schema, where=where)
    validator: CompiledSchema = PolarisValidator(prepared)
    return validator


@lru_cache(maxsize=4096)
def _compile_cached(canonical_json: str, where: str) -> CompiledSchema:
    return compile_schema(json.loads(canonical_json), where=where)


def compile_cached(schema: Mapping[str, Any], *, where: str = "schema") -> CompiledSchema:
    """Schemas rebuilt per resource (templated checks) repeat a lot: compile each text once."""
    return _compile_cached(json.dumps(schema, sort_keys=True, default=str), where)


def is_blank(schema: Any) -> bool:
    """No schema at all: Polaris treats `null` and `{}` as "nothing to validate"."""
    return schema is None or (isinstance(schema, Mapping) and not schema)
