"""Helm values composition, the way `helm template -f ... --set ...` composes them.

Pure, so it is tested on its own; the helm-python-sdk worker (`render.helm_sdk`) uses it to give
the same result as the `helm` binary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_UNESCAPED_COMMA = re.compile(r"(?<!\\),")


def merge_maps(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Helm's `mergeMaps`: nested mappings merge key by key; anything else replaces."""
    out = dict(base)
    for key, value in override.items():
        current = out.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            out[key] = merge_maps(current, value)
        else:
            out[key] = value
    return out


def merge_all(layers: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for layer in layers:
        merged = merge_maps(merged, layer)
    return merged


def set_expression(name: str, value: str) -> str:
    """A `--set` expression for an Argo CD parameter; Argo CD escapes commas in the value."""
    escaped = _UNESCAPED_COMMA.sub(r"\\,", value)
    return f"{name}={escaped}"
