"""How Go prints template values: fmt's `%v` (`go_format`), `fmt.Sprint` spacing (`go_sprint`),
the `printf` verbs the built-in engine supports (`go_sprintf`), and the text a value leaves in a
schema before it is re-parsed as YAML (`yaml_scalar_text`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gitops_release.gates.gocompat.template.errors import TemplateError
from gitops_release.gates.gocompat.template.values import MISSING, go_type
from gitops_release.yamlio.goscalars import go_number_text


def go_format(value: Any) -> str:
    """fmt's `%v`."""
    if value is MISSING or value is None:
        return "<nil>"
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return go_number_text(value)
    if isinstance(value, Mapping):
        inner = " ".join(f"{go_format(k)}:{go_format(value[k])}" for k in sorted(value))
        return f"map[{inner}]"
    if isinstance(value, list | tuple):
        return "[" + " ".join(go_format(v) for v in value) + "]"
    return str(value)


def go_sprint(*args: Any) -> str:
    """fmt.Sprint: a space between operands when neither side is a string."""
    out: list[str] = []
    for i, arg in enumerate(args):
        if i and not isinstance(arg, str) and not isinstance(args[i - 1], str):
            out.append(" ")
        out.append(go_format(arg))
    return "".join(out)


_VERB = re.compile(r"%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


def go_sprintf(fmt: Any, *args: Any) -> str:
    if not isinstance(fmt, str):
        raise TemplateError("printf format must be a string")
    values = list(args)
    out: list[str] = []
    pos = 0
    for m in _VERB.finditer(fmt):
        out.append(fmt[pos : m.start()])
        pos = m.end()
        verb = m.group(4)
        if verb == "%":
            out.append("%")
            continue
        if not values:
            out.append(f"%!{verb}(MISSING)")
            continue
        value = values.pop(0)
        out.append(_format_verb(verb, m.group(3), value))
    out.append(fmt[pos:])
    if values:
        out.append("%!(EXTRA " + ", ".join(f"{go_type(v)}={go_format(v)}" for v in values) + ")")
    return "".join(out)


def _format_verb(verb: str, precision: str | None, value: Any) -> str:
    if verb in "vs":
        return go_format(value)
    if verb == "d" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if verb == "t" and isinstance(value, bool):
        return "true" if value else "false"
    if verb == "q" and isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if verb == "f" and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{float(value):.{int(precision) if precision else 6}f}"
    if verb in "dtqf":
        return f"%!{verb}({go_type(value)}={go_format(value)})"
    raise TemplateError(f"printf verb %{verb} is not supported by the built-in engine")


def yaml_scalar_text(value: Any) -> str:
    """What `{{ $value }}` writes into a schema before it is re-parsed as YAML."""
    return "<no value>" if value is MISSING or value is None else go_format(value)
