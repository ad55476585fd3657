"""Secret values as the sources of a root hold them, to mask a renderer's error output.

Rendered Secrets are fingerprinted before anything is shown (`diff.secrets`), but a root that
fails to render has no rendered output, and the renderers quote their input in errors:
kustomize echoes a `secretGenerator` literal without `=` (`invalid literal source HUNTER2`), and
an env-file line without `=` becomes a key. So the values are also collected from the sources a
root reads: Secret manifests, and `secretGenerator` literals, files and env files.

Only regular files inside the checkout are read (never a link).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gitops_release.diff.resources import parse_manifests
from gitops_release.diff.secrets import secret_values, variants
from gitops_release.errors import GitopsReleaseError
from gitops_release.render.graph import join
from gitops_release.render.kustomization import KUSTOMIZATION_NAMES
from gitops_release.yamlio import nodes as yamlnodes

_MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
_MIN_LENGTH = 4  # shorter values would mask ordinary words of a message
_MAX_BYTES = 1 << 20


def source_secrets(checkout: Path, paths: Iterable[str]) -> frozenset[str]:
    """Every secret value held by the files `paths` (repository paths below `checkout`)."""
    found: set[str] = set()
    for path in paths:
        name = posixpath.basename(path)
        if name in KUSTOMIZATION_NAMES:
            text = _read(checkout, path)
            if text and "secretGenerator" in text:
                found |= _generator_values(checkout, posixpath.dirname(path), text)
        elif path.endswith(_MANIFEST_SUFFIXES):
            text = _read(checkout, path)
            if text and "Secret" in text:
                found |= _manifest_values(text, path)
    return frozenset(v for v in found if len(v) >= _MIN_LENGTH)


def _read(checkout: Path, path: str) -> str | None:
    data = _read_bytes(checkout, path)
    return None if data is None else data.decode("utf-8", errors="replace")


def _read_bytes(checkout: Path, path: str) -> bytes | None:
    full = checkout / path
    try:
        if full.is_symlink() or not full.is_file() or full.stat().st_size > _MAX_BYTES:
            return None
        return full.read_bytes()
    except OSError:
        return None


def _manifest_values(text: str, source: str) -> set[str]:
    try:
        return set(secret_values(parse_manifests(text, source=source)))
    except GitopsReleaseError:
        return set()


def _generator_values(checkout: Path, directory: str, text: str) -> set[str]:
    try:
        docs = yamlnodes.compose_all(text, source="kustomization", error=GitopsReleaseError)
    except GitopsReleaseError:
        return set()
    data = yamlnodes.to_python(docs[0]) if docs else None
    generators = data.get("secretGenerator") if isinstance(data, dict) else None
    found: set[str] = set()
    for generator in generators if isinstance(generators, list) else ():
        if not isinstance(generator, dict):
            continue
        for literal in _strings(generator.get("literals")):
            found |= _variants(literal)
            found |= _variants(literal.partition("=")[2])
        for entry in _strings(generator.get("files")):
            content = _sibling(checkout, directory, entry.rpartition("=")[2]) or b""
            found |= _variants(content.decode("utf-8", errors="replace"))
            found |= _byte_lists(content)
        for entry in (*_strings(generator.get("envs")), *_strings([generator.get("env")])):
            found |= _env_values(_sibling(checkout, directory, entry) or b"")
    return found


def _strings(value: Any) -> Iterator[str]:
    for item in value if isinstance(value, list) else ():
        if isinstance(item, str | int | float) and not isinstance(item, bool):
            yield str(item)


def _sibling(checkout: Path, directory: str, entry: str) -> bytes | None:
    path = join(directory, entry)
    return _read_bytes(checkout, path) if path else None


def _env_values(data: bytes) -> set[str]:
    found: set[str] = set()
    for raw in data.splitlines():
        line = raw.strip()
        if not line or line.startswith(b"#"):
            continue
        value = line.partition(b"=")[2]
        for part in (line, value):  # a line without `=` becomes a key: the whole line
            found |= _variants(part.decode("utf-8", errors="replace"))
            found |= _byte_lists(part)
    return found


def _byte_lists(data: bytes) -> set[str]:
    """Go's `%v` of a byte slice (`[72 85 78 …]`), as kustomize quotes a line it cannot read."""
    lines = [line.strip() for line in data.splitlines()] or [data]
    return {" ".join(str(b) for b in line) for line in {data.strip(), *lines} if line}


def _variants(value: str) -> set[str]:
    value = value.strip()
    return variants(value, encoded=False) if value else set()
