"""Documents as the Go YAML decoders give them: the gates' reading of YAML.

Documents are built from the composed node trees directly when the trees hold nothing but
untagged scalars, sequences and mappings (rendered manifests), and by ruamel's constructor with
the same rules otherwise; both give the same values (tests compare them). The node trees are not
changed by that, so a file composed once can serve the deprecated-API gate (which reads the
nodes) and the Polaris gate (which reads the documents). Scalars follow `goscalars`.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from gitops_release.yamlio.errors import YamlSyntaxError, decode_error, syntax_error
from gitops_release.yamlio.goscalars import (
    MERGE_TAG,
    PLAIN,
    PLAIN_TAG,
    STR,
    TABLES,
    Flavour,
    PlainResolver,
    resolve_plain,
    stringify_key,
)
from gitops_release.yamlio.parser import Composed, compose, is_flow_colon_error, new_yaml

__all__ = [
    "Composed",
    "Duplicates",
    "Flavour",
    "YamlSyntaxError",
    "compose_documents",
    "load_all",
    "load_one",
    "read_documents",
]

Duplicates = Literal["error", "last"]


class _GoConstructor(SafeConstructor):
    flavour: Flavour = "v3"

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:  # noqa: FBT001, FBT002
        mapping = super().construct_mapping(node, deep=deep)
        if all(isinstance(k, str) for k in mapping):
            return mapping
        return {stringify_key(k): v for k, v in mapping.items()}


def _construct_plain(self: _GoConstructor, node: Any) -> Any:
    return resolve_plain(node.value, self.flavour)


def _construct_text(self: _GoConstructor, node: Any) -> Any:  # noqa: ARG001
    # Go keeps timestamps (and anything else it cannot place in interface{}) as the text.
    return node.value


def _construct_binary(self: _GoConstructor, node: Any) -> Any:  # noqa: ARG001
    try:
        return base64.b64decode("".join(node.value.split())).decode("utf-8", "replace")
    except ValueError:
        return node.value


def _construct_any(self: _GoConstructor, node: Any) -> Any:
    """Unknown tags (`!Ref`, `!foo`): Go decodes the node by its shape."""
    if isinstance(node, MappingNode):
        return _GoConstructor.construct_mapping(self, node, deep=True)
    if isinstance(node, SequenceNode):
        return self.construct_sequence(node, deep=True)
    return node.value


for _ctor in (_GoConstructor,):
    _ctor.add_constructor(PLAIN_TAG, _construct_plain)
    _ctor.add_constructor(MERGE_TAG, _construct_text)
    _ctor.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)
    _ctor.add_constructor("tag:yaml.org,2002:value", _construct_text)
    _ctor.add_constructor("tag:yaml.org,2002:binary", _construct_binary)
    _ctor.add_constructor(None, _construct_any)


class _GoConstructorV2(_GoConstructor):
    flavour: Flavour = "v2"


def _make(flavour: Flavour, *, pure: bool = False) -> YAML:
    return new_yaml(
        PlainResolver, _GoConstructorV2 if flavour == "v2" else _GoConstructor, pure=pure
    )


class _Unusual(Exception):
    """A node the direct construction below leaves to ruamel's constructor."""


_IN_PROGRESS = object()
_MISSING = object()
_SEQ = VersionedResolver.DEFAULT_SEQUENCE_TAG
_MAP = VersionedResolver.DEFAULT_MAPPING_TAG


def _construct_fast(
    node: Node,
    table: dict[str, Any],
    flavour: Flavour,
    memo: dict[int, Any],
    last_wins: bool = False,  # noqa: FBT001, FBT002 - positional in this hot recursion
) -> Any:
    """What `_GoConstructor.construct_document` gives for a node tree made only of untagged
    scalars, sequences and mappings with scalar keys (what rendered manifests are); anything
    else (tags, merge keys, duplicate keys, complex keys, recursive aliases) raises _Unusual.

    Tags are compared by identity: the resolver hands out these Tag objects for every untagged
    node, and the composer keeps them. Aliased nodes give the same object, as in ruamel.
    """
    cls = node.__class__
    if cls is ScalarNode:
        return _scalar_fast(node, table, flavour)
    key = id(node)
    done = memo.get(key, _IN_PROGRESS)
    if done is not _IN_PROGRESS:
        return done
    if key in memo:
        raise _Unusual  # a collection that contains itself
    memo[key] = _IN_PROGRESS
    result: Any
    if cls is MappingNode and node.ctag is _MAP:
        mapping: dict[Any, Any] = {}
        str_keys = True
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                raise _Unusual
            name = _scalar_fast(key_node, table, flavour)  # `<<` (a merge) raises
            if name in mapping:
                _repeated(mapping, name, last_wins=last_wins)
            if name.__class__ is not str:
                str_keys = False
            if value_node.__class__ is ScalarNode:
                mapping[name] = _scalar_fast(value_node, table, flavour)
            else:
                mapping[name] = _construct_fast(value_node, table, flavour, memo, last_wins)
        result = mapping if str_keys else {stringify_key(k): v for k, v in mapping.items()}
    elif cls is SequenceNode and node.ctag is _SEQ:
        result = [_construct_fast(child, table, flavour, memo, last_wins) for child in node.value]
    else:
        raise _Unusual
    memo[key] = result
    return result


