"""Go values as the template engine sees them: `MISSING` (Go's invalid value, what a missing map key
yields), Go's type names, template truth, field lookup along `.a.b.c` chains, and the comparison,
`index` and `len` rules Go applies to basic kinds, maps and slices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_release.gates.gocompat.template.errors import TemplateError


class _Missing:
    """Go's invalid reflect.Value: a missing map key (prints `<no value>`)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


def go_type(value: Any) -> str:
    if value is MISSING or value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "map[string]interface {}"
    if isinstance(value, list | tuple):
        return "[]interface {}"
    return type(value).__name__


def is_true(value: Any) -> bool:
    """Go template truth: zero values (and no value) are false."""
    if value is MISSING or value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str | list | tuple | Mapping):
        return len(value) > 0
    return True


def field_of(receiver: Any, name: str) -> Any:
    """Go's evalField on `map[string]interface{}` data."""
    if receiver is MISSING:
        return MISSING
    if receiver is None:
        raise TemplateError(f"nil pointer evaluating interface {{}}.{name}")
    if isinstance(receiver, Mapping):
        return receiver.get(name, MISSING)
    raise TemplateError(f"can't evaluate field {name} in type {go_type(receiver)}")


def lookup(data: Any, *names: str) -> Any:
    """`.a.b.c` evaluated against `data`."""
    value = data
    for name in names:
        value = field_of(value, name)
    return value


def unwrap(value: Any) -> Any:
    """A pipeline's result: an explicit nil becomes "no value" (Go unwraps the interface)."""
    return MISSING if value is None else value


_BOOL, _INT, _FLOAT, _STRING, _INVALID = "bool", "int", "float", "string", "invalid"


def _basic_kind(value: Any) -> str:
    if value is MISSING or value is None:
        return _INVALID
    if isinstance(value, bool):
        return _BOOL
    if isinstance(value, int):
        return _INT
    if isinstance(value, float):
        return _FLOAT
    if isinstance(value, str):
        return _STRING
    return "other"


def go_eq(arg1: Any, *others: Any) -> bool:
    if not others:
        raise TemplateError("missing argument for comparison")
    k1 = _basic_kind(arg1)
    for arg in others:
        k2 = _basic_kind(arg)
        if k1 == _INVALID and k2 == _INVALID:
            return True
        if k1 != k2:
            if _INVALID not in (k1, k2):
                raise TemplateError("incompatible types for comparison")
            if "other" in (k1, k2):
                raise TemplateError(f"non-comparable types {go_type(arg1)} and {go_type(arg)}")
            continue
        if k1 == "other":
            raise TemplateError(f"non-comparable type {go_type(arg)}")
        if arg1 == arg:
            return True
    return False


def _ordered(a: Any, b: Any) -> tuple[Any, Any]:
    ka, kb = _basic_kind(a), _basic_kind(b)
    if ka in (_INVALID, "other", _BOOL) or kb in (_INVALID, "other", _BOOL):
        raise TemplateError("invalid type for comparison")
    if ka != kb:
        raise TemplateError("incompatible types for comparison")
    return a, b


def go_lt(a: Any, b: Any) -> bool:
    x, y = _ordered(a, b)
    return bool(x < y)


def go_le(a: Any, b: Any) -> bool:
    x, y = _ordered(a, b)
    return bool(x <= y)


def go_index(item: Any, *keys: Any) -> Any:
    value = item
    for key in keys:
        if value is MISSING or value is None:
            raise TemplateError("index of untyped nil")
        if isinstance(value, Mapping):
            if not isinstance(key, str):
                raise TemplateError(f"value has type {go_type(key)}; should be string")
            value = value.get(key, MISSING)
        elif isinstance(value, list | tuple | str):
            if isinstance(key, bool) or not isinstance(key, int):
                raise TemplateError(f"cannot index slice/array with type {go_type(key)}")
            if not 0 <= key < len(value):
                raise TemplateError(f"index out of range: {key}")
            value = value[key] if not isinstance(value, str) else ord(value[key])
        else:
            raise TemplateError(f"can't index item of type {go_type(value)}")
    return value


def go_len(item: Any) -> int:
    if isinstance(item, str | list | tuple | Mapping):
        return len(item)
    if item is MISSING or item is None:
        raise TemplateError("len of nil pointer")
    raise TemplateError(f"len of type {go_type(item)}")
