"""Replacing, inserting or removing one key's whole value block (a list or mapping) in a YAML
mapping, as new lines in the file's own style, every other byte kept.

The image edit changes one scalar; a release strategy changes a block (`steps:`, `analysis:`).
The block is written as the file writes blocks (its indentation step, how far it indents a list
under its key, its line endings); inside list items nested values are written in flow style
(`- pause: {duration: 30s}`), as Rollout examples are. A flow mapping gets a flow entry. What was
inserted is exactly what a removal takes away again, so switching back restores the file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from gitops_release.edit.document import YamlFile
from gitops_release.edit.model import Splice
from gitops_release.edit.scalars import plain_ok, quote
from gitops_release.errors import ManifestError
from gitops_release.yamlio import nodes as yamlnodes


def scalar_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    return text if plain_ok(text) else quote(text, '"')


def flow_text(value: Any) -> str:
    """`value` in flow style: `{duration: 30s}`, `[{setWeight: 25}, {pause: {}}]`."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{scalar_text(k)}: {flow_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow_text(v) for v in value) + "]"
    return scalar_text(value)


def block_lines(key: str, value: Any, *, column: int, step: int, seq_indent: int) -> list[str]:
    """`key:` and its value as block lines starting at `column`."""
    pad = " " * column
    if _leaf(value):
        return [f"{pad}{scalar_text(key)}: {flow_text(value)}"]
    lines = [f"{pad}{scalar_text(key)}:"]
    if isinstance(value, Mapping):
        for k, v in value.items():
            lines += block_lines(str(k), v, column=column + step, step=step, seq_indent=seq_indent)
        return lines
    dash = column + seq_indent
    for item in value:
        if isinstance(item, Mapping) and item:
            entries = [f"{scalar_text(k)}: {flow_text(v)}" for k, v in item.items()]
            lines.append(" " * dash + "- " + entries[0])
            lines += [" " * (dash + 2) + e for e in entries[1:]]
        else:
            lines.append(" " * dash + "- " + flow_text(item))
    return lines


def _leaf(value: Any) -> bool:
    return not isinstance(value, Mapping | list | tuple) or not value


def set_block(
    file: YamlFile, parent: MappingNode, key: str, value: Any, *, step: int
) -> Splice | None:
    """The splice that gives `key` of `parent` the data `value` (None: removes the key); None
    when it already holds exactly that (or is absent and should be)."""
    current = yamlnodes.get(parent, key)
    if current is not None and value is not None and yamlnodes.to_python(current) == _plain(value):
        return None
    if current is None and value is None:
        return None
    if parent.flow_style or not parent.value:
        return _set_flow(file, parent, key, current, value)
    return _set_in_block(file, parent, key, current, value, step=step)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _set_flow(
    file: YamlFile, parent: MappingNode, key: str, current: Node | None, value: Any
) -> Splice:
    if current is None:
        entry = f"{scalar_text(key)}: {flow_text(value)}"
        if not parent.value:
            start, end = parent.start_mark.index, parent.end_mark.index
            if file.text[start:end].strip() != "{}":
                raise ManifestError(f"{file.where(parent)}: unexpected empty mapping syntax")
            return Splice(start, end, "{" + entry + "}")
        close = file.text.rfind("}", 0, parent.end_mark.index)
        return Splice(close, close, ", " + entry)
    if value is None:
        return file.delete_key(parent, key)
    return Splice(current.start_mark.index, current.end_mark.index, flow_text(value))


def _set_in_block(
    file: YamlFile,
    parent: MappingNode,
    key: str,
    current: Node | None,
    value: Any,
    *,
    step: int,
) -> Splice:
    nl = file.newline
    column = _column(file, parent.value[0][0].start_mark.index)
    if current is not None and _is_flow(current) and value is not None:
        # `steps: [...]` stays a flow list.
        return Splice(current.start_mark.index, current.end_mark.index, flow_text(value))
    lines = (
        []
        if value is None
        else block_lines(key, value, column=column, step=step, seq_indent=file.sequence_indent())
    )
    if current is None:
        at = line_end(file.text, last_leaf(parent).end_mark.index)
        if at == len(file.text) and not file.text.endswith(("\n", "\r")):
            # A file without a final line break keeps lacking one (and a removal restores it).
            return Splice(at, at, nl + nl.join(lines))
        return Splice(at, at, nl.join(lines) + nl)
    key_node = yamlnodes.get_key(parent, key)
    assert key_node is not None
    start = file.text.rfind("\n", 0, key_node.start_mark.index) + 1
    if file.text[start : key_node.start_mark.index].strip():
        raise ManifestError(
            f"{file.where(key_node)}: cannot rewrite '{key}': it shares its line with another key",
            hint=f"put '{key}:' on its own line and run again",
        )
    end = line_end(file.text, max(last_leaf(current).end_mark.index, key_node.end_mark.index))
    ending = file.text[start:end]
    tail = nl if ending.endswith("\n") else ""
    if not lines and not tail and start > 0:
        # The block was the file's last line, without a line break: the one before it goes.
        start -= len(nl) if file.text[:start].endswith(nl) else 1
    return Splice(start, end, nl.join(lines) + (tail if lines else ""))


def _is_flow(node: Node) -> bool:
    return isinstance(node, MappingNode | SequenceNode) and bool(node.flow_style)


def _column(file: YamlFile, index: int) -> int:
    line_start = file.text.rfind("\n", 0, index) + 1
    return len(file.text[line_start:index].lstrip("\ufeff"))


def line_end(text: str, index: int) -> int:
    """Offset just past the line break that ends the line holding text[index - 1]."""
    if index > 0 and text[index - 1] == "\n":
        return index
    newline = text.find("\n", index)
    return len(text) if newline == -1 else newline + 1


def last_leaf(node: Node) -> Node:
    while isinstance(node, MappingNode | SequenceNode) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    return node


def indent_step(file: YamlFile, parent_key: ScalarNode | None, parent: MappingNode) -> int:
    """How far the file indents a mapping under its key, seen at `parent` (else 2)."""
    if parent_key is not None and parent.value and not parent.flow_style:
        step = _column(file, parent.value[0][0].start_mark.index) - _column(
            file, parent_key.start_mark.index
        )
        if step > 0:
            return step
    return 2


def data_of(node: Node | None) -> Any:
    return None if node is None else yamlnodes.to_python(node)


def is_null(node: Node | None) -> bool:
    return isinstance(node, ScalarNode) and node.tag == yamlnodes.NULL


__all__: Sequence[str] = (
    "block_lines",
    "data_of",
    "flow_text",
    "indent_step",
    "is_null",
    "last_leaf",
    "line_end",
    "set_block",
)
