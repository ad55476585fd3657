"""Render many roots in parallel, each with a timeout and its own error.

`Renderer` is the small protocol every tool adapter implements (kustomize, Helm, plain
manifests). Renders run as subprocesses from a thread pool as wide as the machine; kustomize
roots that can share a build are batched (see `render.kustomize`).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from gitops_release.diff.secrets import mask
from gitops_release.errors import GitopsReleaseError, RenderError
from gitops_release.parallel import run_tasks
from gitops_release.render import confine
from gitops_release.render.confine import escaping_links
from gitops_release.render.helm import HelmRenderer
from gitops_release.render.kustomize import (
    KustomizeRenderer,
    batchable,
    plan_batches,
    render_batch,
)
from gitops_release.render.manifests import ManifestRenderer
from gitops_release.render.model import RenderRoot
from gitops_release.render.secret_sources import source_secrets

MAX_BATCH = 32


class Renderer(Protocol):
    """Renders one root from a checkout; raises `RenderError` on failure or timeout."""

    kind: str

    def render(
        self, root: RenderRoot, checkout: Path, *, timeout: float, scratch: Path
    ) -> str: ...  # pragma: no cover


RENDERERS: Mapping[str, Renderer] = {
    "kustomize": KustomizeRenderer(),
    "helm": HelmRenderer(),
    "manifest": ManifestRenderer(),
}


@dataclass(frozen=True)
class Rendered:
    """One root's rendered manifests, or why there are none."""

    key: str
    name: str
    text: str | None
    error: str | None = None
    seconds: float = 0.0
    # Secret values the root's sources hold (to mask wherever its output or error is shown).
    secrets: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class RenderJob:
    """Roots to render from one checkout; `label` tells results apart (e.g. base / head)."""

    label: str
    checkout: Path
    roots: tuple[RenderRoot, ...]


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def render_roots(
    checkout: Path,
    roots: Sequence[RenderRoot],
    *,
    timeout: float,
    scratch: Path,
    workers: int | None = None,
) -> dict[str, Rendered]:
    """Render `roots` from `checkout`: root key → result. Never raises for a root's failure."""
    job = RenderJob("", checkout.resolve(), tuple(roots))
    results = render_many([job], timeout=timeout, scratch=scratch, workers=workers)
    return {key: rendered for (_, key), rendered in results.items()}


def render_many(
    jobs: Iterable[RenderJob],
    *,
    timeout: float,
    scratch: Path,
    workers: int | None = None,
) -> dict[tuple[str, str], Rendered]:
    """Render every job's roots in one pool: (job label, root key) → result."""
    width = workers or cpu_count()
    results: dict[tuple[str, str], Rendered] = {}
    confined = []
    for job in jobs:
        refused = {r.key: p for r in job.roots if (p := _escaping(r, job.checkout))}
        results.update(
            ((job.label, r.key), _refusal(r, refused[r.key])) for r in job.roots if r.key in refused
        )
        confined.append(replace(job, roots=tuple(r for r in job.roots if r.key not in refused)))

    def task(job: RenderJob, roots: tuple[RenderRoot, ...]) -> Callable[[], _Outcome]:
        if len(roots) == 1:
            return lambda: _single(job, roots[0], timeout, scratch)
        return lambda: _batch(job, roots, timeout, scratch)

    # Batches first: they take longest, and singles fill the gaps at the end.
    units = [(job, unit) for job in confined for unit in _units(job, width)]
    units.sort(key=lambda u: -len(u[1]))
    outcomes = run_tasks(
        [task(job, unit) for job, unit in units],
        width=width,
        follow_up=lambda outcome: [task(outcome.job, (root,)) for root in outcome.retry],
        name="render",
    )
    for outcome in outcomes:
        results.update(((outcome.job.label, r.key), r) for r in outcome.rendered)
    return results


@dataclass(frozen=True)
class _Outcome:
    job: RenderJob
    rendered: tuple[Rendered, ...]
    retry: tuple[RenderRoot, ...] = ()


