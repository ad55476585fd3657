"""Missing reference data skips the conformance tests locally and fails them in CI (CI=true),
the cases parametrized at collection time included; with the data they pass in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from . import reference as ref

# One test taking the `reference` fixture, two parametrized from the data at collection time.
SELECTION = (
    "tests/unit/gates/test_deprecations.py::test_table_equals_pluto_versions_yaml",
    "tests/unit/gates/polaris/test_conformance.py::test_upstream_fixture",
    "tests/unit/gates/polaris/test_conformance.py::test_mutations_reproduce_polaris_fix",
)


def _run(args: list[str], reference: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env[ref.ENV] = str(reference)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, *args],
        cwd=ref.REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _pytest(reference: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    return _run(["-m", "pytest", "-q", "-p", "no:cacheprovider", *SELECTION], reference, ci=ci)


@pytest.mark.slow
def test_ci_fails_when_the_reference_data_is_missing(tmp_path: Path) -> None:
    run = _pytest(tmp_path, ci=True)
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert f"upstream reference data not found at {tmp_path}" in out
    assert "GITOPS_RELEASE_REFERENCE" in out
    assert "docs/development.md" in out
    for placeholder in (
        "test_upstream_fixture[reference-data]",
        "test_mutations_reproduce_polaris_fix[reference-data]",
    ):
        assert f"ERROR tests/unit/gates/polaris/test_conformance.py::{placeholder}" in out
    assert "3 errors" in out
    assert "skipped" not in out
    assert "passed" not in out


@pytest.mark.slow
def test_outside_ci_missing_reference_data_skips_with_the_reason(tmp_path: Path) -> None:
    run = _pytest(tmp_path, ci=False)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "3 skipped" in out
    assert f"upstream reference data not found at {tmp_path}" in out
    assert "error" not in out.lower()


@pytest.mark.slow
def test_ci_passes_with_the_reference_data(reference: Path) -> None:
    run = _pytest(reference, ci=True)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "skipped" not in out
    assert "error" not in out.lower()
    # 1 + 302 upstream fixtures + the mutated ones
    passed = int(out.rsplit(" passed", 1)[0].rsplit(maxsplit=1)[-1])
    assert passed > 303


def test_the_ci_script_check_fails_early_only_in_ci(tmp_path: Path, reference: Path) -> None:
    check = ["-m", "tests.unit.gates.reference"]
    missing = _run(check, tmp_path, ci=True)
    assert missing.returncode == 1
    assert "GITOPS_RELEASE_REFERENCE" in missing.stderr
    assert _run(check, tmp_path, ci=False).returncode == 0
    assert _run(check, reference, ci=True).returncode == 0


def test_an_incomplete_copy_names_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "pluto").mkdir()
    (tmp_path / "pluto" / "versions.yaml").write_text("deprecated-versions: []\n")
    (tmp_path / "polaris" / "test-checks").mkdir(parents=True)  # empty: as good as absent
    missing = ref.missing(tmp_path)
    assert "pluto/versions.yaml" not in missing
    assert "polaris/test-checks" in missing
    assert "pluto/e2e-assets" in missing
    assert "missing pluto/api-test_data/versions.yaml" in (ref.problem(tmp_path) or "")
