"""Pluto-compatible detection of deprecated and removed Kubernetes APIs in manifest files.

It reproduces `pluto detect-files` / `pluto detect` on the same data (see `deprecations`): the
per-file parser (one JSON object first, else YAML documents), the List expansion, the first-match
rule, the three flags, the output filter and the exit code. Where Pluto silently drops a file it
cannot parse, `FileScan.error` keeps the reason so the gate can report it instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from gitops_release.gates.deprecations import DEFAULT_DATA, DeprecatedApi, DeprecationData
from gitops_release.gates.gocompat import goversion
from gitops_release.yamlio import godocs, goscalars


@dataclass(frozen=True)
class Stub:
    """The four fields Pluto reads from each object (plus where the object starts)."""

    api_version: str
    kind: str
    name: str
    namespace: str
    line: int | None = None


@dataclass(frozen=True)
class FileScan:
    """What one file yielded; `error` is set when Pluto would drop (detect-files) or fail on it."""

    path: str
    stubs: tuple[Stub, ...]
    error: str | None = None


@dataclass(frozen=True)
class ApiUsage:
    """One object using a listed API: Pluto's `Output`."""

    stub: Stub
    api: DeprecatedApi
    file_path: str | None
    deprecated: bool
    removed: bool
    replacement_available: bool

    @property
    def kind(self) -> str:
        """Pluto fills the entry's empty kind (whole-API entries) from the object."""
        return self.api.kind or self.stub.kind


class _TypeMismatch(Exception):
    """A document that does not decode into Pluto's stub struct (skipped, like yaml.TypeError)."""


# --- JSON (Go encoding/json into the stub struct) -------------------------------------------


def _json_field(obj: Mapping[str, Any], name: str) -> Any:
    """Go matches field names case-insensitively; with several spellings the last one wins."""
    found: Any = None
    lowered = name.lower()
    for key, value in obj.items():
        if key.lower() == lowered:
            found = value
    return found


