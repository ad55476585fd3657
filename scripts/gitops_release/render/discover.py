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

What one root depends on (its closure, hence which changes affect it) is `render.closure`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, partial
from typing import TYPE_CHECKING

from gitops_release.config.defaults import CONFIG_FILE
from gitops_release.render.argo import AppSource, might_hold_apps, parse_apps
from gitops_release.render.chart_meta import CHART_FILE
from gitops_release.render.closure import (
    RootSpec,
    basename,
    checkout_paths,
    closure_files,
    helm_options,
    inside,
    root_closure,
)
from gitops_release.render.confine import TreeLinks, links_in_tree
from gitops_release.render.graph import KustomizeGraph, ParseCache
from gitops_release.render.kustomization import KUSTOMIZATION_NAMES
from gitops_release.render.model import Closure, RenderRoot, RootKind
from gitops_release.render.tree import Tree

if TYPE_CHECKING:
    from gitops_release.config import Config

if TYPE_CHECKING:
    from gitops_release.config import Config

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
        dirs = {p.rpartition("/")[0] for p in self.tree.files if basename(p) == CHART_FILE}
        homes = self._helm_homes
        return frozenset(
            c
            for c in dirs
            if not any(_below(c, inside(a, "charts")) for a in dirs if a != c)
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
    def _app_specs(self) -> dict[str, RootSpec]:
        per_name: dict[str, set[str | None]] = {}
        sources: dict[tuple[str | None, str], int] = {}
        for src in self.apps:
            per_name.setdefault(src.app, set()).add(src.app_namespace)
            sources[src.app_namespace, src.app] = sources.get((src.app_namespace, src.app), 0) + 1
        specs: dict[str, RootSpec] = {}
        for src in self.apps:
            key = _app_key(src)
            name = src.app
            if len(per_name[src.app]) > 1:
                name = f"{src.app_namespace or '-'}/{name}"
            if sources[src.app_namespace, src.app] > 1:
                name = f"{name}[{src.index}]"
            kind: RootKind = "helm" if src.chart else self._kind_of(src.path)
            specs[key] = RootSpec(key, name, kind, src.path, app=src)
        return specs

    def _kind_of(self, path: str) -> RootKind:
        if self.tree.is_file(inside(path, CHART_FILE)):
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
            if self.tree.is_file(inside(parent, CHART_FILE)):
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
                closure = root_closure(self.tree, self.graph, spec)
                hit = any(closure.contains(p) for p in changed)
            if hit or (self.tree.symlinks and changed & self._link_targets(spec)):
                keys.add(key)
        return frozenset(keys)

    def _link_targets(self, spec: RootSpec) -> frozenset[str]:
        """Files a root reads through links inside the repository (they are outside its
        closure's own paths, yet a change to them changes what it renders)."""
        closure = root_closure(self.tree, self.graph, spec)
        return self._links(closure, checkout_paths(self.tree, closure)).targets

    def _links(self, closure: Closure, checkout: tuple[str, ...]) -> TreeLinks:
        """What the links on a root's paths mean (see `render.confine`)."""
        return links_in_tree(self.tree, (*checkout, *closure.dirs, *closure.prefixes))

    # -- one root ----------------------------------------------------------------------------

    def _spec(self, key: str) -> RootSpec | None:
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
            return RootSpec(key, rest or ".", "kustomize", rest)
        if kind == "helm":
            chart, _, values = rest.partition("@")
            if not self.tree.is_file(inside(chart, CHART_FILE)):
                return None
            if not values and (chart not in self.charts or chart in self.app_paths):
                return None
            if values and self._helm_target_key(values) != key:
                return None
            return RootSpec(key, rest or ".", "helm", chart, values=values or None)
        if kind == "manifest" and rest in self.config.manifests and self.tree.exists(rest):
            return RootSpec(key, rest or ".", "manifest", rest)
        return None

    def root(self, key: str) -> RenderRoot | None:
        """The root with this key in this snapshot, or None when it does not exist here."""
        spec = self._spec(key)
        if spec is None:
            return None
        closure = root_closure(self.tree, self.graph, spec)
        root = RenderRoot(
            key=spec.key,
            name=spec.name,
            kind=spec.kind,
            path=spec.path,
            app_file=spec.app.file if spec.app else None,
            chart=spec.app.chart if spec.app else None,
            app_manifest=spec.app.manifest or None if spec.app else None,
            destination_namespace=spec.app.destination_namespace if spec.app else None,
            helm=helm_options(self.tree, spec) if spec.kind == "helm" else None,
            images=spec.app.kustomize_images if spec.app and spec.kind == "kustomize" else (),
            recurse=spec.app.recurse if spec.app else True,
            include=spec.app.include if spec.app else None,
            exclude=spec.app.exclude if spec.app else None,
            jsonnet=spec.app.jsonnet if spec.app else None,
            problems=self._problems(spec),
        )
        if spec.kind == "kustomize":
            root = _with_kustomize_facts(root, self.graph)
        checkout = checkout_paths(self.tree, closure)
        # Links inside the repository are followed (their targets are checked out too); a link
        # leaving it makes the root fail before anything is checked out or rendered.
        links = self._links(closure, checkout)
        if links.problems:
            root = dataclasses.replace(root, escaping_links=links.problems)
        checkout = tuple(sorted({*checkout, *links.targets}))
        # An Application's own file may hold other Applications: its manifest is in `root`
        # (app_manifest), so the file itself only counts through this Application's document.
        own = {spec.app.file} if spec.app else set()
        content = self.tree.digest({*closure_files(self.tree, closure), *links.targets} - own)
        digest = hashlib.sha256(f"{content}\n{root!r}".encode()).hexdigest()
        return dataclasses.replace(root, digest=digest, checkout=checkout)

    def closure(self, key: str) -> Closure | None:
        """Every path the root's rendering depends on (None when the root does not exist)."""
        spec = self._spec(key)
        return root_closure(self.tree, self.graph, spec) if spec is not None else None

    def roots(self, keys: Iterable[str]) -> tuple[RenderRoot, ...]:
        found = (self.root(k) for k in sorted(keys))
        return tuple(r for r in found if r is not None)

    def _problems(self, spec: RootSpec) -> tuple[str, ...]:
        problems = list(spec.app.problems if spec.app else ())
        if spec.kind == "helm":
            for values in helm_options(self.tree, spec).value_files:
                if not self.tree.is_file(values):
                    problems.append(f"value file {values} does not exist")
        if spec.kind == "kustomize":
            outside = self.graph.outside(spec.path)
            problems.extend(f"{o} points outside the repository" for o in outside)
        return tuple(problems)


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
    from gitops_release.config import load_config_text  # noqa: PLC0415  (only with a config)

    return load_config_text(text, source=CONFIG_FILE)
