"""A YAML file as text plus located nodes, and the minimal splices that change it.

Only the characters of the value that changes are replaced; a missing key is inserted as new
lines (or a flow entry) in the one mapping that lacks it. Nothing is re-serialised.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from gitops_release.edit.model import KeyPath, Splice
from gitops_release.edit.scalars import quote, render_like
from gitops_release.errors import ManifestError
from gitops_release.yamlio import nodes as yamlnodes


@dataclass
class YamlFile:
    """Parsed once; offsets of every node are character offsets into `text`."""

    name: str
    text: str
    docs: list[Node]
    _refs: dict[int, Counter[int]] = field(default_factory=dict)

    @classmethod
    def parse(cls, name: str, text: str) -> YamlFile:
        return cls(name, text, yamlnodes.compose_all(text, source=name, error=ManifestError))

    @property
    def newline(self) -> str:
        return "\r\n" if "\r\n" in self.text else "\n"

    def where(self, node: Node) -> str:
        return f"{self.name}:{yamlnodes.line_of(node)}"

    def line(self, node: Node) -> int:
        return yamlnodes.line_of(node)

    # -- aliases and anchors -------------------------------------------------------------

    def ensure_plain_path(self, doc: int, nodes: Sequence[Node], what: str) -> None:
        """Refuse to edit through an alias or an anchored node: the edit would change (or not
        change) other places that share it."""
        refs = self._ref_counts(doc)
        for node in nodes:
            anchored = self.text[node.start_mark.index : node.start_mark.index + 1] == "&"
            if refs[id(node)] > 1 or anchored:
                raise ManifestError(
                    f"{self.where(node)}: {what} is shared through a YAML anchor/alias "
                    "(&name / *name); editing it would change every place that uses it",
                    hint="give this value its own literal text instead of the alias/anchor, "
                    "commit that, and run again",
                )

    def _ref_counts(self, doc: int) -> Counter[int]:
        if doc not in self._refs:
            counts: Counter[int] = Counter()
            _count(self.docs[doc], counts, set())
            self._refs[doc] = counts
        return self._refs[doc]

    # -- splices -------------------------------------------------------------------------

    def replace_scalar(self, node: ScalarNode, value: str, *, what: str) -> Splice:
        start, end = self.value_span(node)
        if start == end:  # an empty (null) value: `tag:` — write after the colon
            return Splice(start, end, " " + render_like(None, value, where=self.where(node)))
        return Splice(start, end, render_like(node, value, where=f"{self.where(node)}: {what}"))

    def value_span(self, node: ScalarNode) -> tuple[int, int]:
        """Offsets of the scalar's own text, after any `!tag` prefix."""
        start, end = node.start_mark.index, node.end_mark.index
        if start == end or self.text[start:end].strip() == "":
            return self._after_colon(node), self._after_colon(node)
        if self.text[start] == "!":
            while start < end and not self.text[start].isspace():
                start += 1
            while start < end and self.text[start] in " \t":
                start += 1
        return start, end

    def _after_colon(self, node: Node) -> int:
        # Empty scalars are reported at slightly different offsets by the C and Python
        # parsers; the value always belongs right after the key's colon on the key's line.
        index = node.start_mark.index
        line_start = self.text.rfind("\n", 0, index) + 1
        colon = self.text.rfind(":", line_start, max(index, line_start) + 1)
        if colon == -1:
            colon = self.text.find(":", index)
        return colon + 1

    def delete_key(self, mapping: MappingNode, key: str) -> Splice:
        """Remove `key: value` from a mapping (its whole line in block style)."""
        key_node = yamlnodes.get_key(mapping, key)
        value = yamlnodes.get(mapping, key)
        assert key_node is not None
        assert value is not None
        if mapping.flow_style:
            start = key_node.start_mark.index
            end = value.end_mark.index
            rest = self.text[end:]
            stripped = rest.lstrip(" ")
            if stripped.startswith(","):
                end += len(rest) - len(stripped) + 1
                while end < len(self.text) and self.text[end] == " ":
                    end += 1
            else:
                before = self.text[:start].rstrip(" ")
                if before.endswith(","):
                    start = len(before) - 1
            return Splice(start, end, "")
        start = self.text.rfind("\n", 0, key_node.start_mark.index) + 1
        if self.text[start : key_node.start_mark.index].strip() not in ("", "-"):
            raise ManifestError(
                f"{self.where(key_node)}: cannot remove '{key}' cleanly (shares its line)",
                hint=f"put '{key}' on its own line and run again",
            )
        if self.text[start : key_node.start_mark.index].strip() == "-":
            raise ManifestError(
                f"{self.where(key_node)}: cannot remove '{key}': it is the first key of a list "
                "item",
                hint=f"move '{key}' below the item's first key and run again",
            )
        end = self._line_end(value.end_mark.index)
        return Splice(start, end, "")

    def insert_path(
        self, doc: int, path: KeyPath, value: str, *, style_of: ScalarNode | None = None
    ) -> Splice:
        """Insert the missing tail of `path` (mapping keys) with a scalar `value`."""
        root = self.docs[doc] if doc < len(self.docs) else None
        rendered = (
            quote(value, '"') if style_of is None else render_like(style_of, value, where=self.name)
        )
        if root is None:
            return self._append_block(path, rendered)
        parent: Node = root
        depth = 0
        while depth < len(path):
            child = yamlnodes.walk(parent, [path[depth]])
            if child is None:
                break
            parent = child
            depth += 1
        missing = [str(p) for p in path[depth:]]
        if not missing or any(isinstance(p, int) for p in path[depth:]):
            raise ManifestError(f"{self.name}: internal error: cannot insert {path}")
        if isinstance(parent, ScalarNode) and parent.tag == yamlnodes.NULL:
            return self._fill_null(parent, missing, rendered)
        if not isinstance(parent, MappingNode):
            raise ManifestError(
                f"{self.where(parent)}: cannot add {'.'.join(missing)} under "
                f"{'.'.join(str(p) for p in path[:depth]) or 'the document'}: it is not a mapping",
                hint="fix the key path (helm target `key:`) or the values file",
            )
        if parent.flow_style or not parent.value:
            return self._insert_flow(parent, missing, rendered)
        return self._insert_block(parent, missing, rendered)

    def _insert_block(self, mapping: MappingNode, keys: list[str], rendered: str) -> Splice:
        first_key = mapping.value[0][0]
        indent = first_key.start_mark.column
        at = self._line_end(_last_leaf(mapping).end_mark.index)
        prefix = ""
        if at == len(self.text) and not self.text.endswith(("\n", "\r")):
            prefix = self.newline
        step = self._indent_step(indent)
        lines = [
            " " * (indent + i * step) + f"{k}:" + (f" {rendered}" if i == len(keys) - 1 else "")
            for i, k in enumerate(keys)
        ]
        return Splice(at, at, prefix + self.newline.join(lines) + self.newline)

    def _insert_flow(self, mapping: MappingNode, keys: list[str], rendered: str) -> Splice:
        entry = _flow_entry(keys, rendered)
        if not mapping.value:
            start, end = mapping.start_mark.index, mapping.end_mark.index
            if self.text[start:end].strip() != "{}":
                raise ManifestError(f"{self.where(mapping)}: unexpected empty mapping syntax")
            return Splice(start, end, "{" + entry + "}")
        close = self.text.rfind("}", 0, mapping.end_mark.index)
        return Splice(close, close, ", " + entry)

    def _fill_null(self, node: ScalarNode, keys: list[str], rendered: str) -> Splice:
        start, end = self.value_span(node)
        if start == end:
            key_line_start = self.text.rfind("\n", 0, start) + 1
            indent = len(self.text[key_line_start:start]) - len(
                self.text[key_line_start:start].lstrip(" ")
            )
            step = self._indent_step(indent)
            lines = [
                " " * (indent + (i + 1) * step)
                + f"{k}:"
                + (f" {rendered}" if i == len(keys) - 1 else "")
                for i, k in enumerate(keys)
            ]
            return Splice(start, start, self.newline + self.newline.join(lines))
        return Splice(start, end, "{" + _flow_entry(keys, rendered) + "}")

    def _append_block(self, path: KeyPath, rendered: str) -> Splice:
        lines = [
            "  " * i + f"{k}:" + (f" {rendered}" if i == len(path) - 1 else "")
            for i, k in enumerate(str(p) for p in path)
        ]
        prefix = "" if not self.text or self.text.endswith(("\n", "\r")) else self.newline
        return Splice(
            len(self.text), len(self.text), prefix + self.newline.join(lines) + self.newline
        )

    def append_item(self, seq: SequenceNode, item_lines: list[str]) -> Splice:
        """Append a block mapping item (given as `key: value` lines) to a block sequence."""
        first = seq.value[0]
        dash_col = self._dash_column(first)
        at = self._line_end(_last_leaf(seq).end_mark.index)
        prefix = ""
        if at == len(self.text) and not self.text.endswith(("\n", "\r")):
            prefix = self.newline
        item_col = first.start_mark.column if isinstance(first, MappingNode) else dash_col + 2
        lines = [" " * dash_col + "-" + " " * (item_col - dash_col - 1) + item_lines[0]]
        lines += [" " * item_col + line for line in item_lines[1:]]
        return Splice(at, at, prefix + self.newline.join(lines) + self.newline)

    def add_list(
        self, mapping: MappingNode, key: str, item_lines: list[str]
    ) -> tuple[list[Splice], int]:
        """Give `key` of a block `mapping` (missing, or present with no value) a one-item block
        list whose item is the `key: value` lines, indented as the file indents its lists.

        Returns the splices and the 1-based line of the new item's `-` in the edited text.
        """
        nl = self.newline
        key_node = yamlnodes.get_key(mapping, key)
        if key_node is None:
            column = self._column(mapping.value[0][0].start_mark.index)
            at = self._line_end(_last_leaf(mapping).end_mark.index)
            prefix = nl if at == len(self.text) and not self.text.endswith(("\n", "\r")) else ""
            head = " " * column + f"{key}:" + nl
            item = self._list_item(column, item_lines)
            line = self.text.count("\n", 0, at) + 1 + bool(prefix) + 1
            return [Splice(at, at, prefix + head + item + nl)], line
        value = yamlnodes.get(mapping, key)
        assert isinstance(value, ScalarNode)  # the caller only passes a null value
        splices = []
        start, end = self.value_span(value)
        at = self._line_end(max(end, key_node.end_mark.index))
        if start != end:  # `key: ~` / `key: null`: the token goes, a comment after it stays
            if self.text[end:at].strip() == "":
                start = self._after_colon(value)
                end = at - len(self.text[end:at]) + len(self.text[end:at].rstrip("\r\n"))
            splices.append(Splice(start, end, ""))
        prefix = nl if at == len(self.text) and not self.text.endswith(("\n", "\r")) else ""
        item = self._list_item(self._column(key_node.start_mark.index), item_lines)
        splices.append(Splice(at, at, prefix + item + nl))
        return splices, self.text.count("\n", 0, key_node.start_mark.index) + 2

    def _list_item(self, key_column: int, item_lines: list[str]) -> str:
        dash = key_column + self.sequence_indent()
        lines = [" " * dash + "- " + item_lines[0]]
        lines += [" " * (dash + 2) + line for line in item_lines[1:]]
        return self.newline.join(lines)

    def sequence_indent(self) -> int:
        """How far this file indents a block list under its key: the first such list decides
        (`key:` / `- a` → 0, `key:` / `  - a` → 2), as kustomize decides; 0 when it has none."""
        for doc in self.docs:
            found = _first_block_list(doc, set())
            if found is not None:
                key, seq = found
                return max(self._dash_column(seq.value[0]) - self._column(key.start_mark.index), 0)
        return 0

    def _column(self, index: int) -> int:
        line_start = self.text.rfind("\n", 0, index) + 1
        return len(self.text[line_start:index].lstrip("\ufeff"))

    def _dash_column(self, item: Node) -> int:
        index = item.start_mark.index
        dash = self.text.rfind("-", 0, index)
        line_start = self.text.rfind("\n", 0, dash) + 1
        return dash - line_start

    def _indent_step(self, indent: int) -> int:
        # Nested keys use the file's own indentation step when it can be seen, else two spaces.
        for line in self.text.splitlines():
            stripped = line.lstrip(" ")
            width = len(line) - len(stripped)
            if width > 0 and stripped and not stripped.startswith(("#", "-")):
                return width if indent == 0 else min(width, 8)
        return 2

    def _line_end(self, index: int) -> int:
        """Offset just past the line break that ends the line containing text[index - 1]."""
        if index > 0 and self.text[index - 1] == "\n":
            return index
        newline = self.text.find("\n", index)
        return len(self.text) if newline == -1 else newline + 1


