"""JSON Schema evaluation with Polaris's dialect on top of `jsonschema`'s draft 2019-09.

Polaris validates with qri-io/jsonschema: draft 2019-09, Go RE2 patterns (unanchored search), and
two extra keywords, `resourceMinimum` / `resourceMaximum`, comparing Kubernetes quantities.
Schemas are pre-processed once so Python reads them as Go does: RE2 patterns are translated by
`gocompat.regex` (mid-pattern inline flags moved to the front, `$` meaning end of text), and
keywords whose value is null are dropped (qri ignores them; `hostPortSet` has a bare `required:`).
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Protocol

from jsonschema import Draft201909Validator, validators
from jsonschema.exceptions import ValidationError

from gitops_release.errors import ConfigError
from gitops_release.gates.gocompat import quantity
from gitops_release.gates.gocompat.regex import PatternError, translate_pattern

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


# --- verdict memo -------------------------------------------------------------------------------
#
# A check sees thousands of containers and pods that differ only in names, images and labels,
# while its schema reads a handful of fields. Each compiled schema therefore remembers its
# verdicts, keyed by the instance *projected* onto what the schema can read: the properties it
# names (recursively), the keys it requires (presence only), every key when it counts them, and
# array elements through `items`/`contains` (the array keeps its length). Objects stay objects
# and arrays stay arrays, so `type` still sees the same JSON type; scalars are kept whole. Any
# keyword whose verdict may depend on more than that (`const`, `enum`, `uniqueItems`,
# `patternProperties`, `additionalProperties`, `propertyNames`, references, the quantity
# keywords, anything unknown) keeps the whole value at that place. Two instances with the same
# projection get the same verdict, so a hashable form of the projection (keeping strings,
# integers, floats and booleans apart) is the memo key; an instance that is not plain JSON data
# is validated without the memo.

_MEMO_LIMIT = 20_000
_NOT_YET: Any = object()
_IN_PLACE = ("allOf", "anyOf", "oneOf")
_NESTED = ("not", "if", "then", "else")
_ANY_VALUE = frozenset(  # verdict depends on the JSON type and the scalar value only
    (
        "type",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "pattern",
        "minLength",
        "maxLength",
        "format",
        "minItems",  # arrays keep their length
        "maxItems",
        "minContains",
        "maxContains",
    )
)
_ANNOTATIONS = frozenset(
    (
        "$schema",
        "$id",
        "$anchor",
        "$comment",
        "$defs",
        "definitions",
        "$recursiveAnchor",
        "$vocabulary",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
    )
)


@dataclass(frozen=True)
class Need:
    """What the subschemas that apply at one place of an instance can read there: the named
    properties (with what is read of each), the keys only checked for presence (`present`, not
    among `properties`), all keys (`all_keys`), and array elements (`items`, when `has_items`)."""

    properties: tuple[tuple[str, Need | None], ...] = ()
    present: tuple[str, ...] = ()
    all_keys: bool = False
    items: Need | None = None
    has_items: bool = False

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.properties)


class _Reads:
    """What the subschemas gathered so far read at one place; `add` is False for a keyword
    whose verdict may depend on the whole value there."""

    def __init__(self) -> None:
        self.properties: dict[str, list[Any]] = {}
        self.present: set[str] = set()
        self.all_keys = False
        self.items: list[Any] = []
        self.stack: list[Any] = []

    def add(self, keyword: str, value: Any) -> bool:
        if keyword in _ANNOTATIONS or keyword in _ANY_VALUE:
            return True
        if keyword == "properties" and isinstance(value, Mapping):
            for name, sub in value.items():
                self.properties.setdefault(name, []).append(sub)
        elif keyword == "required" and isinstance(value, list):
            if not all(isinstance(name, str) for name in value):
                return False
            self.present.update(value)
        elif keyword in ("minProperties", "maxProperties"):
            self.all_keys = True
        elif keyword in _IN_PLACE and isinstance(value, list):
            self.stack.extend(value)
        elif keyword in _NESTED:
            self.stack.append(value)
        elif keyword in ("items", "contains") and isinstance(value, bool | Mapping):
            self.items.append(value)
        else:
            return False
        return True


def need_of(schemas: list[Any]) -> Need | None:
    """The projection for these schemas applied at one place (None: the whole value)."""
    reads = _Reads()
    reads.stack.extend(schemas)
    while reads.stack:
        schema = reads.stack.pop()
        if isinstance(schema, bool):
            continue
        if not isinstance(schema, Mapping):
            return None
        for keyword, value in schema.items():
            if not reads.add(keyword, value):
                return None
    return Need(
        tuple((name, need_of(subs)) for name, subs in reads.properties.items()),
        tuple(sorted(reads.present - reads.properties.keys())),
        reads.all_keys,
        need_of(reads.items) if reads.items else None,
        bool(reads.items),
    )


def memo_key(instance: Any, need: Need | None) -> Hashable | None:
    """A hashable value equal for two instances exactly when their projections (see above) are
    equal as JSON data; None when the instance is not plain JSON data (str-keyed dicts, lists,
    strings, numbers, booleans, null)."""
    try:
        return _key(instance, need)
    except (TypeError, RecursionError):
        return None


def _key(value: Any, need: Need | None) -> Hashable:
    cls = value.__class__
    if cls is str or value is None:
        scalar: str | None = value
        return scalar
    if need is None:
        return _whole(value)
    if cls is dict:
        entries = tuple(
            [(name, _key(value[name], sub)) for name, sub in need.properties if name in value]
        )
        if need.all_keys:
            names = need.names
            others: tuple[str, ...] = tuple(sorted([_name(k) for k in value if k not in names]))
        elif need.present:
            others = tuple([name for name in need.present if name in value])
        else:
            others = ()
        return ("{", entries, others)
    if cls is list:
        if need.has_items:
            items = need.items
            return ("[", tuple([_key(item, items) for item in value]))
        return ("[", len(value))
    return _scalar(value)


def _whole(value: Any) -> Hashable:
    cls = value.__class__
    if cls is dict:
        return ("{", tuple(sorted([(_name(k), _whole(v)) for k, v in value.items()])), ())
    if cls is list:
        return ("[", tuple([_whole(item) for item in value]))
    return _scalar(value)


def _scalar(value: Any) -> Hashable:
    cls = value.__class__
    if cls is str or value is None:
        text: str | None = value
        return text
    if cls is bool or cls is int:
        return (cls, value)  # 1 and true stay apart
    if cls is float:
        return (cls, repr(value))  # so do 1 and 1.0, and 0.0 and -0.0
    raise TypeError(cls.__name__)


def _name(key: Any) -> str:
    if key.__class__ is not str:
        raise TypeError(key.__class__.__name__)
    return key


class MemoValidator:
    """A compiled schema that remembers its verdicts per projected instance.

    Its first verdict is worked out directly: many schemas are built for one resource and used
    once, and those never pay for the projection.
    """

    __slots__ = ("_memo", "_need", "_prepared", "_used", "_validator")

    def __init__(self, prepared: Mapping[str, Any]) -> None:
        self._prepared = prepared
        self._validator = PolarisValidator(prepared)
        self._need: Any = _NOT_YET
        self._used = False
        self._memo: dict[Hashable, bool] = {}

    @property
    def need(self) -> Need | None:
        """What the schema can read of an instance (None: all of it)."""
        if self._need is _NOT_YET:
            self._need = need_of([self._prepared])
        need: Need | None = self._need
        return need

    def is_valid(self, instance: Any) -> bool:
        if not self._used:
            self._used = True
            return bool(self._validator.is_valid(instance))
        key = memo_key(instance, self.need)
        if key is None:
            return bool(self._validator.is_valid(instance))
        verdict = self._memo.get(key)
        if verdict is None:
            verdict = bool(self._validator.is_valid(instance))
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = verdict
        return verdict


def compile_schema(schema: Mapping[str, Any], *, where: str = "schema") -> CompiledSchema:
    """Pre-process and build a validator (the schema is trusted to be a schema object)."""
    return MemoValidator(preprocess(schema, where=where))


@lru_cache(maxsize=4096)
def _compile_cached(canonical_json: str, where: str) -> CompiledSchema:
    return compile_schema(json.loads(canonical_json), where=where)


def compile_cached(schema: Mapping[str, Any], *, where: str = "schema") -> CompiledSchema:
    """Schemas rebuilt per resource (templated checks) repeat a lot: compile each text once."""
    return _compile_cached(json.dumps(schema, sort_keys=True, default=str), where)


def is_blank(schema: Any) -> bool:
    """No schema at all: Polaris treats `null` and `{}` as "nothing to validate"."""
    return schema is None or (isinstance(schema, Mapping) and not schema)
