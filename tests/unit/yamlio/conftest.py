"""The upstream reference data, as the gates' tests read it (see tests/unit/gates/reference.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.gates import reference as ref


@pytest.fixture(scope="session")
def reference() -> Path:
    return ref.require(ref.reference_root())
