"""Plain scalars read the way the Go YAML decoders read them into `interface{}`.

Pluto and Polaris decode manifests with `gopkg.in/yaml.v3` (YAML 1.2-like: `yes`/`on` stay
strings, timestamps stay strings, `010` is still octal), while Polaris reads its config, Pods and
rendered check schemas through `sigs.k8s.io/yaml` (yaml.v2: `yes`/`on`/`y` are booleans).
Python's YAML libraries follow neither exactly, and the difference decides check verdicts
(a label value re-parsed as a boolean no longer matches), so plain scalars are tagged as such
when composing (`PlainResolver`) and resolved here with the Go rules.
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from ruamel.yaml.nodes import Node, ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

Flavour = Literal["v3", "v2"]

PLAIN_TAG = "tag:gitops-release,2024:plain"
MERGE_TAG = "tag:yaml.org,2002:merge"

_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_GO_INT = re.compile(r"[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)")
# The composer keeps these very objects as the nodes' tags, so they are compared by identity.
PLAIN = Tag(suffix=PLAIN_TAG)
STR = VersionedResolver.DEFAULT_SCALAR_TAG
_MERGE = Tag(suffix=MERGE_TAG)
_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1

COMMON: dict[str, Any] = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    ".nan": math.nan,
    ".NaN": math.nan,
    ".NAN": math.nan,
    ".inf": math.inf,
    ".Inf": math.inf,
    ".INF": math.inf,
    "+.inf": math.inf,
    "+.Inf": math.inf,
    "+.INF": math.inf,
    "-.inf": -math.inf,
    "-.Inf": -math.inf,
    "-.INF": -math.inf,
}
_V2_ONLY: dict[str, Any] = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "off", "Off", "OFF"), False),
}
TABLES: dict[str, dict[str, Any]] = {"v3": COMMON, "v2": {**COMMON, **_V2_ONLY}}


def _go_parse_int(text: str) -> int | None:
    """`strconv.ParseInt(text, 0, 64)` then ParseUint, as the Go resolvers try them."""
    if not _GO_INT.fullmatch(text):
        return None
    sign = -1 if text[0] == "-" else 1
    body = text.lstrip("+-").lower()
    if body.startswith("0x"):
        value = int(body[2:], 16)
    elif body.startswith("0o"):
        value = int(body[2:], 8)
    elif body.startswith("0b"):
        value = int(body[2:], 2)
    elif body.startswith("0") and len(body) > 1:
        value = int(body[1:], 8)
    else:
        value = int(body)
    value *= sign
    if _INT64_MIN <= value <= _UINT64_MAX:
        return value
    return None


def resolve_plain(text: str, flavour: Flavour = "v3") -> Any:
    """The value a Go YAML decoder gives an unquoted scalar when decoding into `interface{}`."""
    table = TABLES[flavour]
    if text in table:
        return table[text]
    first = text[0]
    if first == ".":
        return _parse_float(text, text)
    if first.isdigit() or first in "+-":
        plain = text.replace("_", "")
        as_int = _go_parse_int(plain)
        if as_int is not None:
            return as_int
        if _YAML_STYLE_FLOAT.fullmatch(plain):
            return _parse_float(plain, text)
    return text


def _parse_float(text: str, original: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return original


class PlainResolver(VersionedResolver):
    """Tags every plain scalar for the Go-rules constructor; `<<` keeps its merge meaning."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            return _MERGE if value == "<<" else PLAIN
        return super().resolve(kind, value, implicit)


def stringify_key(key: Any) -> Any:
    if isinstance(key, str):
        return key
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int | float):
        return go_number_text(key)
    return key


def go_number_text(value: float) -> str:
    """Go's `%v` for a number: ints plainly; floats shortest, `e+06` from 1e6 and below 1e-4."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    if value == 0:
        return sign + "0"
    text = repr(abs(value))
    if "e" in text:
        mantissa, _, exp_text = text.partition("e")
        exponent = int(exp_text)
        digits = mantissa.replace(".", "")
    else:
        whole, _, frac = text.partition(".")
        frac = "" if frac == "0" else frac
        if whole != "0":
            exponent = len(whole) - 1
            digits = whole + frac
        else:
            stripped = frac.lstrip("0")
            exponent = -(len(frac) - len(stripped) + 1)
            digits = stripped
    digits = digits.rstrip("0") or "0"
    if exponent < -4 or exponent >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if exponent >= 0:
        whole = digits[: exponent + 1].ljust(exponent + 1, "0")
        frac = digits[exponent + 1 :]
    else:
        whole, frac = "0", "0" * (-exponent - 1) + digits
    return sign + whole + ("." + frac if frac else "")


def scalar_text(node: Node) -> str | None:
    """What yaml.v3 stores in a Go `string` field: the scalar's text; null becomes ""."""
    if not isinstance(node, ScalarNode):
        return None
    ctag = node.ctag
    if ctag is PLAIN:  # the common cases first, without building the tag's text
        return "" if node.value in COMMON and COMMON[node.value] is None else str(node.value)
    if ctag is STR:
        return str(node.value)
    raw_tag: Any = node.tag
    tag = str(getattr(raw_tag, "value", raw_tag))
    if tag == PLAIN_TAG and resolve_plain(node.value) is None:
        return ""
    if tag == "tag:yaml.org,2002:null":
        return ""
    return str(node.value)
