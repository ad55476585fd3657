"""A manifest repository that allows branch deploys to staging."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gitops_release.git import auth_env
from tests.integration.conftest import ManifestRepo, git

WEB = "ghcr.io/acme/web"
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
BRANCH_DEPLOY = """branch_deploy:
  environments: [staging]
  ttl: 8h
"""


@pytest.fixture
def repo(
    manifest_repo: ManifestRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> ManifestRepo:
    """The example manifest repo with `branch_deploy:` on both branches (and this test's git
    allowed to push to it, as a person would)."""
    for key, value in auth_env(manifest_repo.token).items():
        monkeypatch.setenv(key, value)
    work = tmp_path / "work"
    git("clone", "-q", manifest_repo.git_url, work, cwd=tmp_path)
    for branch in ("develop", "master"):
        git("checkout", "-q", branch, cwd=work)
        config = work / ".gitops-release.yaml"
        config.write_text(config.read_text(encoding="utf-8") + BRANCH_DEPLOY, encoding="utf-8")
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "allow", cwd=work)
        git("push", "-q", "origin", branch, cwd=work)
    return manifest_repo