def _json_str(obj: Mapping[str, Any], name: str) -> str:
    value = _json_field(obj, name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _TypeMismatch(name)
    return value


def _json_stub(obj: Mapping[str, Any]) -> tuple[Stub, list[dict[str, Any]]]:
    meta = _json_field(obj, "metadata")
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise _TypeMismatch("metadata")
    items = _json_field(obj, "items")
    if items is None:
        items = []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise _TypeMismatch("items")
    stub = Stub(
        _json_str(obj, "apiVersion"),
        _json_str(obj, "kind"),
        _json_str(meta, "name"),
        _json_str(meta, "namespace"),
    )
    return stub, items


def _json_stubs(obj: Mapping[str, Any]) -> list[Stub]:
    stub, items = _json_stub(obj)
    if not items:
        return [stub]
    # One level only: an item's own `items` are decoded (type-checked) but not expanded.
    return [_json_stub(item)[0] for item in items]


def _try_json(text: str) -> list[Stub] | None:
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    try:
        return _json_stubs(doc)
    except _TypeMismatch:
        return None


# --- YAML (gopkg.in/yaml.v3 Decoder into the stub struct) -------------------------------------


def _mapping_pairs(node: MappingNode) -> list[tuple[str, Node]]:
    """Key/value pairs with `<<` merges applied (explicit keys win); duplicate keys are errors."""
    pairs: list[tuple[str, Node]] = []
    merged: list[tuple[str, Node]] = []
    seen: set[str] = set()
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if key == "<<" and str(key_node.tag) == "tag:yaml.org,2002:merge":
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if isinstance(source, MappingNode):
                    merged.extend(_mapping_pairs(source))
            continue
        if key is None:
            continue
        if key in seen:
            raise _TypeMismatch(f"mapping key {key!r} already defined")
        seen.add(key)
        pairs.append((key, value_node))
    pairs.extend((k, v) for k, v in merged if k not in seen)
    return pairs


def _node_str(node: Node | None) -> str:
    if node is None:
        return ""
    text = goscalars.scalar_text(node)
    if text is None:
        raise _TypeMismatch("expected a scalar")
    return text


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and _node_str(node) == "" and node.style is None


def _yaml_stub(node: Node) -> tuple[Stub, list[Node]]:
    if not isinstance(node, MappingNode):
        raise _TypeMismatch("document is not a mapping")
    fields = dict(_mapping_pairs(node))
    meta_node = fields.get("metadata")
    meta: dict[str, Node] = {}
    if meta_node is not None and not _is_null(meta_node):
        if not isinstance(meta_node, MappingNode):
            raise _TypeMismatch("metadata is not a mapping")
        meta = dict(_mapping_pairs(meta_node))
    items_node = fields.get("items")
    items: list[Node] = []
    if items_node is not None and not _is_null(items_node):
        if not isinstance(items_node, SequenceNode):
            raise _TypeMismatch("items is not a list")
        items = list(items_node.value)
    stub = Stub(
        _node_str(fields.get("apiVersion")),
        _node_str(fields.get("kind")),
        _node_str(meta.get("name")),
        _node_str(meta.get("namespace")),
        node.start_mark.line + 1,
    )
    return stub, items


def _yaml_stubs(node: Node) -> list[Stub]:
    stub, items = _yaml_stub(node)
    if not items:
        return [stub]
    return [_yaml_stub(item)[0] for item in items]


def parse_manifest_text(
    text: str, *, path: str = "-", composed: godocs.Composed | None = None
) -> FileScan:
    """Pluto's per-file parse: a whole-file JSON object first, else YAML documents.

    `composed` (from `godocs.compose_documents(text)`) saves composing the text again when
    another reading of the same file needs the node trees too; they are only read here.
    """
    from_json = _try_json(text)
    if from_json is not None:
        return FileScan(path, tuple(from_json))
    if composed is None:
        composed = godocs.compose_documents(text)
    if composed.error is not None:
        return FileScan(path, (), f"invalid YAML: {composed.error}")
    stubs: list[Stub] = []
    type_errors: list[str] = []
    for node in composed.nodes:
        if node is None:
            stubs.append(Stub("", "", "", ""))
            continue
        try:
            stubs.extend(_yaml_stubs(node))
        except _TypeMismatch as exc:
            type_errors.append(f"line {node.start_mark.line + 1}: {exc}")
    if type_errors and not stubs:
        return FileScan(path, (), "no Kubernetes object could be read: " + "; ".join(type_errors))
    return FileScan(path, tuple(stubs))


def scan_file(path: Path) -> FileScan:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return unreadable(path, exc)
    return parse_manifest_text(decode(data), path=str(path))


def decode(data: bytes) -> str:
    """A file's text as Pluto reads it (invalid UTF-8 replaced, line ends kept)."""
    return data.decode("utf-8", errors="replace")


def unreadable(path: Path, exc: OSError) -> FileScan:
    """The scan of a file that could not be read."""
    return FileScan(str(path), (), f"cannot read file: {exc.strerror or exc}")


def walk_files(directory: Path) -> list[Path]:
    """Every regular file below `directory` in Go `filepath.Walk` order (lexical, depth-first)."""
    found: list[Path] = []

    def visit(folder: Path) -> None:
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_symlink():
                    continue
                if entry.is_dir():
                    visit(Path(entry.path))
                elif entry.is_file():
                    found.append(Path(entry.path))

    visit(directory)
    return found


# --- matching, flags, filter, exit code -------------------------------------------------------


def find_usages(
    scans: Iterable[FileScan],
    targets: Mapping[str, str],
    data: DeprecationData = DEFAULT_DATA,
    *,
    with_file_path: bool = True,
) -> list[ApiUsage]:
    """Every object whose (apiVersion, kind) is listed, with Pluto's three flags."""
    usages: list[ApiUsage] = []
    for scan in scans:
        for stub in scan.stubs:
            entry = data.find(stub.api_version, stub.kind)
            if entry is None:
                continue
            target = targets.get(entry.component, "")
            usages.append(
                ApiUsage(
                    stub=stub,
                    api=entry,
                    file_path=scan.path if with_file_path else None,
                    deprecated=goversion.reached(target, entry.deprecated_in),
                    removed=goversion.reached(target, entry.removed_in),
                    replacement_available=goversion.reached(target, entry.replacement_available_in),
                )
            )
    return usages


def filter_usages(
    usages: Iterable[ApiUsage],
    *,
    components: Sequence[str] | None = None,
    only_show_removed: bool = False,
) -> list[ApiUsage]:
    """Pluto's output filter (which also decides the exit code)."""
    kept: list[ApiUsage] = []
    for usage in usages:
        if components is not None and usage.api.component not in components:
            continue
        if only_show_removed and not usage.removed:
            continue
        if not (usage.deprecated or usage.removed):
            continue
        kept.append(usage)
    return kept


def return_code(
    usages: Sequence[ApiUsage],
    *,
    ignore_deprecations: bool = False,
    ignore_removals: bool = False,
    ignore_unavailable_replacements: bool = False,
) -> int:
    """Pluto's `GetReturnCode` on filtered usages: 4 overrides 3 overrides 2."""
    deprecations = sum(
        1
        for u in usages
        if u.deprecated and (u.replacement_available or not ignore_unavailable_replacements)
    )
    removals = sum(1 for u in usages if u.removed)
    unavailable = sum(1 for u in usages if not u.replacement_available)
    rc = 0
    if deprecations and not ignore_deprecations:
        rc = 2
    if removals and not ignore_removals:
        rc = 3
    if unavailable and not ignore_unavailable_replacements:
        rc = 4
    return rc


def pluto_json(usages: Sequence[ApiUsage], targets: Mapping[str, str]) -> str:
    """`-o json`: one line in Go field order, `items` omitted when empty, map keys sorted."""
    doc: dict[str, Any] = {}
    items = []
    for u in usages:
        item: dict[str, Any] = {}
        if u.stub.name:
            item["name"] = u.stub.name
        if u.file_path:
            item["filePath"] = u.file_path
        if u.stub.namespace:
            item["namespace"] = u.stub.namespace
        item["api"] = {
            "version": u.api.api_version,
            "kind": u.kind,
            "deprecated-in": u.api.deprecated_in,
            "removed-in": u.api.removed_in,
            "replacement-api": u.api.replacement_api,
            "replacement-available-in": u.api.replacement_available_in,
            "component": u.api.component,
        }
        item["deprecated"] = u.deprecated
        item["removed"] = u.removed
        item["replacementAvailable"] = u.replacement_available
        items.append(item)
    if items:
        doc["items"] = items
    doc["target-versions"] = dict(sorted(targets.items()))
    return _go_json(doc) + "\n"


def _go_json(value: Any) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    # encoding/json escapes HTML-significant characters.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class Detection:
    """`pluto detect-files` in one value: what it prints, its exit code, and dropped files."""

    usages: tuple[ApiUsage, ...]
    return_code: int
    targets: Mapping[str, str]
    dropped: tuple[FileScan, ...]


def detect(
    scans: Sequence[FileScan],
    *,
    targets: Mapping[str, str],
    data: DeprecationData = DEFAULT_DATA,
    components: Sequence[str] | None = None,
    only_show_removed: bool = False,
    ignore_deprecations: bool = False,
    ignore_removals: bool = False,
    ignore_unavailable_replacements: bool = False,
) -> Detection:
    usages = filter_usages(
        find_usages(scans, targets, data),
        components=components,
        only_show_removed=only_show_removed,
    )
    rc = return_code(
        usages,
        ignore_deprecations=ignore_deprecations,
        ignore_removals=ignore_removals,
        ignore_unavailable_replacements=ignore_unavailable_replacements,
    )
    return Detection(tuple(usages), rc, targets, tuple(s for s in scans if s.error))
