"""What a chart's own files say about it: its `dependencies:` (Chart.yaml, and requirements.yaml
for apiVersion v1 charts). Pure: text in, values out; discovery reads it from git objects, the
chart preparer from disk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gitops_release.errors import GitopsReleaseError, RenderError
from gitops_release.yamlio import nodes as yamlnodes

CHART_FILE = "Chart.yaml"
DEPENDENCY_FILES = (CHART_FILE, "requirements.yaml")


@dataclass(frozen=True)
class Dependency:
    name: str
    version: str
    repository: str

    def describe(self) -> str:
        where = f" from {self.repository}" if self.repository else ""
        return f"{self.name} {self.version}".rstrip() + where


def dependencies(text: str, *, source: str) -> tuple[Dependency, ...]:
    """The named `dependencies:` of a Chart.yaml or requirements.yaml text; `RenderError` when
    it is not YAML."""
    try:
        docs = yamlnodes.compose_all(text, source=source, error=GitopsReleaseError)
    except GitopsReleaseError as exc:
        raise RenderError(exc.message) from None
    data = yamlnodes.to_python(docs[0]) if docs else None
    raw = data.get("dependencies") if isinstance(data, dict) else None
    return tuple(_dependency(d) for d in raw or () if isinstance(d, dict) and d.get("name"))


def _dependency(data: dict[str, Any]) -> Dependency:
    return Dependency(
        name=str(data["name"]),
        version=str(data.get("version") or ""),
        repository=str(data.get("repository") or ""),
    )