def _flow_entry(keys: list[str], rendered: str) -> str:
    entry = f"{keys[-1]}: {rendered}"
    for key in reversed(keys[:-1]):
        entry = f"{key}: {{{entry}}}"
    return entry


def _first_block_list(node: Node, seen: set[int]) -> tuple[ScalarNode, SequenceNode] | None:
    """The first (key, block list) pair in document order, below `node`."""
    if id(node) in seen:  # an alias: already looked at
        return None
    seen.add(id(node))
    children: list[Node] = []
    if isinstance(node, MappingNode):
        for key, value in node.value:
            block = isinstance(value, SequenceNode) and value.value and not value.flow_style
            if block and isinstance(key, ScalarNode) and not node.flow_style:
                return key, value
            children.append(value)
    elif isinstance(node, SequenceNode):
        children = list(node.value)
    for child in children:
        found = _first_block_list(child, seen)
        if found is not None:
            return found
    return None


def _last_leaf(node: Node) -> Node:
    while isinstance(node, MappingNode | SequenceNode) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    return node


def _count(node: Node, counts: Counter[int], seen: set[int]) -> None:
    counts[id(node)] += 1
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, MappingNode):
        for key, value in node.value:
            _count(key, counts, seen)
            _count(value, counts, seen)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _count(item, counts, seen)
