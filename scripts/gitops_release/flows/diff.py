"""`diff`: the rendered diff of the roots a change affects, between two revisions of a local
repository (plan + apply of `steps.rendered_diff`; nothing to publish)."""

from __future__ import annotations

from gitops_release.diff.model import DiffResult
from gitops_release.steps.rendered_diff import DiffRequest, apply_diff, plan_diff

__all__ = ["DiffRequest", "run_diff"]


def run_diff(request: DiffRequest) -> DiffResult:
    """plan + apply."""
    return apply_diff(plan_diff(request))
