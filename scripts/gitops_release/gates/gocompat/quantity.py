"""Kubernetes `resource.Quantity`: parsing, comparison and the canonical string Go emits.

Two places need it: the `resourceMinimum` / `resourceMaximum` schema keywords compare quantities,
and the typed round-trip Polaris applies to pod specs rewrites every quantity into canonical form
(`1.5` -> `1500m`, `1024Mi` -> `1Gi`, `2000` -> `2k`), which checks with patterns or consts see.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

Format = Literal["DecimalSI", "BinarySI", "DecimalExponent"]

_QUANTITY = re.compile(
    r"(?P<num>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?"
)
_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {v: k for k, v in _DECIMAL.items()}
_BINARY_SUFFIX = {v: k for k, v in _BINARY.items()}
_NANO = Fraction(1, 10**9)


class QuantityError(ValueError):
    """Not a Kubernetes quantity."""


@dataclass(frozen=True)
class Quantity:
    value: Fraction
    format: Format

    def canonical(self) -> str:
        return canonical_string(self)


def parse_quantity(text: str) -> Quantity:
    """`resource.ParseQuantity`: values finer than 1n are rounded up, as Kubernetes does."""
    m = _QUANTITY.fullmatch(text.strip())
    if m is None or not text.strip():
        raise QuantityError(f"quantities must match the regular expression: {text!r}")
    number = Fraction(m.group("num"))
    suffix = m.group("suffix") or ""
    fmt: Format
    if suffix in _BINARY:
        value = number * 1024 ** _BINARY[suffix]
        fmt = "BinarySI"
    elif suffix in _DECIMAL:
        value = number * Fraction(10) ** _DECIMAL[suffix]
        fmt = "DecimalSI"
    else:
        value = number * Fraction(10) ** int(suffix[1:])
        fmt = "DecimalExponent"
    if (value / _NANO).denominator != 1:
        value = Fraction(math.ceil(value / _NANO)) * _NANO
    return Quantity(value, fmt)


def compare(a: Quantity, b: Quantity) -> int:
    return (a.value > b.value) - (a.value < b.value)


def _decimal_parts(value: Fraction) -> tuple[int, int]:
    """(mantissa, exponent) with the exponent a multiple of 3 and trailing zeros removed first."""
    exponent = 0
    while value.denominator != 1:
        value *= 10
        exponent -= 1
    mantissa = int(value)
    while mantissa != 0 and mantissa % 10 == 0:
        mantissa //= 10
        exponent += 1
    shift = exponent % 3
    return mantissa * 10**shift, exponent - shift


def canonical_string(q: Quantity) -> str:
    """`Quantity.String()` (what `json.Marshal` of a typed pod spec writes)."""
    if q.value == 0:
        return "0"
    fmt = q.format
    if fmt == "BinarySI" and (-1024 < q.value < 1024 or q.value.denominator != 1):
        # Kubernetes avoids rounding: small or fractional binary values print as DecimalSI.
        fmt = "DecimalSI"
    if fmt == "BinarySI":
        mantissa, power = int(q.value), 0
        while mantissa % 1024 == 0 and power < 6:
            mantissa //= 1024
            power += 1
        return f"{mantissa}{_BINARY_SUFFIX.get(power, '')}"
    mantissa, exponent = _decimal_parts(q.value)
    if fmt == "DecimalSI" and exponent in _DECIMAL_SUFFIX:
        return f"{mantissa}{_DECIMAL_SUFFIX[exponent]}"
    return f"{mantissa}e{exponent}" if exponent else str(mantissa)


def from_json_number(value: float) -> Quantity:
    """A quantity written as a bare number: Go re-reads the JSON number text."""
    text = str(value) if isinstance(value, int) else _float_json_text(value)
    return parse_quantity(text)


def _float_json_text(value: float) -> str:
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value).replace("e+", "e")


def quantity_from_instance(value: object) -> Quantity:
    """How `resourceMinimum`/`resourceMaximum` read an instance: strings, or numbers via `%f`."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise QuantityError("not a string")
    if isinstance(value, str):
        return parse_quantity(value)
    return parse_quantity(f"{float(value):f}")
