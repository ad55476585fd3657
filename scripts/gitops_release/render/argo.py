"""Argo CD Application and ApplicationSet manifests: which paths of this repository they deploy
and how (Helm value files and parameters, kustomize image overrides, destination namespace).

Pure: manifest text in, sources out. A source counts when its `path` is a directory of this
repository, or when it names a chart of a chart repository (`chart:` + `repoURL` +
`targetRevision`, its values possibly in this repository through a `ref:` source); sources with
templated paths (ApplicationSet `{{...}}`) are not rendered here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gitops_release.errors import GitopsReleaseError
from gitops_release.render.graph import join
from gitops_release.render.model import ChartRef, HelmParameter, JsonnetOptions
from gitops_release.yamlio import nodes as yamlnodes

ARGO_MARKER = "argoproj.io"
_KINDS = ("Application", "ApplicationSet")


@dataclass(frozen=True)
class HelmSpec:
    value_files: tuple[str, ...]  # repo-relative
    values: str | None
    chart_value_files: tuple[str, ...]  # inside a remote chart's package
    parameters: tuple[HelmParameter, ...]
    release_name: str | None
    ignore_missing_value_files: bool
    skip_crds: bool


@dataclass(frozen=True)
class AppSource:
    """One in-repository source of an Application (or of an ApplicationSet's template)."""

    app: str
    app_namespace: str | None
    kind: str
    file: str
    index: int | None  # position in `spec.sources`, None for `spec.source`
    path: str  # repo-relative directory ("" = repository root)
    helm: HelmSpec | None
    kustomize_images: tuple[str, ...]
    recurse: bool
    destination_namespace: str | None
    include: str | None = None
    exclude: str | None = None
    jsonnet: JsonnetOptions | None = None
    problems: tuple[str, ...] = ()
    manifest: str = ""  # the Application (or ApplicationSet) itself, as JSON: part of its diff
    chart: ChartRef | None = None  # a remote chart: then `path` is "" and means nothing


def might_hold_apps(text: str) -> bool:
    """A cheap test before parsing: Argo CD manifests must name their API group."""
    return ARGO_MARKER in text


def parse_apps(text: str, *, source: str) -> tuple[AppSource, ...]:
    """Every in-repository source of the Applications/ApplicationSets in one file."""
    try:
        docs = yamlnodes.compose_all(text, source=source, error=GitopsReleaseError)
    except GitopsReleaseError:
        return ()  # not ours to judge; kustomize or Argo CD will report it
    found: list[AppSource] = []
    for node in docs:
        data = yamlnodes.to_python(node)
        for item in _items(data):
            found.extend(_sources(item, source))
    return tuple(found)


def _items(data: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(data, dict):
        return
    if isinstance(data.get("items"), list) and str(data.get("kind", "")).endswith("List"):
        for item in data["items"]:
            yield from _items(item)
        return
    api = str(data.get("apiVersion", ""))
    if api.startswith(ARGO_MARKER + "/") and data.get("kind") in _KINDS:
        yield data


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _sources(app: dict[str, Any], file: str) -> Iterator[AppSource]:
    meta = _mapping(app.get("metadata"))
    name = str(meta.get("name") or "")
    spec = _mapping(app.get("spec"))
    if app.get("kind") == "ApplicationSet":
        spec = _mapping(_mapping(spec.get("template")).get("spec"))
    if not name or "{{" in name:
        return
    dest_ns = _mapping(spec.get("destination")).get("namespace")
    sources: list[tuple[int | None, dict[str, Any]]] = []
    if isinstance(spec.get("source"), dict):
        sources.append((None, spec["source"]))
    if isinstance(spec.get("sources"), list):
        sources.extend((i, s) for i, s in enumerate(spec["sources"]) if isinstance(s, dict))
    refs = {str(s["ref"]) for _, s in sources if isinstance(s.get("ref"), str)}
    for index, src in sources:
        chart = _remote_chart(src)
        raw_path = src.get("path")
        if chart is not None:
            path: str | None = ""
        elif not isinstance(raw_path, str) or "{{" in raw_path or src.get("chart"):
            continue
        else:
            path = join("", raw_path)
        if path is None:
            continue
        helm = src["helm"] if isinstance(src.get("helm"), dict) else None
        plugin = _plugin_problem(src.get("plugin"))
        spec_helm, problems = (
            _helm(helm, path, refs, remote=chart is not None) if helm is not None else (None, ())
        )
        yield AppSource(
            app=name,
            app_namespace=_str(meta.get("namespace")),
            kind=str(app.get("kind")),
            file=file,
            index=index,
            path=path,
            helm=spec_helm,
            kustomize_images=_images(src.get("kustomize")),
            recurse=_recurse(src.get("directory")),
            include=_str(_mapping(src.get("directory")).get("include")),
            exclude=_str(_mapping(src.get("directory")).get("exclude")),
            jsonnet=_jsonnet(_mapping(src.get("directory")).get("jsonnet")),
            destination_namespace=_str(dest_ns),
            problems=(*problems, *plugin),
            manifest=json.dumps(app, sort_keys=True, default=str),
            chart=chart,
        )


def _plugin_problem(plugin: Any) -> tuple[str, ...]:
    if plugin is None:
        return ()
    name = _mapping(plugin).get("name")
    which = f" ({name})" if isinstance(name, str) and name else ""
    message = (
        f"not rendered: the source uses a Config Management Plugin{which}, a program of the "
        "Argo CD repo server that cannot be run here"
    )
    return (message,)


def _remote_chart(src: dict[str, Any]) -> ChartRef | None:
    chart, repo = src.get("chart"), src.get("repoURL")
    if not isinstance(chart, str) or not isinstance(repo, str) or not chart or not repo:
        return None
    version = src.get("targetRevision")
    version = str(version) if version is not None else ""
    if "{{" in chart + repo + version:
        return None
    if "://" not in repo:  # Argo CD writes OCI registries without a scheme
        repo = f"oci://{repo}"
    return ChartRef(repo, chart, "" if version in ("HEAD", "*") else version)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _images(kustomize: Any) -> tuple[str, ...]:
    if not isinstance(kustomize, dict) or not isinstance(kustomize.get("images"), list):
        return ()
    return tuple(str(i) for i in kustomize["images"] if isinstance(i, str))


def _jsonnet(value: Any) -> JsonnetOptions | None:
    if not isinstance(value, dict):
        return None
    libs = tuple(p for lib in value.get("libs") or () if (p := join("", str(lib))) is not None)
    return JsonnetOptions(
        tlas=tuple(_jsonnet_args(value.get("tlas"))),
        ext_vars=tuple(_jsonnet_args(value.get("extVars"))),
        libs=libs,
    )


def _jsonnet_args(value: Any) -> Iterator[tuple[str, str, bool]]:
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            raw = item.get("value")
            yield item["name"], "" if raw is None else _scalar_text(raw), item.get("code") is True


def _recurse(directory: Any) -> bool:
    return isinstance(directory, dict) and directory.get("recurse") is True


def _helm(
    helm: dict[str, Any], chart: str, refs: set[str], *, remote: bool = False
) -> tuple[HelmSpec, tuple[str, ...]]:
    files: list[str] = []
    in_chart: list[str] = []
    problems: list[str] = []
    for entry in helm.get("valueFiles") or ():
        if remote and not str(entry).startswith("$") and "://" not in str(entry):
            in_chart.append(str(entry))  # relative to the chart: a file of its package
            continue
        resolved = _value_file(str(entry), chart, refs)
        if resolved is None:
            problems.append(f"value file {entry} is not a file of this repository")
        else:
            files.append(resolved)
    return (
        HelmSpec(
            value_files=tuple(files),
            values=_inline_values(helm),
            chart_value_files=tuple(in_chart),
            parameters=tuple(_parameters(helm.get("parameters"))),
            release_name=_str(helm.get("releaseName")),
            ignore_missing_value_files=helm.get("ignoreMissingValueFiles") is True,
            skip_crds=helm.get("skipCrds") is True,
        ),
        tuple(problems),
    )


def _value_file(entry: str, chart: str, refs: set[str]) -> str | None:
    if entry.startswith("$"):
        # `$ref/path` names a file of the source with `ref: ref` (assumed to be this repository).
        ref, _, rest = entry[1:].partition("/")
        return join("", rest) if ref in refs else None
    if "://" in entry:
        return None
    return join(chart, entry)


def _inline_values(helm: dict[str, Any]) -> str | None:
    # Argo CD: valuesObject wins over values.
    if isinstance(helm.get("valuesObject"), dict):
        return json.dumps(helm["valuesObject"], sort_keys=True)
    values = helm.get("values")
    if isinstance(values, str) and values.strip():
        return values
    if isinstance(values, dict):
        return json.dumps(values, sort_keys=True)
    return None


def _parameters(value: Any) -> Iterator[HelmParameter]:
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            raw = item.get("value")
            yield HelmParameter(
                name=item["name"],
                value="" if raw is None else _scalar_text(raw),
                force_string=item.get("forceString") is True,
            )


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