def _repeated(mapping: dict[Any, Any], name: Any, *, last_wins: bool) -> None:
    if not last_wins:
        raise _Unusual  # ruamel reports duplicate keys
    del mapping[name]  # yaml.v2, non-strict: the last value is the one used


def _scalar_fast(node: Node, table: dict[str, Any], flavour: Flavour) -> Any:
    ctag = node.ctag
    if ctag is PLAIN:
        value = node.value
        found = table.get(value, _MISSING)
        if found is not _MISSING:
            return found
        first = value[0]  # "" is in the table
        if first in "+-." or first.isdigit():
            return resolve_plain(value, flavour)
        return value  # what resolve_plain gives any other text
    if ctag is STR:
        return node.value
    raise _Unusual


def _construct_all(
    nodes: list[Node | None], flavour: Flavour, *, last_wins: bool = False
) -> list[Any]:
    """Documents for composed nodes (None stays None); raises _Unusual as `_construct_fast`."""
    table = TABLES[flavour]
    try:
        return [
            None if node is None else _construct_fast(node, table, flavour, {}, last_wins)
            for node in nodes
        ]
    except RecursionError:
        raise _Unusual from None


def compose_documents(text: str, *, line_offset: int = 0) -> Composed:
    """Every document's node tree up to the first syntax error, and that error (or None)."""
    return compose(text, PlainResolver, line_offset=line_offset)


def load_all(text: str, flavour: Flavour = "v3", *, line_offset: int = 0) -> list[Any]:
    """Every document of a stream; raises YamlSyntaxError (line numbers shifted by offset)."""
    composed = compose_documents(text, line_offset=line_offset)
    try:
        docs = _construct_all(composed.nodes, flavour)
    except _Unusual:
        return _load_all_slow(text, flavour, line_offset)
    if composed.error is not None:
        raise composed.error
    return docs


def _load_all_slow(text: str, flavour: Flavour, line_offset: int) -> list[Any]:
    try:
        return list(_make(flavour).load_all(text))
    except YAMLError as exc:
        if not is_flow_colon_error(str(exc)):
            raise syntax_error(exc, line_offset) from None
        try:  # see compose_documents: the pure scanner reads what the C one refuses
            return list(_make(flavour, pure=True).load_all(text))
        except YAMLError:
            raise syntax_error(exc, line_offset) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise decode_error(exc) from None


def load_one(text: str, flavour: Flavour = "v3", *, line_offset: int = 0) -> Any:
    """The first document (None when empty)."""
    docs = load_all(text, flavour, line_offset=line_offset)
    return docs[0] if docs else None


def _drop_earlier_duplicates(node: Node, seen: set[int]) -> None:
    """Keep only the last of each repeated scalar key of every mapping (a fresh node tree)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, MappingNode):
        last = {k.value: i for i, (k, _) in enumerate(node.value) if isinstance(k, ScalarNode)}
        node.value = [
            (k, v)
            for i, (k, v) in enumerate(node.value)
            if not isinstance(k, ScalarNode) or last[k.value] == i
        ]
    if isinstance(node, MappingNode | SequenceNode):
        for child in node.value:
            for item in child if isinstance(child, tuple) else (child,):
                _drop_earlier_duplicates(item, seen)


def read_documents(
    text: str, composed: Composed | None = None, *, duplicates: Duplicates = "error"
) -> tuple[list[tuple[Any, int]], YamlSyntaxError | None]:
    """(document, 1-based start line) for each document before the first error, and that error.
    `composed` (from `compose_documents(text)`)
    saves composing the text again. A duplicate mapping key is an error as in yaml.v3 (Pluto),
    or with `duplicates="last"` the last value is used, as yaml.v2's non-strict decoding does
    (Polaris, through sigs.k8s.io/yaml)."""
    if composed is None:
        composed = compose_documents(text)
    last_wins = duplicates == "last"
    try:
        docs = _construct_all(composed.nodes, "v3", last_wins=last_wins)
    except _Unusual:
        return _read_documents_slow(text, last_wins=last_wins)
    read = [
        (doc, node.start_mark.line + 1)
        for doc, node in zip(docs, composed.nodes, strict=True)
        if node is not None
    ]
    return read, composed.error


def _read_documents_slow(
    text: str, *, last_wins: bool = False
) -> tuple[list[tuple[Any, int]], YamlSyntaxError | None]:
    docs: list[tuple[Any, int]] = []
    try:
        for doc in _iter_documents_slow(text, "v3", last_wins=last_wins):
            docs.append(doc)
    except YamlSyntaxError as exc:
        return docs, exc
    return docs, None


def _iter_documents_slow(
    text: str, flavour: Flavour, *, last_wins: bool = False
) -> Iterator[tuple[Any, int]]:
    yaml = _make(flavour)
    constructor, parser = yaml.get_constructor_parser(text)
    composer = constructor.composer
    try:
        while composer.check_node():
            node = composer.get_node()
            if node is None:
                continue
            if last_wins:
                _drop_earlier_duplicates(node, set())
            yield constructor.construct_document(node), node.start_mark.line + 1
    except YAMLError as exc:
        raise syntax_error(exc) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise decode_error(exc) from None
    finally:
        parser.dispose()
