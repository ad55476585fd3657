"""YAML as located nodes: compose text into ruamel.yaml nodes that know their exact offsets.

Editing and error reporting both need *where* a value is, not just what it is, so everything that
reads user YAML composes it here (through the one parser front end, `yamlio.parser`) instead of
constructing Python objects and losing positions. Scalars resolve as in YAML 1.2.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

from gitops_release.errors import GitopsReleaseError
from gitops_release.yamlio.parser import compose

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Located:
    """A node and the key path that leads to it."""

    path: KeyPath
    node: Node


class _CachedResolver(VersionedResolver):
    """ruamel.yaml's resolver looks the YAML version up again for every scalar, which costs
    more than parsing. Documents without a `%YAML` directive (all Kubernetes YAML) share one
    table for the default version; anything else takes the regular path."""

    _default_table: Any = None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0] and not self.yaml_path_resolvers:
            table = self._default_table
            if table is None:
                if getattr(getattr(self.loadumper, "_scanner", None), "yaml_version", None):
                    return super().resolve(kind, value, implicit)
                table = self._default_table = self.versioned_resolver
            for tag, regexp in (*table.get(value[:1], ()), *table.get(None, ())):
                if regexp.match(value):
                    return Tag(suffix=tag)
            return self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


_SYNTAX_HINT = "fix the YAML syntax at that position (check indentation, quotes and colons)"


def compose_all(
    text: str, *, source: str, error: type[GitopsReleaseError] = GitopsReleaseError
) -> list[Node]:
    """Compose every document of `text`; a syntax error raises `error` naming source:line:col."""
    # The C parser does not count a byte-order mark in its offsets; the Python one does.
    composed = compose(text, _CachedResolver, pure=text.startswith("\ufeff"), after_retry="first")
    failure = composed.error
    if failure is None:
        return [doc for doc in composed.nodes if doc is not None]
    if failure.decoding_cause is not None:
        raise failure.decoding_cause
    raise error(failure.located(source), hint=_SYNTAX_HINT) from None


def line_of(node: Node) -> int:
    """1-based line of a node's first character."""
    return int(node.start_mark.line) + 1


def column_of(node: Node) -> int:
    return int(node.start_mark.column) + 1


def mapping_items(node: Node) -> Iterator[tuple[ScalarNode, Node]]:
    """Key/value pairs of a mapping node whose keys are scalars (others are skipped)."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode):
                yield key, value


def _entry(node: Node, key: str) -> tuple[ScalarNode, Node] | None:
    """The key and value nodes for `key` in a mapping node (the last one wins, as in every
    loader)."""
    found = None
    for k, v in mapping_items(node):
        if k.value == key:
            found = k, v
    return found


def get(node: Node, key: str) -> Node | None:
    """The value node for `key` in a mapping node (the last one wins, as in every loader)."""
    found = _entry(node, key)
    return None if found is None else found[1]


def get_key(node: Node, key: str) -> ScalarNode | None:
    found = _entry(node, key)
    return None if found is None else found[0]


def walk(node: Node, path: Sequence[str | int]) -> Node | None:
    """Follow a key path of mapping keys and sequence indexes; None when any step is missing."""
    current: Node | None = node
    for step in path:
        if current is None:
            return None
        if isinstance(step, int):
            if not isinstance(current, SequenceNode) or step >= len(current.value):
                return None
            current = current.value[step]
        else:
            current = get(current, step)
    return current


def scalar_str(node: Node | None) -> str | None:
    """The text of a scalar node, or None for anything else."""
    if isinstance(node, ScalarNode):
        return str(node.value)
    return None


def to_python(node: Node) -> Any:
    """Construct plain Python data from a composed node (YAML 1.2 core schema, as resolved)."""
    return _construct(node, {})


def _construct(node: Node, memo: dict[int, Any]) -> Any:
    if id(node) in memo:
        return memo[id(node)]
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, SequenceNode):
        seq: list[Any] = []
        memo[id(node)] = seq
        seq.extend(_construct(item, memo) for item in node.value)
        return seq
    mapping: dict[Any, Any] = {}
    memo[id(node)] = mapping
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.tag == "tag:yaml.org,2002:merge":
            merged = _construct(value, memo)
            for part in merged if isinstance(merged, list) else [merged]:
                if isinstance(part, dict):
                    for k, v in part.items():
                        mapping.setdefault(k, v)
            continue
        k = _construct(key, memo)
        mapping[k if _hashable(k) else repr(k)] = _construct(value, memo)
    return mapping


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _scalar(node: ScalarNode) -> Any:
    value = str(node.value)
    tag = node.tag
    if tag == NULL:
        return None
    if tag == BOOL:
        return value.lower() == "true"
    if tag == INT:
        return _int(value)
    if tag == FLOAT:
        return _float(value)
    return value


def _int(value: str) -> int | str:
    text = value.replace("_", "")
    try:
        if text.lower().startswith(("0x", "-0x", "+0x")):
            return int(text, 16)
        if text.lower().startswith(("0o", "-0o", "+0o")):
            return int(text.replace("o", "").replace("O", ""), 8)
        return int(text)
    except ValueError:
        return value


def _float(value: str) -> float | str:
    text = value.replace("_", "").lower()
    if text in (".inf", "+.inf"):
        return math.inf
    if text == "-.inf":
        return -math.inf
    if text == ".nan":
        return math.nan
    try:
        return float(text)
    except ValueError:
        return value


def scalar_value(text: str) -> Any:
    """The Python value of one scalar written as `text` (quoted or plain)."""
    nodes = compose_all(f"{text.strip()}\n", source="<value>") if text.strip() else []
    return to_python(nodes[0]) if nodes else None


def resolve_plain(text: str) -> str:
    """The tag a YAML 1.2 loader gives `text` written as a plain scalar."""
    nodes = compose_all(f"{text}\n", source="<value>") if text else []
    if not nodes:
        return NULL
    node = nodes[0]
    return str(node.tag) if isinstance(node, ScalarNode) else "tag:yaml.org,2002:map"
