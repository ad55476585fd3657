"""Shared fixtures: the upstream reference data (Pluto/Polaris conformance suites).

Missing data skips the tests that read it, or fails them in CI; see reference.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import reference as ref


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{ref.PLACEHOLDER_MARK}: stands in for cases built from missing reference data"
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker(ref.PLACEHOLDER_MARK) is None:
        return
    root = ref.require(ref.reference_root())  # skips, or fails in CI, when the data is missing
    pytest.fail(f"the reference data at {root} gave no cases for {item.name}", pytrace=False)


@pytest.fixture(scope="session")
def reference() -> Path:
    return ref.require(ref.reference_root())
