"""The order every diff report lists roots in (kept apart from the Markdown builder, so the
terminal report loads without it)."""

from __future__ import annotations

from collections.abc import Sequence

from gitops_release.diff.model import RootDiff

STATUS_ORDER = {"error": 0, "changed": 1, "unchanged": 2}


def roots_in_order(roots: Sequence[RootDiff]) -> list[RootDiff]:
    """Roots as every report lists them: errors first, then changed, then unchanged; by name."""
    return sorted(roots, key=lambda r: (STATUS_ORDER[r.status], r.name))
