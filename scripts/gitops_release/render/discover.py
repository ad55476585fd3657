"""Which render roots a snapshot has, and which of them a set of changed paths affects.

The rules (docs/rendering.md):
1. Every in-repository source of an Argo CD Application / ApplicationSet is a root, rendered
   the way Argo CD renders it (chart with its value files, kustomization with image overrides,
   plain directory).
2. A kustomization directory that no other kustomization includes, and that no Application
   points at, is a root.
3. A chart (a directory with Chart.yaml) that no Application points at is a root with its own
   values.yaml; subcharts and charts that kustomize inflates (`helmCharts`) are not.
4. `.gitops-release.yaml`: every `render.paths` entry and every `manifest` target is a
   plain-manifest root; every `kustomize` target is a root (even when included elsewhere); a
   `helm` target's values file is rendered with the chart that owns it unless an Application
   already renders that file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, partial

from gitops_release.config import CONFIG_FILE, Config, load_config_text
from gitops_release.errors import GitopsReleaseError
from gitops_release.render.argo import AppSource, might_hold_apps, parse_apps
from gitops_release.render.chart_meta import CHART_FILE, DEPENDENCY_FILES, dependencies
from gitops_release.render.confine import TreeLinks, links_in_tree
from gitops_release.render.graph import KustomizeGraph, ParseCache, join
from gitops_release.render.kustomization import KUSTOMIZATION_NAMES
from gitops_release.render.model import Closure, HelmOptions, RenderRoot, RootKind
from gitops_release.render.tree import Tree

_YAML_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class ConfigRoots:
    """The roots `.gitops-release.yaml` names (targets and `render.paths`)."""

    kustomize: tuple[str, ...] = ()
    helm_values: tuple[str, ...] = ()
    manifests: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: Config | None) -> ConfigRoots:
        if config is None:
            return cls()
        targets = [t for app in config.apps for t in app.targets]
        return cls(
            kustomize=tuple(sorted({t.path for t in targets if t.kind == "kustomize"})),
            helm_values=tuple(sorted({t.path for t in targets if t.kind == "helm"})),
            manifests=tuple(
                sorted({t.path for t in targets if t.kind == "manifest"} | set(config.render_paths))
            ),
        )


@dataclass(frozen=True)
class _Spec:
    """A root before its closure is known."""

    key: str
    name: str
    kind: RootKind
    path: str
    app: AppSource | None = None
    values: str | None = None  # config helm target: the extra values file


class RepoIndex:
    """The render roots of one snapshot (a `Tree`), computed lazily."""

    def __init__(
        self,
        tree: Tree,
        *,
        config_roots: ConfigRoots | None = None,
        cache: ParseCache | None = None,
    ) -> None:
        self.tree = tree
        self._cache = cache or ParseCache()
        self.graph = KustomizeGraph(tree, self._cache)
        self.config = config_roots or ConfigRoots()

    # -- inventory ---------------------------------------------------------------------------

    @cached_property
    def apps(self) -> tuple[AppSource, ...]:
        texts = self.tree.read_many(p for p in self.tree.files if p.endswith(_YAML_SUFFIXES))
        found: list[AppSource] = []
        for path in sorted(texts):
            text = texts[path]
            if text and might_hold_apps(text):
                sources = self._cache.memo(
                    "apps",
                    self.tree.files[path],
                    path,
                    partial(parse_apps, text, source=path),
                )
                found.extend(s for s in sources if self.tree.is_dir(s.path))
        return tuple(found)

    @cached_property
    def app_paths(self) -> frozenset[str]:
        return frozenset(s.path for s in self.apps)

    @cached_property
    def charts(self) -> frozenset[str]:
        """Chart directories that are roots of their own (not subcharts, not inflated)."""
        dirs = {p.rpartition("/")[0] for p in self.tree.files if _basename(p) == CHART_FILE}
        homes = self._helm_homes
        return frozenset(
            c
            for c in dirs
            if not any(_below(c, _inside(a, "charts")) for a in dirs if a != c)
            and not any(_below(c, h) for h in homes)
        )

    @cached_property
    def _helm_homes(self) -> frozenset[str]:
        homes: set[str] = set()
        for dirname, text in self.graph.texts.items():
            if "helmChart" in text:
                homes |= self.graph.resolve(dirname).prefixes
        return frozenset(homes)

    @cached_property
    def _app_specs(self) -> dict[str, _Spec]:
        per_name: dict[str, set[str | None]] = {}
        sources: dict[tuple[str | None, str], int] = {}
        for src in self.apps:
            per_name.setdefault(src.app, set()).add(src.app_namespace)
            sources[src.app_namespace, src.app] = sources.get((src.app_namespace, src.app), 0) + 1
        specs: dict[str, _Spec] = {}
        for src in self.apps:
            key = _app_key(src)
            name = src.app
            if len(per_name[src.app]) > 1:
                name = f"{src.app_namespace or '-'}/{name}"
            if sources[src.app_namespace, src.app] > 1:
                name = f"{name}[{src.index}]"
            kind: RootKind = "helm" if src.chart else self._kind_of(src.path)
            specs[key] = _Spec(key, name, kind, src.path, app=src)
        return specs

    def _kind_of(self, path: str) -> RootKind:
        if self.tree.is_file(_inside(path, CHART_FILE)):
            return "helm"
        if path in self.graph.files:
            return "kustomize"
        return "manifest"

    # -- all roots ---------------------------------------------------------------------------

    def all_keys(self) -> frozenset[str]:
        """The key of every root (parses every kustomization once)."""
        keys = set(self._app_specs)
        included = self.graph.included_dirs
        keys |= {f"kustomize:{d}" for d in self.graph.files if d not in included}
        keys |= {f"helm:{c}" for c in self.charts}
        keys |= self._config_keys()
        return frozenset(k for k in keys if self._spec(k) is not None)

    def _config_keys(self) -> set[str]:
        keys = {f"kustomize:{d}" for d in self.config.kustomize}
        keys |= {f"manifest:{m}" for m in self.config.manifests}
        for values in self.config.helm_values:
            key = self._helm_target_key(values)
            if key is not None:
                keys.add(key)
        return keys

    def _helm_target_key(self, values: str) -> str | None:
        chart = self._owning_chart(values)
        if chart is None:
            return None
        rendered_by_app = any(
            s.app and s.app.helm and values in s.app.helm.value_files
            for s in self._app_specs.values()
        )
        if rendered_by_app:
            return None
        if chart not in self.app_paths and values == posixpath.join(chart, "values.yaml"):
            return None  # the chart's own root already renders it
        return f"helm:{chart}@{values}"

    def why_unrendered(self, path: str) -> str | None:
        """What is missing for a file no root renders, where that can be told."""
        if path in self.config.helm_values:
            return (
                "the values file of a `helm:` target, but no chart renders it: no Chart.yaml "
                "above it and no Argo CD Application names it in `valueFiles` (for a chart of "
                "a chart repository: an Application with `chart:` and a `ref:` source, "
                "`$values/" + path + "`)"
            )
        for dirname in sorted(self.graph.files, key=len, reverse=True):
            if _below(path, dirname) and self.graph.resolve(dirname).component:
                return f"part of the kustomize Component {dirname}, which no kustomization uses"
        return None

    def _owning_chart(self, path: str) -> str | None:
        parent = path.rpartition("/")[0]
        while True:
            if self.tree.is_file(_inside(parent, CHART_FILE)):
                return parent
            if not parent:
                return None
            parent = parent.rpartition("/")[0]

    # -- affected roots ----------------------------------------------------------------------

    def affected(self, paths: Iterable[str]) -> frozenset[str]:
        """Keys of the roots whose closure contains one of `paths` (parses only candidates)."""
        changed = frozenset(paths)
        if not changed:
            return frozenset()
        ancestors = self.graph.ancestors(changed)
        candidates = {f"kustomize:{d}" for d in ancestors}
        candidates |= set(self._app_specs)
        candidates |= {f"helm:{c}" for c in self.charts}
        candidates |= self._config_keys()
        keys: set[str] = set()
        for key in candidates:
            spec = self._spec(key)
            if spec is None:
                continue
            if spec.kind == "kustomize":
                hit = spec.path in ancestors or (spec.app is not None and spec.app.file in changed)
            else:
                closure = self._closure(spec)
                hit = any(closure.contains(p) for p in changed)
            if hit or (self.tree.symlinks and changed & self._link_targets(spec)):
                keys.add(key)
        return frozenset(keys)

    def _link_targets(self, spec: _Spec) -> frozenset[str]:
        """Files a root reads through links inside the repository (they are outside its
        closure's own paths, yet a change to them changes what it renders)."""
        closure = self._closure(spec)
        return self._links(closure, self._checkout(closure)).targets

    def _links(self, closure: Closure, checkout: tuple[str, ...]) -> TreeLinks:
        """What the links on a root's paths mean (see `render.confine`)."""
        return links_in_tree(self.tree, (*checkout, *closure.dirs, *closure.prefixes))

    # -- one root ----------------------------------------------------------------------------

    def _spec(self, key: str) -> _Spec | None:
        if key in self._app_specs:
            return self._app_specs[key]
        kind, _, rest = key.partition(":")
        if kind == "kustomize":
            named = rest in self.config.kustomize
            if rest not in self.graph.files or rest in self.app_paths:
                return None
            if not named and self.graph.is_included(rest):
                return None
            if not named and self.graph.resolve(rest).component:
                return None  # a Component renders only inside the kustomizations using it
            return _Spec(key, rest or ".", "kustomize", rest)
        if kind == "helm":
            chart, _, values = rest.partition("@")
            if not self.tree.is_file(_inside(chart, CHART_FILE)):
                return None
            if not values and (chart not in self.charts or chart in self.app_paths):
                return None
            if values and self._helm_target_key(values) != key:
                return None
            return _Spec(key, rest or ".", "helm", chart, values=values or None)
        if kind == "manifest" and rest in self.config.manifests and self.tree.exists(rest):
            return _Spec(key, rest or ".", "manifest", rest)
        return None

    def root(self, key: str) -> RenderRoot | None:
        """The root with this key in this snapshot, or None when it does not exist here."""
        spec = self._spec(key)
        if spec is None:
            return None
        closure = self._closure(spec)
        root = RenderRoot(
            key=spec.key,
            name=spec.name,
            kind=spec.kind,
            path=spec.path,
            app_file=spec.app.file if spec.app else None,
            chart=spec.app.chart if spec.app else None,
            app_manifest=spec.app.manifest or None if spec.app else None,
            destination_namespace=spec.app.destination_namespace if spec.app else None,
            helm=self._helm_options(spec) if spec.kind == "helm" else None,
            images=spec.app.kustomize_images if spec.app and spec.kind == "kustomize" else (),
            recurse=spec.app.recurse if spec.app else True,
            include=spec.app.include if spec.app else None,
            exclude=spec.app.exclude if spec.app else None,
            jsonnet=spec.app.jsonnet if spec.app else None,
            problems=self._problems(spec),
        )
        if spec.kind == "kustomize":
            root = _with_kustomize_facts(root, self.graph)
        checkout = self._checkout(closure)
        # Links inside the repository are followed (their targets are checked out too); a link
        # leaving it makes the root fail before anything is checked out or rendered.
        links = self._links(closure, checkout)
        if links.problems:
            root = dataclasses.replace(root, escaping_links=links.problems)
        checkout = tuple(sorted({*checkout, *links.targets}))
        # An Application's own file may hold other Applications: its manifest is in `root`
        # (app_manifest), so the file itself only counts through this Application's document.
        own = {spec.app.file} if spec.app else set()
        content = self.tree.digest({*self._closure_files(closure), *links.targets} - own)
        digest = hashlib.sha256(f"{content}\n{root!r}".encode()).hexdigest()
        return dataclasses.replace(root, digest=digest, checkout=checkout)

    def closure(self, key: str) -> Closure | None:
        """Every path the root's rendering depends on (None when the root does not exist)."""
        spec = self._spec(key)
        return self._closure(spec) if spec is not None else None

    def roots(self, keys: Iterable[str]) -> tuple[RenderRoot, ...]:
        found = (self.root(k) for k in sorted(keys))
        return tuple(r for r in found if r is not None)

    def _closure(self, spec: _Spec) -> Closure:
        app_files = frozenset({spec.app.file}) if spec.app else frozenset()
        if spec.kind == "kustomize":
            return self.graph.closure(spec.path).union(Closure(files=app_files))
        if spec.kind == "manifest":
            if self.tree.is_file(spec.path):
                return Closure(files=app_files | {spec.path})
            libs = spec.app.jsonnet.libs if spec.app and spec.app.jsonnet else ()
            imports = jsonnet_imports(self.tree, spec.path, libs)
            return Closure(files=app_files | imports, prefixes=frozenset({spec.path, *libs}))
        options = self._helm_options(spec)
        if spec.app is not None and spec.app.chart is not None:  # the chart is not in the repo
            return Closure(files=app_files | set(options.value_files))
        return Closure(
            files=app_files | set(options.value_files),
            prefixes=frozenset({spec.path, *self._chart_dependencies(spec.path)}),
        )

    def _closure_files(self, closure: Closure) -> set[str]:
        files = set(closure.files)
        for prefix in closure.prefixes:
            files.update(self.tree.under(prefix))
        return files

    def _checkout(self, closure: Closure) -> tuple[str, ...]:
        # Kustomization directories are checked out whole: kustomize may read files through
        # fields this closure does not model (e.g. a transformer's config).
        files = {f for f in closure.files if self.tree.is_file(f)}
        for directory in closure.dirs | closure.prefixes:
            files.update(self.tree.under(directory))
        return tuple(sorted(files))

    def _chart_dependencies(self, chart: str) -> tuple[str, ...]:
        """Directories of the chart's `file://` dependencies (Chart.yaml and requirements.yaml),
        and of theirs, transitively: rendering copies them all."""
        found: list[str] = []
        queue = [chart]
        while queue:
            current = queue.pop()
            for target in self._file_dependencies(current):
                if target not in found and target != chart:
                    found.append(target)
                    queue.append(target)
        return tuple(found)

    def _file_dependencies(self, chart: str) -> list[str]:
        found = []
        for name in DEPENDENCY_FILES:
            text = self.tree.text(_inside(chart, name))
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

    def _helm_options(self, spec: _Spec) -> HelmOptions:
        app = spec.app
        if app is None:
            return HelmOptions(
                release_name=_basename(spec.path) or "release",
                value_files=(spec.values,) if spec.values else (),
            )
        helm = app.helm
        files = helm.value_files if helm else ()
        if helm and helm.ignore_missing_value_files:
            files = tuple(f for f in files if self.tree.is_file(f))
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

    def _problems(self, spec: _Spec) -> tuple[str, ...]:
        problems = list(spec.app.problems if spec.app else ())
        if spec.kind == "helm":
            for values in self._helm_options(spec).value_files:
                if not self.tree.is_file(values):
                    problems.append(f"value file {values} does not exist")
        if spec.kind == "kustomize":
            outside = self.graph.outside(spec.path)
            problems.extend(f"{o} points outside the repository" for o in outside)
        return tuple(problems)


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


def _with_kustomize_facts(root: RenderRoot, graph: KustomizeGraph) -> RenderRoot:
    return dataclasses.replace(
        root,
        remote=graph.remote(root.path),
        namespace=graph.resolve(root.path).namespace,
        features=graph.features(root.path),
    )


def _app_key(src: AppSource) -> str:
    prefix = "appset" if src.kind == "ApplicationSet" else "app"
    suffix = "" if src.index is None else f"#{src.index}"
    return f"{prefix}:{src.app_namespace or ''}/{src.app}{suffix}"


def _basename(path: str) -> str:
    return path.rpartition("/")[2]


def _inside(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory else name


def _below(path: str, directory: str) -> bool:
    return not directory or path.startswith(directory + "/")


def text_blobs(tree: Tree) -> set[str]:
    """The blobs discovery reads (to fetch them for several snapshots in one go)."""
    return {
        blob
        for path, blob in tree.files.items()
        if path.endswith(_YAML_SUFFIXES) or path.rpartition("/")[2] in KUSTOMIZATION_NAMES
    }


def config_at(tree: Tree) -> Config | None:
    """The `.gitops-release.yaml` of a snapshot (None when it has none; invalid raises)."""
    text = tree.text(CONFIG_FILE)
    if text is None:
        return None
    return load_config_text(text, source=CONFIG_FILE)
