"""Where the upstream Pluto/Polaris reference data lives, and what happens without it.

The gate conformance tests read test data of FairwindsOps/pluto v5.24.0 and FairwindsOps/polaris
v10.2.2 at run time, from `$GITOPS_RELEASE_REFERENCE` or else from `../shared/reference` next to
the repository; the data is never part of the repository (layout: docs/development.md). Without
it those tests are skipped, except in CI (`CI` set, e.g. `CI=true`), where they fail: conformance
is required there, never silently skipped.

`python -m tests.unit.gates.reference` reports the same verdict (exit 1 when CI would fail).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

ENV = "GITOPS_RELEASE_REFERENCE"
REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT = REPO_ROOT.parent / "shared" / "reference"

# Every path the tests read, relative to the reference root (directories must not be empty).
REQUIRED = (
    "pluto/versions.yaml",
    "pluto/api-test_data/versions.yaml",
    "pluto/e2e-assets",
    "pluto/finder-testdata",
    "polaris/default.yaml",
    "polaris/checks",
    "polaris/test-checks",
    "polaris/kube-test_files",
)

# Read at import time: the per-test environment isolation (tests/conftest.py) clears CI later.
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")

# Marks the one case that stands in for parameters built from missing reference data.
PLACEHOLDER_MARK = "reference_placeholder"


def reference_root() -> Path:
    """`$GITOPS_RELEASE_REFERENCE` if set, else ../shared/reference next to the repository."""
    override = os.environ.get(ENV)
    return Path(override) if override else DEFAULT


def missing(root: Path) -> list[str]:
    """The required paths that are absent (or empty) under `root`."""

    def present(path: Path) -> bool:
        if path.is_dir():
            return any(path.iterdir())
        return path.is_file()

    return [rel for rel in REQUIRED if not present(root / rel)]


def problem(root: Path) -> str | None:
    """Why the reference data at `root` cannot be used, with how to provide it; None if it can."""
    absent = missing(root)
    if not absent:
        return None
    source = f"${ENV}" if os.environ.get(ENV) else f"the default (${ENV} is not set)"
    whole = len(absent) == len(REQUIRED)
    what = "none of the data is there" if whole else "missing " + ", ".join(absent)
    return (
        f"upstream reference data not found at {root} ({source}): {what}. "
        f"Point {ENV} at a directory laid out like ../shared/reference, built from "
        "FairwindsOps/pluto v5.24.0 and FairwindsOps/polaris v10.2.2 as docs/development.md "
        "describes (CI builds it from checkouts of both: .github/workflows/ci.yml)"
    )


def require(root: Path) -> Path:
    """`root` if the data is there; otherwise skip the test, or fail it in CI."""
    reason = problem(root)
    if reason is None:
        return root
    if IN_CI:
        pytest.fail(f"{reason}. Conformance is required in CI.", pytrace=False)
    pytest.skip(reason)


def collected(build: Callable[[Path], Iterable[Path]]) -> list[Any]:
    """Parameters built from the reference data at collection time, one per file `build` finds.

    Without the data, one placeholder case stands in, so the test is reported skipped (or, in
    CI, failed) with the reason instead of collecting nothing; see conftest.py.
    """
    root = reference_root()
    params = []
    if problem(root) is None:
        params = [pytest.param(p, id=f"{p.parent.name}/{p.name}") for p in build(root)]
    return params or [
        pytest.param(None, id="reference-data", marks=getattr(pytest.mark, PLACEHOLDER_MARK))
    ]


def main() -> int:
    root = reference_root()
    reason = problem(root)
    if reason is None:
        print(f"reference data: {root}")
        return 0
    if IN_CI:
        print(f"error: {reason}. Conformance is required in CI.", file=sys.stderr)
        return 1
    print(f"reference data: {reason}; the conformance tests will be skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
