"""The rendered diff: render the roots a change affects at two revisions and compare them per
resource.

plan: resolve both revisions, list the changed paths, find the affected roots on each side
      (from git objects, before anything is written to disk);
apply: write only what those roots need from git objects, render base and head in one parallel
      pool, compare.
The `diff` flow runs it between two revisions; the preview step between a pull request's base
and the merge result (`render.revisions.merge_result`); `check` renders the head side only.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gitops_release.config.defaults import CONFIG_FILE, DEFAULT_RENDER_TIMEOUT
from gitops_release.diff.compare import (
    Parsed,
    RootInfo,
    compare_root,
    error_root,
    mask_root,
    parse_side,
)
from gitops_release.diff.model import DiffResult, Presence
from gitops_release.diff.resources import parse_manifests
from gitops_release.diff.secrets import secret_values
from gitops_release.errors import ConfigError, RenderError
from gitops_release.locks import TOOL_DIR
from gitops_release.parallel import map_threads
from gitops_release.render.checkout import Revision, render_commits
from gitops_release.render.discover import ConfigRoots, RepoIndex, config_at, text_blobs
from gitops_release.render.graph import ParseCache
from gitops_release.render.model import RenderRoot
from gitops_release.render.revisions import resolve_commits
from gitops_release.render.run import Rendered
from gitops_release.render.tree import GitBlobStore, Tree, changed_paths, tree_from_git

if TYPE_CHECKING:
    from gitops_release.config import Config

BASE = "base"
HEAD = "head"


@dataclass(frozen=True)
class DiffRequest:
    repo: Path
    base: str
    head: str
    all_roots: bool = False
    timeout: float | None = None  # seconds per render; default: config render.timeout
    workers: int | None = None  # parallel renders; default: the number of CPUs


@dataclass(frozen=True)
class RootPlan:
    """One affected root: its definition on each side (None: absent there)."""

    key: str
    base: RenderRoot | None
    head: RenderRoot | None

    @property
    def identical(self) -> bool:
        """Same definition and byte-identical dependencies: base renders exactly like head."""
        return (
            self.base is not None and self.head is not None and self.base.digest == self.head.digest
        )

    @property
    def presence(self) -> Presence:
        return "head" if self.base is None else "base" if self.head is None else "both"

    def info(self) -> RootInfo:
        root = self.head or self.base
        assert root is not None
        return RootInfo(root.key, root.name, root.path, root.kind, self.presence)


@dataclass(frozen=True)
class DiffPlan:
    request: DiffRequest
    base_commit: str
    head_commit: str
    changed_files: tuple[str, ...]
    roots: tuple[RootPlan, ...]
    timeout: float
    unrendered: tuple[str, ...] = ()
    unrendered_notes: tuple[tuple[str, str], ...] = ()
    # The snapshots the plan was made from: rendering writes their files from the same blobs.
    base_tree: Tree | None = None
    head_tree: Tree | None = None


def plan_diff(request: DiffRequest) -> DiffPlan:
    """Decide what to render (no checkout, no render)."""
    base_commit, head_commit = resolve_commits(request.repo, request.base, request.head)
    base_tree, head_tree = _trees(request.repo, base_commit, head_commit)
    changed = changed_paths(base_tree, head_tree)
    head_config = config_at(head_tree)
    base_config = _base_config(base_tree, fallback=head_config)
    cache = ParseCache()  # base and head share most files: parse each once
    base = RepoIndex(base_tree, config_roots=ConfigRoots.from_config(base_config), cache=cache)
    head = RepoIndex(head_tree, config_roots=ConfigRoots.from_config(head_config), cache=cache)
    if request.all_roots:
        keys = base.all_keys() | head.all_keys()
    else:
        keys = base.affected(changed) | head.affected(changed)
    plans = (RootPlan(k, base.root(k), head.root(k)) for k in sorted(keys))
    # A root whose definition and inputs are byte-identical on both sides only shows with --all
    # (e.g. one of several Applications in a file where another Application changed).
    roots = tuple(
        p
        for p in plans
        if (p.base is not None or p.head is not None) and (request.all_roots or not p.identical)
    )
    unrendered = _unrendered(changed, [base, head], keys)
    notes = tuple((p, n) for p in unrendered if (n := head.why_unrendered(p)) is not None)
    timeout = request.timeout or (
        head_config.render_timeout if head_config else DEFAULT_RENDER_TIMEOUT
    )
    return DiffPlan(
        request, base_commit, head_commit, changed, roots, timeout, unrendered, notes,
        base_tree=base_tree, head_tree=head_tree,
    )  # fmt: skip


_MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


def _unrendered(
    changed: Iterable[str], indexes: Iterable[RepoIndex], keys: Iterable[str]
) -> tuple[str, ...]:
    """Changed manifest files outside the closure of every affected root."""
    closures = [c for i in indexes for k in keys if (c := i.closure(k)) is not None]
    return tuple(
        path
        for path in sorted(changed)
        if path.endswith(_MANIFEST_SUFFIXES)
        and path != CONFIG_FILE
        and not path.startswith(TOOL_DIR)  # the tool's own state (branch-deploy locks)
        and not any(c.contains(path) for c in closures)
    )


def _trees(repo: Path, base: str, head: str) -> tuple[Tree, Tree]:
    """Both file listings, and the text of every file discovery reads, with one blob read."""
    store = GitBlobStore(repo)
    base_tree, head_tree = map_threads(
        lambda c: tree_from_git(repo, c, store=store), [base, head], name="tree"
    )
    store.texts(text_blobs(base_tree) | text_blobs(head_tree))
    return base_tree, head_tree


def _base_config(tree: Tree, *, fallback: Config | None) -> Config | None:
    # An invalid config on the base side is what the change may be fixing: use the head's.
    try:
        return config_at(tree)
    except ConfigError:
        return fallback


def apply_diff(plan: DiffPlan, *, salt: bytes | None = None) -> DiffResult:
    """Render what the plan needs and compare; each root's failure stays that root's error."""
    rendered = render_plan(plan)
    return compare(plan, rendered, salt=salt if salt is not None else os.urandom(16))


def head_renders(rendered: Mapping[tuple[str, str], Rendered]) -> dict[str, Rendered]:
    """The head side of `render_plan`'s results, by root key (what the gates check)."""
    return {key: result for (label, key), result in rendered.items() if label == HEAD}


