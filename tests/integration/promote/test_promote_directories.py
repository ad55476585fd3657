"""Directory-per-environment repos: promote copies one app's image between environments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from github import Github

from gitops_release.testing import FakeGitHub
from tests.conftest import RunCli
from tests.integration.conftest import ManifestRepo, make_source_repo

pytestmark = pytest.mark.integration

CONFIG = """\
environments:
  staging: {path: envs/staging}
  production: {path: envs/production, promote_from: staging}
apps:
  web:
    image: ghcr.io/acme/web
    targets:
      - kustomize: envs/staging/web
        environments: [staging]
      - kustomize: envs/production/web
        environments: [production]
"""


def kustomization(tag: str) -> str:
    return (
        f'resources: [deployment.yaml]\nimages:\n  - name: ghcr.io/acme/web\n    newTag: "{tag}"\n'
    )


@pytest.fixture
def directory_repo(
    fake_github: FakeGitHub,
    fake_github_token: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> ManifestRepo:
    files = {
        ".gitops-release.yaml": CONFIG,
        "envs/staging/web/kustomization.yaml": kustomization("2.0.0"),
        "envs/production/web/kustomization.yaml": kustomization("1.9.0"),
    }
    source = make_source_repo(tmp_path / "dirs", files, develop=False)
    handle = fake_github.create_repo("acme/envs", source=source)
    monkeypatch.setenv("GITHUB_TOKEN", fake_github_token)
    return ManifestRepo(fake_github, fake_github_token, "acme/envs", Path(handle.path))


def test_promote_app_between_directories(
    run_cli: RunCli, directory_repo: ManifestRepo, fake_github_client: Github
) -> None:
    result = run_cli(
        "promote",
        *directory_repo.cli_args(),
        "--from-env",
        "staging",
        "--to-env",
        "production",
        "--app",
        "web",
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["action"] == "created"
    assert data["image"] == "ghcr.io/acme/web:2.0.0"
    assert data["base"] == "master"
    assert data["branch"] == "gitops-release/production/web"
    assert data["source_pull_request"] is None
    pull = fake_github_client.get_repo("acme/envs").get_pull(data["pull_request"]["number"])
    assert "promotion" in [label.name for label in pull.labels]
    head = directory_repo.ref("refs/heads/gitops-release/production/web")
    assert directory_repo.show(head, "envs/production/web/kustomization.yaml") == kustomization(
        "2.0.0"
    )
    assert directory_repo.show(head, "envs/staging/web/kustomization.yaml") == kustomization(
        "2.0.0"
    )
    again = run_cli("promote", *directory_repo.cli_args(), "--app", "web", "--json")
    assert json.loads(again.stdout)["action"] == "unchanged"


def test_branch_promotion_refuses_directory_environments(
    run_cli: RunCli, directory_repo: ManifestRepo
) -> None:
    result = run_cli("promote", *directory_repo.cli_args(), "--sha", "0" * 40)
    assert result.exit_code == 2
    assert "are directories, not branches: promote them with --app NAME" in result.stderr
