"""Fixtures for the `tags` tests: a git checkout to read."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_release import proc
from tests.integration.conftest import git


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A git repository on branch `feature/Login` with one commit made at a fixed time."""
    path = tmp_path / "app"
    path.mkdir()
    git("init", "-q", "-b", "feature/Login", cwd=path)
    (path / "Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    git("add", "-A", cwd=path)
    stamp = "2024-03-05T06:07:08+00:00"
    proc.run(
        ["git", "commit", "-q", "-m", "first"],
        cwd=path,
        env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )
    return path