def render_plan(plan: DiffPlan) -> dict[tuple[str, str], Rendered]:
    """Render every root the plan needs: (base|head, root key) → result."""
    base_roots = tuple(p.base for p in plan.roots if p.base is not None and not p.identical)
    head_roots = tuple(p.head for p in plan.roots if p.head is not None)
    return render_commits(
        plan.request.repo,
        [
            Revision(BASE, plan.base_commit, base_roots, plan.base_tree),
            Revision(HEAD, plan.head_commit, head_roots, plan.head_tree),
        ],
        timeout=plan.timeout,
        workers=plan.request.workers,
    )


def compare(
    plan: DiffPlan, rendered: Mapping[tuple[str, str], Rendered], *, salt: bytes
) -> DiffResult:
    """Turn render results into the diff (pure)."""
    parsed: dict[str, tuple[Parsed, Parsed]] = {}
    errors: dict[str, list[str]] = {}
    for root in plan.roots:
        base, head = _sides(root, rendered)
        problems = _problems(root, plan, base, head)
        if problems:
            errors[root.key] = problems
            continue
        name = root.info().name
        try:
            parsed[root.key] = (
                _parse(base, root.base, source=f"{name} (base)", salt=salt),
                _parse(head, root.head, source=f"{name} (head)", salt=salt),
            )
        except RenderError as exc:
            errors[root.key] = [exc.message]
    secrets = secret_values(r for pair in parsed.values() for side in pair for r in side.raw)
    secrets |= _secrets_of_failed_roots(rendered, errors)
    secrets |= frozenset(v for r in rendered.values() for v in r.secrets)
    diffs = [
        error_root(root.info(), errors[root.key], secrets=secrets)
        if root.key in errors
        else mask_root(compare_root(root.info(), *parsed[root.key]), secrets)
        for root in plan.roots
    ]
    diffs.sort(key=lambda d: (d.name, d.key))
    return DiffResult(
        base=plan.request.base,
        head=plan.request.head,
        base_commit=plan.base_commit,
        head_commit=plan.head_commit,
        roots=tuple(diffs),
        changed_files=plan.changed_files,
        unrendered_files=plan.unrendered,
        unrendered_notes=plan.unrendered_notes,
    )


def _parse(
    result: Rendered | None, definition: RenderRoot | None, *, source: str, salt: bytes
) -> Parsed:
    """One side as Argo CD would apply it: the Application itself first (its spec is part of
    the change: destination, project, sync policy), resources in its destination namespace."""
    if result is None or definition is None or result.text is None:
        return parse_side(None, source=source, salt=salt)
    text = result.text
    if definition.app_manifest:
        text = f"---\n{definition.app_manifest}\n---\n{text}"
    return parse_side(text, source=source, salt=salt, namespace=definition.destination_namespace)


def _secrets_of_failed_roots(
    rendered: Mapping[tuple[str, str], Rendered], errors: Mapping[str, object]
) -> frozenset[str]:
    """Secret values a failed root's other side rendered (e.g. head failed, base rendered)."""
    found: set[str] = set()
    for (_, key), result in rendered.items():
        if key in errors and result.text is not None:
            with contextlib.suppress(RenderError):
                found |= secret_values(parse_manifests(result.text, source=result.name))
    return frozenset(found)


def _sides(
    root: RootPlan, rendered: Mapping[tuple[str, str], Rendered]
) -> tuple[Rendered | None, Rendered | None]:
    head = rendered.get((HEAD, root.key)) if root.head is not None else None
    if root.base is None:
        return None, head
    return (head if root.identical else rendered.get((BASE, root.key))), head


def _problems(
    root: RootPlan, plan: DiffPlan, base: Rendered | None, head: Rendered | None
) -> list[str]:
    problems = []
    for label, commit, definition, result in (
        (BASE, plan.base_commit, root.base, base),
        (HEAD, plan.head_commit, root.head, head),
    ):
        if definition is None:
            continue
        if result is None:
            problems.append(f"{label} ({commit[:7]}): not rendered")
        elif result.error:
            problems.append(f"{label} ({commit[:7]}): {result.error}")
    return problems
