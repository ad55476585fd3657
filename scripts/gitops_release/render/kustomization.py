"""What a kustomization file refers to: the raw references that make up its dependencies.

Pure: text in, references out (paths as written, relative to the kustomization's directory).
Resolving them against a repository snapshot is `render.graph`'s job.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gitops_release.errors import GitopsReleaseError
from gitops_release.yamlio import nodes as yamlnodes

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
DEFAULT_CHART_HOME = "charts"

# Fields whose entries may name a directory holding another kustomization.
_INCLUDE_FIELDS = ("resources", "bases", "components", "generators", "transformers", "validators")
# Fields that list files by name.
_FILE_LIST_FIELDS = ("crds", "configurations", "patchesStrategicMerge")
# Fields holding a list of mappings with a `path:` key.
_PATH_ITEM_FIELDS = ("patches", "patchesJson6902", "replacements")
_GENERATOR_FIELDS = ("configMapGenerator", "secretGenerator")
# Fields whose effect crosses kustomization boundaries or needs extra build flags.
FEATURE_FIELDS = ("helmCharts", "helmChartInflationGenerator", "vars", "buildMetadata")


@dataclass(frozen=True)
class HelmChartRef:
    name: str
    repo: str | None
    values_files: tuple[str, ...]


@dataclass(frozen=True)
class KustomizationRefs:
    """The references of one kustomization file, as written."""

    includes: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    helm_charts: tuple[HelmChartRef, ...] = ()
    chart_home: str = DEFAULT_CHART_HOME
    namespace: str | None = None
    features: frozenset[str] = frozenset()
    component: bool = False  # `kind: Component`: only renders as part of a kustomization
    error: str | None = None


def parse_kustomization(text: str, *, source: str) -> KustomizationRefs:
    """Read the references of a kustomization; a malformed file yields `error` (no raise)."""
    try:
        docs = yamlnodes.compose_all(text, source=source, error=GitopsReleaseError)
    except GitopsReleaseError as exc:
        return KustomizationRefs(error=exc.message)
    data = yamlnodes.to_python(docs[0]) if docs else {}
    if not isinstance(data, dict):
        return KustomizationRefs(error=f"{source}: a kustomization must be a mapping")
    charts = tuple(_helm_charts(data.get("helmCharts")))
    helm_globals = data.get("helmGlobals")
    chart_home = DEFAULT_CHART_HOME
    if isinstance(helm_globals, dict) and isinstance(helm_globals.get("chartHome"), str):
        chart_home = helm_globals["chartHome"]
    namespace = data.get("namespace")
    return KustomizationRefs(
        includes=tuple(_includes(data)),
        files=tuple(_files(data)) + tuple(v for c in charts for v in c.values_files),
        helm_charts=charts,
        chart_home=chart_home,
        namespace=namespace if isinstance(namespace, str) and namespace else None,
        features=frozenset(f for f in FEATURE_FIELDS if data.get(f)),
        component=data.get("kind") == "Component",
    )


def is_inline(entry: str) -> bool:
    """Patches, generators and transformers may be written inline instead of naming a file."""
    stripped = entry.strip()
    return "\n" in entry or stripped.startswith(("{", "[")) or ": " in stripped


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        yield from (v for v in value if isinstance(v, str))


def _includes(data: dict[str, Any]) -> Iterator[str]:
    for name in _INCLUDE_FIELDS:
        yield from (e for e in _strings(data.get(name)) if not is_inline(e))


def _files(data: dict[str, Any]) -> Iterator[str]:
    for name in _FILE_LIST_FIELDS:
        yield from (e for e in _strings(data.get(name)) if not is_inline(e))
    for name in _PATH_ITEM_FIELDS:
        for item in data.get(name) or ():
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                yield item["path"]
    for name in _GENERATOR_FIELDS:
        for item in data.get(name) or ():
            if isinstance(item, dict):
                yield from _generator_files(item)
    openapi = data.get("openapi")
    if isinstance(openapi, dict) and isinstance(openapi.get("path"), str):
        yield openapi["path"]


def _generator_files(item: dict[str, Any]) -> Iterator[str]:
    for entry in _strings(item.get("files")):
        # `files:` entries are `[key=]path`.
        yield entry.split("=", 1)[1] if "=" in entry else entry
    yield from _strings(item.get("envs"))
    yield from _strings(item.get("env"))


def _helm_charts(value: Any) -> Iterator[HelmChartRef]:
    for item in value if isinstance(value, list) else ():
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        values = [*_strings(item.get("valuesFile")), *_strings(item.get("additionalValuesFiles"))]
        repo = item.get("repo")
        yield HelmChartRef(
            name=item["name"],
            repo=repo if isinstance(repo, str) and repo else None,
            values_files=tuple(values),
        )
