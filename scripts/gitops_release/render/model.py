"""Render roots: the units that are rendered and diffed (a kustomization, a chart, manifests)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RootKind = Literal["kustomize", "helm", "manifest"]


@dataclass(frozen=True)
class HelmParameter:
    """One `helm.parameters` entry of an Argo CD Application (`--set` / `--set-string`)."""

    name: str
    value: str
    force_string: bool = False


@dataclass(frozen=True)
class ChartRef:
    """A chart in a chart repository: `https://…` (index.yaml) or `oci://…`."""

    repository: str
    name: str
    version: str  # a version or a constraint (`^1.2`, `1.x`)

    def describe(self) -> str:
        return f"chart {self.name} {self.version or '(any version)'} from {self.repository}"


@dataclass(frozen=True)
class JsonnetOptions:
    """An Application's `directory.jsonnet`: (name, value, is code) arguments and variables,
    and library directories (repo-relative)."""

    tlas: tuple[tuple[str, str, bool], ...] = ()
    ext_vars: tuple[tuple[str, str, bool], ...] = ()
    libs: tuple[str, ...] = ()


@dataclass(frozen=True)
class HelmOptions:
    """How Argo CD (or the chart's own defaults) renders a chart."""

    release_name: str
    namespace: str | None = None
    value_files: tuple[str, ...] = ()  # repo-relative, in order
    chart_value_files: tuple[str, ...] = ()  # inside a remote chart's package, applied first
    values: str | None = None  # inline values (YAML or JSON text), applied after value files
    parameters: tuple[HelmParameter, ...] = ()  # applied last
    ignore_missing_value_files: bool = False
    skip_crds: bool = False


@dataclass(frozen=True)
class RenderRoot:
    """One thing to render.

    `key` identifies the root across revisions (base and head are paired by it); `name` is what
    people see: the Argo CD Application's name, else the path.
    """

    key: str
    name: str
    kind: RootKind
    path: str
    app_file: str | None = None
    chart: ChartRef | None = None  # a remote chart (Application `chart:` + `repoURL`)
    # An Argo CD Application's own manifest (JSON) and destination namespace: the spec is part
    # of the root's diff, and namespaced resources without a namespace land in the destination.
    app_manifest: str | None = None
    destination_namespace: str | None = None
    helm: HelmOptions | None = None
    images: tuple[str, ...] = ()  # Argo CD `kustomize.images` overrides
    recurse: bool = True  # manifest directories: include subdirectories
    include: str | None = None  # manifest directories: Argo CD `directory.include` glob
    exclude: str | None = None  # manifest directories: Argo CD `directory.exclude` glob
    jsonnet: JsonnetOptions | None = None  # manifest directories: `directory.jsonnet`
    remote: tuple[str, ...] = ()  # remote references: cannot be rendered without the network
    problems: tuple[str, ...] = ()  # why it cannot be rendered (found before rendering)
    escaping_links: tuple[str, ...] = ()  # links on its paths that leave the repository
    namespace: str | None = None  # kustomize: the root kustomization's `namespace:`
    features: frozenset[str] = frozenset()  # kustomize fields used anywhere in the closure
    digest: str = ""  # content digest of the dependency closure (equal digests render equally)
    checkout: tuple[str, ...] = ()  # repo paths a checkout needs to render this root


@dataclass(frozen=True)
class Closure:
    """The files a root's rendering depends on: exact paths plus whole directory trees."""

    files: frozenset[str]
    prefixes: frozenset[str] = frozenset()
    dirs: frozenset[str] = frozenset()  # kustomization directories (checked out whole)

    def contains(self, path: str) -> bool:
        if path in self.files:
            return True
        return any(not p or path.startswith(p + "/") for p in self.prefixes)

    def union(self, other: Closure) -> Closure:
        return Closure(
            self.files | other.files, self.prefixes | other.prefixes, self.dirs | other.dirs
        )
