"""Directory-per-environment repos: promote copies one app's image between environments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from github import Github

from gitops_release.testing import FakeGitHub
from tests.conftest import RunCli
from tests.integration.conftest import ManifestRepo, git, make_source_repo

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


def _app_repo(fake_github: FakeGitHub, tmp_path: Path) -> None:
    """acme/web with a branch per feature, each changing its own file."""
    path = tmp_path / "web-src"
    path.mkdir()
    git("init", "-q", "-b", "main", cwd=path)
    for name in ("README", "login", "search"):
        if name != "README":
            git("switch", "-q", "-c", name, "main", cwd=path)
        (path / f"{name}.txt").write_text(f"{name}\n", encoding="utf-8")
        git("add", "-A", cwd=path)
        git("-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "-qm",
            f"Implement {name}", cwd=path)  # fmt: skip
        git("switch", "-q", "main", cwd=path)
    fake_github.create_repo("acme/web", source=path)


def _merged(client: Github, feature: str) -> tuple[int, str]:
    pull = client.get_repo("acme/web").create_pull(
        base="main", head=feature, title=f"Add {feature}", body=""
    )
    return pull.number, pull.merge(merge_method="squash").sha


def test_promote_app_carries_the_source_and_is_recorded_as_a_promotion(
    run_cli: RunCli,
    directory_repo: ManifestRepo,
    fake_github: FakeGitHub,
    fake_github_client: Github,
    tmp_path: Path,
) -> None:
    client = fake_github_client
    manifests = client.get_repo("acme/envs")
    _app_repo(fake_github, tmp_path)
    login, r1 = _merged(client, "login")
    search, r2 = _merged(client, "search")

    def release_and_promote(tag: str, sha: str) -> str:
        bumped = run_cli(
            "bump", *directory_repo.cli_args(), "--env", "staging", "--image",
            f"ghcr.io/acme/web:{tag}", "--source-repo", "acme/web", "--source-sha", sha, "--json",
        )  # fmt: skip
        assert bumped.exit_code == 0, bumped.output
        manifests.get_pull(json.loads(bumped.stdout)["pull_request"]["number"]).merge()
        promoted = run_cli("promote", *directory_repo.cli_args(), "--app", "web", "--json")
        assert promoted.exit_code == 0, promoted.output
        pull = manifests.get_pull(json.loads(promoted.stdout)["pull_request"]["number"])
        body = pull.body
        message = _message(directory_repo, pull.head.sha)
        assert f"Gitops-Release-Source: acme/web@{sha}" in message
        assert "Gitops-Release-Promoted-From: staging" in message
        pull.merge()
        return body

    first = release_and_promote("2.1.0", r1)
    # production's 1.9.0 was set by hand: only that end is unknown, not the promoted image
    assert "`ghcr.io/acme/web:1.9.0` (production now) records no app commit" in first
    assert "`ghcr.io/acme/web:2.1.0` records no app commit" not in first
    assert f"[acme/web@{r1[:7]}]" in first  # the source link
    second = release_and_promote("2.2.0", r2)
    assert "unknown source" not in second
    assert f"- [#{search}]" in second
    assert f"- [#{login}]" not in second

    history = run_cli(
        "history", *directory_repo.cli_args(), "--env", "production", "--app", "web", "--json"
    )
    assert history.exit_code == 0, history.output
    rows = [(d["image"], d["kind"], d["source"]["sha"]) for d in json.loads(history.stdout)[
        "deployments"
    ]]  # fmt: skip
    assert rows == [
        ("ghcr.io/acme/web:2.2.0", "promotion", r2),
        ("ghcr.io/acme/web:2.1.0", "promotion", r1),
    ]


def test_promote_app_of_an_image_set_by_hand_says_unknown_source(
    run_cli: RunCli, directory_repo: ManifestRepo, fake_github_client: Github
) -> None:
    promoted = run_cli("promote", *directory_repo.cli_args(), "--app", "web", "--json")
    assert promoted.exit_code == 0, promoted.output
    pull = fake_github_client.get_repo("acme/envs").get_pull(
        json.loads(promoted.stdout)["pull_request"]["number"]
    )
    assert "unknown source" in pull.body
    message = _message(directory_repo, pull.head.sha)
    assert "Gitops-Release-Source" not in message
    assert "Gitops-Release-Promoted-From: staging" in message


def _message(repo: ManifestRepo, sha: str) -> str:
    return git("--git-dir", repo.bare, "log", "-1", "--format=%B", sha, cwd=repo.bare)
