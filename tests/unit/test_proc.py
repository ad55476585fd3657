"""The process wrapper names a missing working directory as such, not as a missing program."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_release import proc
from gitops_release.errors import ProcessError


def test_missing_working_directory(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    with pytest.raises(ProcessError) as caught:
        proc.run(["git", "status"], cwd=gone)
    assert caught.value.message == f"cannot run git: no such directory: {gone}"


def test_missing_program_still_says_so(tmp_path: Path) -> None:
    with pytest.raises(ProcessError) as caught:
        proc.run(["gitops-release-no-such-program"], cwd=tmp_path)
    assert "`gitops-release-no-such-program` is not installed or not on PATH" in str(caught.value)
