"""Polaris mutations applied to a document, as `polaris fix` applies them: JSON-pointer paths
where `*` matches every element, `add`/`replace` create missing parents and `remove` ignores
absent ones."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any


def _pointer(path: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]


def _apply_one(node: Any, parts: list[str], op: str, value: Any) -> None:  # noqa: PLR0912
    if not parts:
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        children = (
            range(len(node))
            if isinstance(node, list)
            else (list(node) if isinstance(node, dict) else [])
        )
        for key in children:
            _apply_one(node[key], rest, op, value)
        return
    if isinstance(node, list):
        if head == "-":
            if not rest and op != "remove":
                node.append(copy.deepcopy(value))
            return
        index = int(head)
        if not rest:
            if op == "remove":
                if index < len(node):
                    del node[index]
            elif index < len(node):
                node[index] = copy.deepcopy(value)
            else:
                node.append(copy.deepcopy(value))
            return
        if index < len(node):
            _apply_one(node[index], rest, op, value)
        return
    if not isinstance(node, dict):
        return
    if not rest:
        if op == "remove":
            node.pop(head, None)
        else:
            node[head] = copy.deepcopy(value)
        return
    if head not in node or not isinstance(node[head], dict | list):
        if op == "remove":
            return
        node[head] = {}
    _apply_one(node[head], rest, op, value)


def apply_mutations(document: Mapping[str, Any], mutations: Any) -> dict[str, Any]:
    """A copy of `document` with Polaris mutations applied (`*` matches every element; `add`
    creates missing parents, as `polaris fix` does)."""
    out = copy.deepcopy(dict(document))
    for mutation in mutations:
        _apply_one(out, _pointer(mutation["Path"]), mutation["Op"], mutation.get("Value"))
    return out
