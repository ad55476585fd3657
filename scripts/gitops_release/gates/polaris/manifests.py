"""Loading manifests into the resources a Polaris audit sees.

Two modes share the per-object rules (typed Pods, pod-spec discovery, the group/Kind index):

* `polaris_compatible=True` reproduces `polaris audit --audit-path`: only `.yaml`/`.yml` files,
  each split on lines of dashes, one document per chunk, the rest of a file skipped after the
  first bad chunk, `kind: List` not expanded. The binary adapter uses it to predict what Polaris
  will see, and the conformance tests use it.
* the gate mode (default) reads `.json` too, parses files as proper YAML streams, and reports
  every object it cannot read as an error instead of skipping it; like Polaris it takes the last
  value of a repeated key and does not expand `kind: List` (a warning says so).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from gitops_release.gates.model import Problem, ResourceRef
from gitops_release.gates.polaris import kubetypes
from gitops_release.yamlio import godocs
from gitops_release.yamlio.podspec import POD_SPEC_KEYS

_CHUNK_SPLIT = re.compile(r"[\r\n]-+[\r\n]")
POLARIS_EXTENSIONS = (".yaml", ".yml")
GATE_EXTENSIONS = (".yaml", ".yml", ".json")
_POD_KEYS = POD_SPEC_KEYS  # jobTemplate, spec, template: the order Polaris tries them in


class ObjectError(ValueError):
    """An object Polaris could not load (its decoder fails or its code would panic)."""


@dataclass
class Resource:
    kind: str
    api_version: str
    name: str
    namespace: str
    obj: dict[str, Any]
    pod_spec: dict[str, Any] | None = None
    pod_template: dict[str, Any] | None = None
    file: str | None = None
    line: int | None = None

    @property
    def group_kind(self) -> str:
        """Polaris's index key: `<group>/<Kind>`, or `<Kind>` for the core group."""
        group = self.api_version.rpartition("/")[0] if "/" in self.api_version else ""
        return f"{group}/{self.kind}" if group else self.kind

    @property
    def is_controller(self) -> bool:
        return self.pod_spec is not None

    @property
    def ref(self) -> ResourceRef:
        return ResourceRef(self.api_version, self.kind, self.namespace, self.name)


@dataclass
class LoadedManifests:
    resources: list[Resource] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    _index: dict[str, list[Resource]] | None = field(default=None, repr=False)

    def by_group_kind(self, key: str) -> list[Resource]:
        if self._index is None:
            index: dict[str, list[Resource]] = {}
            for resource in self.resources:
                index.setdefault(resource.group_kind, []).append(resource)
            self._index = index
        return self._index.get(key, [])

    @property
    def audited(self) -> list[Resource]:
        """Resources that get an entry in the results (named, with a kind)."""
        return [r for r in self.resources if r.kind and r.name]

    def cluster_info(self) -> dict[str, Any]:
        return {
            "Version": "unknown",
            "Nodes": 0,
            "Pods": sum(1 for r in self.resources if r.kind == "Pod"),
            "Namespaces": sum(1 for r in self.resources if r.kind == "Namespace"),
            "Controllers": sum(1 for r in self.resources if r.is_controller),
        }


def _string_at(obj: Mapping[str, Any], *path: str) -> str:
    value: Any = obj
    for key in path:
        if not isinstance(value, Mapping):
            return ""
        value = value.get(key)
    return value if isinstance(value, str) else ""


def _find_pod_map(obj: Mapping[str, Any], *, template: bool, where: str) -> dict[str, Any] | None:
    """Polaris's discovery walk through `jobTemplate`, `spec` and `template`."""
    for key in _POD_KEYS:
        if key in obj:
            child = obj[key]
            if not isinstance(child, Mapping):
                # Polaris's unchecked type assertion panics here (exit 2).
                raise ObjectError(f"{where}.{key} is {child!r}, not a mapping")
            found = _find_pod_map(child, template=template, where=f"{where}.{key}")
            if found is not None:
                return found
    if template:
        spec = obj.get("spec")
        if isinstance(spec, Mapping) and "containers" in spec:
            return dict(obj)
    elif "containers" in obj:
        return dict(obj)
    return None


def _timestamp_set(value: Any) -> bool:
    if not isinstance(value, str) or not value:
        return False
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return False
    return parsed.year > 1


def build_resource(
    doc: Mapping[str, Any],
    *,
    pod_doc: Mapping[str, Any] | None = None,
    file: str | None = None,
    line: int | None = None,
) -> Resource:
    """One loaded object; `pod_doc` is the YAML-1.1 reading Polaris uses for Pods."""
    kind = doc.get("kind")
    if kind is not None and not isinstance(kind, str):
        raise ObjectError(f"kind must be a string, got {kind!r}")
    kind = kind or ""
    api_version = _string_at(doc, "apiVersion")
    try:
        if kind == "Pod":
            pod = kubetypes.typed_pod(pod_doc if pod_doc is not None else doc)
            spec = pod.get("spec")
            return Resource(
                kind,
                api_version,
                _string_at(pod, "metadata", "name"),
                _string_at(pod, "metadata", "namespace"),
                pod,
                pod_spec=spec if isinstance(spec, dict) else {},
                pod_template=pod,
                file=file,
                line=line,
            )
        obj = dict(doc)
        meta = obj.get("metadata")
        if not (isinstance(meta, Mapping) and _timestamp_set(meta.get("creationTimestamp"))):
            if isinstance(meta, Mapping) and "creationTimestamp" in meta:
                obj["metadata"] = {k: v for k, v in meta.items() if k != "creationTimestamp"}
            obj.pop("status", None)
        spec_map = _find_pod_map(obj, template=False, where=kind or "object")
        pod_spec = pod_template = None
        if spec_map is not None:
            pod_spec = kubetypes.typed_pod_spec(spec_map)
            template = _find_pod_map(obj, template=True, where=kind or "object")
            pod_template = kubetypes.json_round_trip(template) if template is not None else None
    except kubetypes.TypedDecodeError as exc:
        raise ObjectError(f"cannot decode the pod spec: {exc}") from None
    return Resource(
        kind,
        api_version,
        _string_at(obj, "metadata", "name"),
        _string_at(obj, "metadata", "namespace"),
        obj,
        pod_spec=pod_spec,
        pod_template=pod_template,
        file=file,
        line=line,
    )


