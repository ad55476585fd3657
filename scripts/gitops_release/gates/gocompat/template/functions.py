"""The template built-in functions (`FUNCTIONS`) and how a call to one is evaluated: `and`/`or`
short-circuit over unevaluated arguments, every other function checks its arity and then applies
Go's semantics to its evaluated arguments."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from gitops_release.gates.gocompat.template.errors import TemplateError
from gitops_release.gates.gocompat.template.formatting import go_format, go_sprint, go_sprintf
from gitops_release.gates.gocompat.template.values import (
    MISSING,
    go_eq,
    go_index,
    go_le,
    go_len,
    go_lt,
    go_type,
    is_true,
    unwrap,
)

FUNCTIONS = frozenset(
    {
        "and",
        "or",
        "not",
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "index",
        "len",
        "print",
        "printf",
        "println",
        "hasPrefix",
        "hasSuffix",
    }
)


def _string_arg(value: Any, fn: str) -> str:
    if value is MISSING:
        raise TemplateError(f"error calling {fn}: invalid value; expected string")
    if not isinstance(value, str):
        raise TemplateError(f"wrong type for value; expected string; got {go_type(value)}")
    return value


_Evaluate = Callable[[Any], Any]


def call_function(name: str, args: Sequence[Any], evaluate: _Evaluate) -> Any:
    if name in ("and", "or"):
        if not args:
            raise TemplateError(f"wrong number of args for {name}: want at least 1 got 0")
        value: Any = MISSING
        for node in args:
            value = unwrap(evaluate(node))
            if is_true(value) != (name == "and"):
                return value
        return value
    values = [evaluate(a) for a in args]
    arity = {"not": 1, "len": 1, "hasPrefix": 2, "hasSuffix": 2, "lt": 2, "le": 2, "gt": 2}
    arity["ge"] = 2
    if name in arity and len(values) != arity[name]:
        raise TemplateError(
            f"wrong number of args for {name}: want {arity[name]} got {len(values)}"
        )
    simple: dict[str, Callable[[], Any]] = {
        "not": lambda: not is_true(values[0]),
        "eq": lambda: go_eq(*values),
        "ne": lambda: not go_eq(*values),
        "lt": lambda: go_lt(*values),
        "le": lambda: go_le(*values),
        "gt": lambda: not go_le(*values),
        "ge": lambda: not go_lt(*values),
        "index": lambda: go_index(*values),
        "len": lambda: go_len(values[0]),
        "print": lambda: go_sprint(*values),
        "println": lambda: " ".join(go_format(v) for v in values) + "\n",
        "printf": lambda: go_sprintf(*values),
        "hasPrefix": lambda: _string_arg(values[0], name).startswith(_string_arg(values[1], name)),
        "hasSuffix": lambda: _string_arg(values[0], name).endswith(_string_arg(values[1], name)),
    }
    if name in ("eq", "ne", "index", "printf") and not values:
        raise TemplateError(f"wrong number of args for {name}")
    return simple[name]()
