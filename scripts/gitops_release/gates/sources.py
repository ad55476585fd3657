"""Reading rendered manifest files once for both built-in gates.

The deprecated-API gate reads a file as Pluto does (invalid UTF-8 replaced, JSON first, then the
YAML node trees) and the Polaris gate as Polaris's loader does (strict UTF-8, universal newlines,
YAML documents with Go's scalar rules). Both readings start from the same bytes and, whenever
the two texts agree (always, for UTF-8 files without carriage returns), from the same node
trees, composed once: the node trees are read, never changed, by either reading.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gitops_release.gates import deprecated_api
from gitops_release.gates.model import Problem
from gitops_release.gates.polaris import manifests
from gitops_release.yamlio import godocs


@dataclass(frozen=True)
class ManifestSources:
    """What each gate read from the same files: Pluto's scans and Polaris's loaded objects."""

    scans: list[deprecated_api.FileScan]
    loaded: manifests.LoadedManifests


def _polaris_text(path: Path, data: bytes) -> str:
    """`path.read_text(encoding="utf-8")` from bytes already read (raises the same errors)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return path.read_text(encoding="utf-8")  # the error exactly as the loader reports it
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_sources(files: Sequence[Path]) -> ManifestSources:
    """Both gates' readings of `files` (as `deprecated_api.scan_file` on each file and
    `manifests.load_paths(files)` give them), reading and composing each file once."""
    scans: list[deprecated_api.FileScan] = []
    loaded = manifests.LoadedManifests()
    problems: list[Problem] = []
    for path in files:
        name = str(path)
        audited = path.is_file()  # what the Polaris loader takes from a list of files
        try:
            data = path.read_bytes()
        except OSError as exc:
            scans.append(deprecated_api.unreadable(path, exc))
            if audited:
                problems.append(Problem(f"cannot read file: {exc}", name))
            continue
        pluto_text = deprecated_api.decode(data)
        polaris_text: str | None = None
        if audited:
            try:
                polaris_text = _polaris_text(path, data)
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(Problem(f"cannot read file: {exc}", name))
        composed = godocs.compose_documents(pluto_text)
        scans.append(deprecated_api.parse_manifest_text(pluto_text, path=name, composed=composed))
        if polaris_text is not None:
            same = polaris_text == pluto_text
            manifests.load_gate_text(name, polaris_text, loaded, composed if same else None)
    loaded.errors[:0] = problems
    return ManifestSources(scans, loaded)