def _units(job: RenderJob, width: int) -> list[tuple[RenderRoot, ...]]:
    """Split a job into batches of kustomize roots that may share a build, and single roots."""
    shared = [r for r in job.roots if batchable(r)]
    size = min(MAX_BATCH, math.ceil(len(shared) / width)) if shared else 0
    units = plan_batches(shared, size) if size >= 2 else []
    batched = {r.key for unit in units if len(unit) > 1 for r in unit}
    units = [u for u in units if len(u) > 1]
    units.extend((r,) for r in job.roots if r.key not in batched)
    return units


def _single(job: RenderJob, root: RenderRoot, timeout: float, scratch: Path) -> _Outcome:
    return _Outcome(job, (render_one(root, job.checkout, timeout=timeout, scratch=scratch),))


def _batch(
    job: RenderJob, roots: tuple[RenderRoot, ...], timeout: float, scratch: Path
) -> _Outcome:
    started = time.monotonic()
    outcome = render_batch(roots, job.checkout, timeout=timeout, scratch=scratch)
    share = (time.monotonic() - started) / len(roots)
    rendered = tuple(
        Rendered(
            r.key,
            r.name,
            outcome.texts[r.key],
            seconds=share,
            secrets=source_secrets(job.checkout, r.checkout),
        )
        for r in roots
        if r.key in outcome.texts
    )
    return _Outcome(job, rendered, outcome.retry)


def render_one(root: RenderRoot, checkout: Path, *, timeout: float, scratch: Path) -> Rendered:
    """Render one root; its failure becomes the result's `error`."""
    started = time.monotonic()
    secrets = source_secrets(checkout, root.checkout)
    try:
        _check_renderable(root)
        text = RENDERERS[root.kind].render(root, checkout, timeout=timeout, scratch=scratch)
    except Exception as exc:  # one root's failure, whatever it is, is that root's error
        if isinstance(exc, GitopsReleaseError):
            message = str(exc)
        elif isinstance(exc, OSError):
            message = f"{root.path}: {exc}"
        else:  # a bug here must not take every other root's result with it
            message = f"{root.path}: internal error while rendering: {type(exc).__name__}: {exc}"
        # Renderers quote their input: no secret value of the root's sources may show.
        message = mask(message, secrets)
        # Paths inside the temporary checkout mean nothing to the reader: make them repo-relative.
        message = repo_relative(message, checkout, scratch)
        return Rendered(root.key, root.name, None, message, time.monotonic() - started, secrets)
    return Rendered(root.key, root.name, text, None, time.monotonic() - started, secrets)


def repo_relative(message: str, checkout: Path, scratch: Path) -> str:
    """`message` with the temporary checkout and scratch paths left out (also as resolved)."""
    for directory in {checkout, checkout.resolve(), scratch, scratch.resolve()}:
        message = message.replace(f"{directory}/", "").replace(str(directory), ".")
    return message


def _escaping(root: RenderRoot, checkout: Path) -> tuple[str, ...]:
    """Links leaving the repository on the root's paths: from the listing, else on disk."""
    if root.escaping_links:
        return root.escaping_links
    return escaping_links(checkout, (root.path, *root.checkout))


def _refusal(root: RenderRoot, problems: tuple[str, ...]) -> Rendered:
    message = "; ".join(problems)
    return Rendered(root.key, root.name, None, f"{message}\n  hint: {confine.HINT}")


def _check_renderable(root: RenderRoot) -> None:
    if root.remote:
        listing = "\n  ".join(root.remote)
        raise RenderError(
            f"{root.path or '.'} uses remote resources, which cannot be fetched while rendering "
            f"(no network access):\n  {listing}",
            hint="vendor them: save the manifests into the repository (e.g. `kubectl kustomize "
            "<url> > vendor/<name>.yaml`, or copy the chart under the chart home) and refer to "
            "the local path instead of the URL",
        )
    if root.problems:
        raise RenderError(f"{root.path or '.'}: " + "; ".join(root.problems))
