"""The kustomization graph of one snapshot: references resolved against the file listing.

Two ways to ask it what depends on what, with the same answers:
- forward (`closure`, `included_dirs`): parse every kustomization once; used to list all roots;
- backward (`holders`, `ancestors`): start at changed paths and parse only the kustomizations
  whose text could name them. A pull request that touches one overlay in a repository of
  thousands then parses a handful of files instead of all of them.

The backward search is exact, not a heuristic: to refer to a path, a kustomization must climb
to a common ancestor and write every component of the path below it, or end a reference with
`.`/`..`, or use a YAML escape. Texts that do none of these cannot refer to the path; every
other candidate is parsed. Once a change reaches much of the repository (many searches), the
graph parses everything once and answers from a reverse index instead.
"""

from __future__ import annotations

import posixpath
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any, TypeVar

from gitops_release.render.kustomization import (
    KUSTOMIZATION_NAMES,
    KustomizationRefs,
    parse_kustomization,
)
from gitops_release.render.model import Closure
from gitops_release.render.tree import Tree

T = TypeVar("T")
# Backward searches scan every kustomization's text; past this many, parse them all instead.
_SEARCHES_BEFORE_INDEX = 64
_NAME_CHARS = "A-Za-z0-9._-"
_PLAIN_NAME = re.compile(f"[{_NAME_CHARS}]+")
# A reference whose last component is `.` or `..` names a directory without spelling it.
_DOT_REFERENCE = re.compile(r"(?<![A-Za-z0-9_-])\.\.?/*(?=[\s\]},'\"#]|$)", re.MULTILINE)
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|git::)", re.IGNORECASE)
_HOST_PATH = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+/[^/]", re.IGNORECASE)
_LOCAL_SUFFIXES = (".yaml", ".yml", ".json")


def is_remote(entry: str) -> bool:
    """Whether a (non-local) kustomization reference is fetched over the network: a URL, or a
    `host/org/repo` git reference (not a missing file such as `my.app/deploy.yaml`)."""
    if _URL.match(entry):
        return True
    local_file = entry.split("?", 1)[0].lower().endswith(_LOCAL_SUFFIXES)
    return bool(_HOST_PATH.match(entry)) and not local_file


def join(base: str, entry: str) -> str | None:
    """`entry` relative to directory `base`, normalised; None when it leaves the repository."""
    if entry.startswith("/"):
        return None
    path = posixpath.normpath(posixpath.join(base, entry)) if base else posixpath.normpath(entry)
    if path == ".":
        return ""
    if path == ".." or path.startswith("../"):
        return None
    return path


def kustomization_files(dirname: str) -> frozenset[str]:
    """Every name a kustomization file in `dirname` may have: adding one changes the build."""
    return frozenset(posixpath.join(dirname, n) if dirname else n for n in KUSTOMIZATION_NAMES)


@dataclass(frozen=True)
class Resolved:
    """A kustomization's references resolved against a snapshot."""

    dirs: frozenset[str] = frozenset()
    files: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()
    remote: tuple[str, ...] = ()
    outside: tuple[str, ...] = ()
    namespace: str | None = None
    features: frozenset[str] = frozenset()
    component: bool = False
    error: str | None = None

    def names(self, path: str) -> bool:
        if path in self.dirs or path in self.files:
            return True
        return any(not p or path.startswith(p + "/") for p in self.prefixes)


class ParseCache:
    """Facts derived from file contents, by blob id: computed once for base and head together
    (most blobs are the same on both sides)."""

    def __init__(self) -> None:
        self._facts: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()

    def memo(self, kind: str, blob: str, source: str, compute: Callable[[], T]) -> T:
        key = (kind, blob, source)
        with self._lock:
            if key in self._facts:
                found: T = self._facts[key]
                return found
        value = compute()
        with self._lock:
            self._facts[key] = value
        return value

    def get(self, blob: str, text: str, source: str) -> KustomizationRefs:
        # The source only names the file in error messages: equal blobs parse equally.
        return self.memo(
            "kustomization", blob, "", lambda: parse_kustomization(text, source=source)
        )


