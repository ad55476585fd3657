"""Fixtures for promotion tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_release.git import auth_env
from tests.integration.conftest import ManifestRepo, git


@pytest.fixture
def work(manifest_repo: ManifestRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of the manifest repo for making staging changes by hand."""
    for key, value in auth_env(manifest_repo.token).items():
        monkeypatch.setenv(key, value)
    path = tmp_path / "work"
    git("clone", "-q", manifest_repo.git_url, str(path), cwd=tmp_path)
    return path
