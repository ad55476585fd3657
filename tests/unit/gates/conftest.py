"""Shared fixtures: where the upstream reference data (Pluto/Polaris conformance suites) lives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .polaris.helpers import reference_root

# Read at import time: the per-test environment isolation clears CI later.
IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(scope="session")
def reference() -> Path:
    root = reference_root()
    if not (root / "GATES.md").is_file():
        message = f"reference data not found at {root} (set GITOPS_RELEASE_REFERENCE)"
        if IN_CI:  # conformance is required in CI, never silently skipped
            pytest.fail(message)
        pytest.skip(message)
    return root