class KustomizeGraph:
    """Kustomization directories of one snapshot and what each depends on."""

    def __init__(self, tree: Tree, cache: ParseCache | None = None) -> None:
        self.tree = tree
        self._cache = cache or ParseCache()
        self._resolved: dict[str, Resolved] = {}
        self._closures: dict[str, Closure] = {}
        self._referrers: dict[str, frozenset[str]] = {}

    @cached_property
    def files(self) -> dict[str, str]:
        """Kustomization directory → its kustomization file (the first name kustomize accepts)."""
        found: dict[str, str] = {}
        for path in self.tree.files:
            dirname, _, base = path.rpartition("/")
            if base in KUSTOMIZATION_NAMES:
                current = found.get(dirname)
                if current is None or _rank(path) < _rank(current):
                    found[dirname] = path
        return found

    @cached_property
    def texts(self) -> dict[str, str]:
        read = self.tree.read_many(self.files.values())
        return {d: read.get(f) or "" for d, f in self.files.items()}

    def resolve(self, dirname: str) -> Resolved:
        found = self._resolved.get(dirname)
        if found is None:
            found = self._resolve(dirname)
            self._resolved[dirname] = found
        return found

    def _resolve(self, dirname: str) -> Resolved:
        path = self.files.get(dirname)
        if path is None:
            return Resolved()
        refs = self._cache.get(self.tree.files[path], self.texts[dirname], path)
        if refs.error:
            return Resolved(error=refs.error)
        dirs: set[str] = set()
        files: set[str] = set()
        remote: list[str] = []
        outside: list[str] = []
        for entry in refs.includes:
            target = join(dirname, entry)
            if target is not None and self.tree.is_dir(target):
                dirs.add(target)
            elif target is not None and self.tree.is_file(target):
                files.add(target)
            elif is_remote(entry):
                remote.append(f"{path}: {entry}")
            elif target is None:
                outside.append(f"{path}: {entry}")
            else:  # missing: a file or a directory that does not exist (yet)
                dirs.add(target)
                files.add(target)
        for entry in refs.files:
            target = join(dirname, entry)
            if target is None:
                outside.append(f"{path}: {entry}")
            else:
                files.add(target)
        prefixes, chart_remote = self._charts(dirname, refs)
        return Resolved(
            dirs=frozenset(dirs),
            files=frozenset(files),
            prefixes=prefixes,
            remote=tuple(remote) + chart_remote,
            outside=tuple(outside),
            namespace=refs.namespace,
            features=refs.features,
            component=refs.component,
        )

    def _charts(
        self, dirname: str, refs: KustomizationRefs
    ) -> tuple[frozenset[str], tuple[str, ...]]:
        if not refs.helm_charts:
            return frozenset(), ()
        home = join(dirname, refs.chart_home)
        if home is None:
            return frozenset(), (f"{self.files[dirname]}: helmGlobals.chartHome {refs.chart_home}",)
        remote = []
        for chart in refs.helm_charts:
            # kustomize looks for `<home>/<name>` (or `<home>/<name>-<version>`) before pulling.
            stem = posixpath.join(home, chart.name) if home else chart.name
            local = any(p.startswith(stem) for p in self.tree.under(home))
            if not local and chart.repo:
                remote.append(f"{self.files[dirname]}: helm chart {chart.name} from {chart.repo}")
        return frozenset({home}), tuple(remote)

    def closure(self, dirname: str) -> Closure:
        """Every path the build of `dirname` reads (missing references included)."""
        return self._closure(dirname, frozenset())

    def _closure(self, dirname: str, visiting: frozenset[str]) -> Closure:
        found = self._closures.get(dirname)
        if found is not None:
            return found
        own = self.resolve(dirname)
        result = Closure(
            files=kustomization_files(dirname) | own.files,
            prefixes=own.prefixes,
            dirs=frozenset({dirname}),
        )
        for sub in sorted(own.dirs - visiting - {dirname}):
            result = result.union(self._closure(sub, visiting | {dirname}))
        # Memoised even below a cycle: kustomize rejects cycles, so those roots fail anyway.
        self._closures[dirname] = result
        return result

    def remote(self, dirname: str) -> tuple[str, ...]:
        """Remote references anywhere in the closure of `dirname`."""
        return tuple(r for d in sorted(self.closure(dirname).dirs) for r in self.resolve(d).remote)

    def outside(self, dirname: str) -> tuple[str, ...]:
        return tuple(o for d in sorted(self.closure(dirname).dirs) for o in self.resolve(d).outside)

    def features(self, dirname: str) -> frozenset[str]:
        found: set[str] = set()
        for d in self.closure(dirname).dirs:
            found |= self.resolve(d).features
        return frozenset(found)

    # -- forward: every kustomization parsed once -------------------------------------------

    @cached_property
    def included_dirs(self) -> frozenset[str]:
        """Directories some kustomization includes (resources, components, ...)."""
        found: set[str] = set()
        for dirname in self.files:
            found |= self.resolve(dirname).dirs - {dirname}
        return frozenset(found)

    def is_included(self, dirname: str) -> bool:
        """Whether another kustomization includes `dirname` (forward answer once computed)."""
        if "included_dirs" in self.__dict__:  # every kustomization is parsed already
            return dirname in self.included_dirs
        return bool(self.includers(dirname))

    # -- backward: only candidates parsed ---------------------------------------------------

    @cached_property
    def _always_candidates(self) -> frozenset[str]:
        """Kustomizations that may name a path without spelling its last component."""
        return frozenset(
            d
            for d, text in self.texts.items()
            if self._cache.memo(
                "unspelled", self.tree.files[self.files[d]], "", partial(_unspelled, text)
            )
        )

    def referrers(self, path: str) -> frozenset[str]:
        """Kustomization directories that refer to `path` directly (as a file or directory)."""
        found = self._referrers.get(path)
        if found is None:
            if len(self._referrers) >= _SEARCHES_BEFORE_INDEX:
                found = self._reverse_index.get(path, frozenset()) | frozenset(
                    d
                    for d, prefix in self._prefix_holders
                    if not prefix or path.startswith(prefix + "/")
                )
            else:
                candidates = self._candidates(path)
                found = frozenset(d for d in candidates if self.resolve(d).names(path))
            self._referrers[path] = found
        return found

    @cached_property
    def _reverse_index(self) -> dict[str, frozenset[str]]:
        """Path → directories naming it, from parsing everything: cheaper than many searches
        once a change reaches a large part of the repository (e.g. a base shared by all)."""
        index: dict[str, set[str]] = {}
        for dirname in self.files:
            resolved = self.resolve(dirname)
            for path in resolved.dirs | resolved.files:
                index.setdefault(path, set()).add(dirname)
        return {path: frozenset(dirs) for path, dirs in index.items()}

    @cached_property
    def _prefix_holders(self) -> tuple[tuple[str, str], ...]:
        return tuple((d, p) for d in self.files for p in self.resolve(d).prefixes)

    def _candidates(self, path: str) -> Iterable[str]:
        parts = path.split("/") if path else []
        if not parts or not all(_PLAIN_NAME.fullmatch(p) for p in parts):
            return self.texts.keys()
        name = parts[-1]
        pattern = re.compile(f"(?<![{_NAME_CHARS}]){re.escape(name)}(?![{_NAME_CHARS}])")
        spelled = {
            d
            for d, text in self.texts.items()
            if name in text and _spells(text, _descent(d, parts)) and pattern.search(text)
        }
        return spelled | self._always_candidates

    def includers(self, dirname: str) -> frozenset[str]:
        """Kustomization directories that include directory `dirname`."""
        return frozenset(
            d for d in self.referrers(dirname) if d != dirname and dirname in self.resolve(d).dirs
        )

    def holders(self, path: str) -> frozenset[str]:
        """Directories whose own kustomization reads `path` (not through other kustomizations)."""
        dirname, _, base = path.rpartition("/")
        own = {dirname} if base in KUSTOMIZATION_NAMES else set()
        return frozenset(own) | self.referrers(path)

    def ancestors(self, paths: Iterable[str]) -> frozenset[str]:
        """Every directory whose closure contains one of `paths`."""
        seen: set[str] = set()
        queue = [d for p in paths for d in self.holders(p)]
        while queue:
            dirname = queue.pop()
            if dirname in seen:
                continue
            seen.add(dirname)
            queue.extend(self.includers(dirname) - seen)
        return frozenset(seen)


def _unspelled(text: str) -> bool:
    """Whether a kustomization may name a path without writing its components."""
    return "\\" in text or "helmChart" in text or bool(_DOT_REFERENCE.search(text))


def _descent(dirname: str, parts: list[str]) -> list[str]:
    """The components of a path below its common ancestor with `dirname`.

    A reference from `dirname` can only reach the path by climbing (`..`) to that ancestor or
    higher and then naming every one of these components on the way down.
    """
    own = dirname.split("/") if dirname else []
    common = 0
    while common < min(len(own), len(parts) - 1) and own[common] == parts[common]:
        common += 1
    return parts[common:]


def _spells(text: str, components: list[str]) -> bool:
    return all(c in text for c in components)


def _rank(path: str) -> int:
    return KUSTOMIZATION_NAMES.index(path.rpartition("/")[2])
