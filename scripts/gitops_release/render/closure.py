"""The closure of a render root: every path its rendering depends on, and so which changes
re-render it. `RootSpec` is a root before its closure is known; from it come the Helm options
(release name, value files), the chart's `file://` dependencies, the jsonnet a directory
imports from elsewhere in the repository, and the files a root's checkout needs."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass

from gitops_release.errors import GitopsReleaseError
from gitops_release.render.argo import AppSource
from gitops_release.render.chart_meta import DEPENDENCY_FILES, dependencies
from gitops_release.render.graph import KustomizeGraph, join
from gitops_release.render.model import Closure, HelmOptions, RootKind
from gitops_release.render.tree import Tree


@dataclass(frozen=True)
class RootSpec:
    """A root before its closure is known."""

    key: str
    name: str
    kind: RootKind
    path: str
    app: AppSource | None = None
    values: str | None = None  # config helm target: the extra values file


def root_closure(tree: Tree, graph: KustomizeGraph, spec: RootSpec) -> Closure:
    """Every path the root's rendering depends on."""
    app_files = frozenset({spec.app.file}) if spec.app else frozenset()
    if spec.kind == "kustomize":
        return graph.closure(spec.path).union(Closure(files=app_files))
    if spec.kind == "manifest":
        if tree.is_file(spec.path):
            return Closure(files=app_files | {spec.path})
        libs = spec.app.jsonnet.libs if spec.app and spec.app.jsonnet else ()
        imports = jsonnet_imports(tree, spec.path, libs)
        return Closure(files=app_files | imports, prefixes=frozenset({spec.path, *libs}))
    options = helm_options(tree, spec)
    if spec.app is not None and spec.app.chart is not None:  # the chart is not in the repo
        return Closure(files=app_files | set(options.value_files))
    return Closure(
        files=app_files | set(options.value_files),
        prefixes=frozenset({spec.path, *_chart_dependencies(tree, spec.path)}),
    )


def closure_files(tree: Tree, closure: Closure) -> set[str]:
    """The files of `closure`, its prefixes expanded to the files below them."""
    files = set(closure.files)
    for prefix in closure.prefixes:
        files.update(tree.under(prefix))
    return files


def checkout_paths(tree: Tree, closure: Closure) -> tuple[str, ...]:
    """The files a root's checkout needs, sorted."""
    # Kustomization directories are checked out whole: kustomize may read files through
    # fields this closure does not model (e.g. a transformer's config).
    files = {f for f in closure.files if tree.is_file(f)}
    for directory in closure.dirs | closure.prefixes:
        files.update(tree.under(directory))
    return tuple(sorted(files))


def _chart_dependencies(tree: Tree, chart: str) -> tuple[str, ...]:
    """Directories of the chart's `file://` dependencies (Chart.yaml and requirements.yaml),
    and of theirs, transitively: rendering copies them all."""
    found: list[str] = []
    queue = [chart]
    while queue:
        current = queue.pop()
        for target in _file_dependencies(tree, current):
            if target not in found and target != chart:
                found.append(target)
                queue.append(target)
    return tuple(found)


def _file_dependencies(tree: Tree, chart: str) -> list[str]:
    found = []
    for name in DEPENDENCY_FILES:
        text = tree.text(inside(chart, name))
        if not text:
            continue
        try:
            listed = dependencies(text, source=name)
        except GitopsReleaseError:
            continue  # rendering reports it
        for dependency in listed:
            if dependency.repository.startswith("file://"):
                target = join(chart, dependency.repository.removeprefix("file://"))
                if target is not None:
                    found.append(target)
    return found


def helm_options(tree: Tree, spec: RootSpec) -> HelmOptions:
    app = spec.app
    if app is None:
        return HelmOptions(
            release_name=basename(spec.path) or "release",
            value_files=(spec.values,) if spec.values else (),
        )
    helm = app.helm
    files = helm.value_files if helm else ()
    if helm and helm.ignore_missing_value_files:
        files = tuple(f for f in files if tree.is_file(f))
    return HelmOptions(
        release_name=(helm.release_name if helm else None) or app.app,
        namespace=app.destination_namespace,
        value_files=files,
        chart_value_files=helm.chart_value_files if helm else (),
        values=helm.values if helm else None,
        parameters=helm.parameters if helm else (),
        ignore_missing_value_files=bool(helm and helm.ignore_missing_value_files),
        skip_crds=bool(helm and helm.skip_crds),
    )


_JSONNET_IMPORT = re.compile(r"""\bimport(?:str|bin)?\s*(['"])((?:(?!\1).)+)\1""")
_JSONNET_SUFFIXES = (".jsonnet", ".libsonnet")


def jsonnet_imports(tree: Tree, directory: str, libs: Iterable[str]) -> frozenset[str]:
    """Repository files the jsonnet of `directory` imports from outside it (transitively):
    they belong to the root's closure, so a change to a shared library re-renders it."""
    queue = [p for p in tree.under(directory) if p.endswith(_JSONNET_SUFFIXES)]
    seen = set(queue)
    found: set[str] = set()
    while queue:
        path = queue.pop()
        for match in _JSONNET_IMPORT.finditer(tree.text(path) or ""):
            rel = match.group(2)
            for base in (posixpath.dirname(path), *libs):
                target = join(base, rel)
                if target is not None and tree.is_file(target):
                    found.add(target)
                    if target not in seen and target.endswith(_JSONNET_SUFFIXES):
                        seen.add(target)
                        queue.append(target)
                    break
    return frozenset(found)


def basename(path: str) -> str:
    return path.rpartition("/")[2]


def inside(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory else name