def iter_files(
    paths: Iterable[Path], extensions: Sequence[str], *, any_named_file: bool = False
) -> Iterator[Path]:
    """Files under `paths` (lexical order, like filepath.Walk) with one of `extensions`;
    with `any_named_file`, files given directly are taken whatever their extension."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith(tuple(extensions)):
                        yield Path(root) / name
        elif path.is_file() and (any_named_file or path.name.endswith(tuple(extensions))):
            yield path


def _chunks(text: str) -> Iterator[tuple[str, int]]:
    """Polaris's split on lines of dashes, with each chunk's first line number."""
    pos = 0
    for m in _CHUNK_SPLIT.finditer(text):
        yield text[pos : m.start()], text.count("\n", 0, pos) + 1
        pos = m.end()
    yield text[pos:], text.count("\n", 0, pos) + 1


def _load_polaris_file(path: str, text: str, out: LoadedManifests) -> None:
    for chunk, line in _chunks(text):
        if not chunk.strip():
            continue
        try:
            docs = godocs.load_all(chunk, "v3", line_offset=line - 1)
            doc = docs[0] if docs else None
            if doc is None:
                continue
            if not isinstance(doc, Mapping):
                raise ObjectError("the document is not a mapping")  # noqa: TRY301 - same handling
            pod_doc = None
            if doc.get("kind") == "Pod":
                pod_doc = godocs.load_one(chunk, "v2")
            out.resources.append(build_resource(doc, pod_doc=pod_doc, file=path, line=line))
        except (godocs.YamlSyntaxError, ObjectError) as exc:
            out.warnings.append(
                Problem(
                    f"polaris skips the rest of this file: cannot add resource: {exc}", path, line
                )
            )
            return


def _is_list(doc: Any) -> bool:
    return (
        isinstance(doc, Mapping)
        and str(doc.get("kind", "")).endswith("List")
        and isinstance(doc.get("items"), list)
        and bool(doc["items"])
    )


def load_gate_text(
    path: str, text: str, out: LoadedManifests, composed: godocs.Composed | None = None
) -> None:
    """Add one file's objects (gate mode) to `out`; `composed` is `text` already composed."""
    # As Polaris reads them: a repeated key takes its last value (yaml.v2, non-strict), and a
    # `kind: List` is not expanded (its items are not audited; the deprecated-API gate, like
    # Pluto, still checks them).
    read, error = godocs.read_documents(text, composed, duplicates="last")
    docs: list[tuple[Any, int]] = []
    for doc, line in read:
        if _is_list(doc):
            count = len(doc["items"])
            out.warnings.append(
                Problem(
                    f"kind: {doc.get('kind')} is not expanded by Polaris: its {count} item(s) "
                    "are not audited by the policy gate",
                    path,
                    line,
                )
            )
            continue
        docs.append((doc, line))
    if error is not None:
        out.errors.append(Problem(f"cannot parse YAML: {error.message}", path, error.line))
    for doc, line in docs:
        if doc is None:
            continue
        if not isinstance(doc, Mapping):
            out.errors.append(Problem("not a Kubernetes object (not a mapping)", path, line))
            continue
        try:
            # Pods are read with the same YAML rules as everything else here (Polaris reads
            # them as YAML 1.1; a `yes` meant as a boolean is reported instead of accepted).
            resource = build_resource(doc, file=path, line=line)
        except ObjectError as exc:
            out.errors.append(Problem(f"cannot audit this object: {exc}", path, line))
            continue
        if resource.kind and not resource.name:
            out.warnings.append(
                Problem(f"{resource.kind} without metadata.name is not audited", path, line)
            )
        out.resources.append(resource)


def load_texts(
    files: Iterable[tuple[str, str]], *, polaris_compatible: bool = False
) -> LoadedManifests:
    """Load (path, text) pairs."""
    out = LoadedManifests()
    for path, text in files:
        if polaris_compatible:
            _load_polaris_file(path, text, out)
        else:
            load_gate_text(path, text, out)
    return out


def load_paths(paths: Iterable[Path], *, polaris_compatible: bool = False) -> LoadedManifests:
    """Load every manifest file under `paths` (files are read as UTF-8)."""
    extensions = POLARIS_EXTENSIONS if polaris_compatible else GATE_EXTENSIONS
    out_files: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for path in iter_files(paths, extensions, any_named_file=not polaris_compatible):
        try:
            out_files.append((str(path), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(f"cannot read file: {exc}", str(path)))
    loaded = load_texts(out_files, polaris_compatible=polaris_compatible)
    loaded.errors[:0] = problems
    return loaded
