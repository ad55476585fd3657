"""preview against the emulator: the sticky comment with the rendered diff and the gates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from github import Github

from gitops_release.git import auth_env
from tests.conftest import RunCli
from tests.integration.conftest import ManifestRepo, git

pytestmark = pytest.mark.integration
API = "ghcr.io/acme/api"
MARKER = "<!-- gitops-release:preview -->"


def bump(run_cli: RunCli, repo: ManifestRepo, image: str, env: str = "staging") -> int:
    result = run_cli("bump", *repo.cli_args(), "--env", env, "--image", image, "--json")
    assert result.exit_code == 0, result.output
    return int(json.loads(result.stdout)["pull_request"]["number"])


def preview(run_cli: RunCli, repo: ManifestRepo, number: int, *args: str) -> tuple[int, dict, str]:
    result = run_cli("preview", *repo.cli_args(), "--pr", str(number), "--json", *args)
    data = json.loads(result.stdout) if result.stdout.startswith("{") else {}
    return result.exit_code, data, result.stderr


def our_comments(client: Github, repo: ManifestRepo, number: int) -> list:
    issue = client.get_repo(repo.name).get_issue(number)
    return [c for c in issue.get_comments() if c.body.startswith(MARKER)]


def test_sticky_comment_created_updated_untouched(
    run_cli: RunCli, manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    number = bump(run_cli, manifest_repo, f"{API}:2.1.0")
    code, first, err = preview(run_cli, manifest_repo, number)
    assert code == 0, err
    assert first["action"] == "created"
    assert first["state"] == "success"
    (comment,) = our_comments(fake_github_client, manifest_repo, number)
    body = comment.body
    assert "| api |" in body or "api" in body
    assert f"{API}:2.0.0" in body
    assert f"{API}:2.1.0" in body
    assert "<details>" in body
    assert "```diff" in body
    assert "Gates passed" in body
    statuses = (
        fake_github_client.get_repo(manifest_repo.name)
        .get_commit(
            first["pull_request"]["url"]
            and manifest_repo.ref("refs/heads/gitops-release/staging/api")
        )
        .get_statuses()
    )
    assert [s.state for s in statuses][:1] == ["success"]
    assert statuses[0].context == "gitops-release/preview"

    bump(run_cli, manifest_repo, f"{API}:2.2.0")
    code, second, err = preview(run_cli, manifest_repo, number)
    assert code == 0, err
    assert second["action"] == "updated"
    assert second["comment"]["id"] == first["comment"]["id"]
    (comment,) = our_comments(fake_github_client, manifest_repo, number)
    assert f"{API}:2.2.0" in comment.body

    manifest_repo.github.log.clear()
    code, third, err = preview(run_cli, manifest_repo, number)
    assert code == 0, err
    assert third["action"] == "unchanged"
    assert not manifest_repo.github.log.find(method="PATCH", route=r".*comments.*")
    assert not [
        r
        for r in manifest_repo.github.log.records()
        if r.method == "PATCH" and "comments" in r.path
    ]
    assert len(our_comments(fake_github_client, manifest_repo, number)) == 1


def _push_change(
    repo: ManifestRepo,
    tmp_path: Path,
    branch: str,
    files: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    *,
    base: str = "develop",
) -> None:
    for key, value in auth_env(repo.token).items():
        monkeypatch.setenv(key, value)
    work = tmp_path / f"w-{branch}"
    if not work.exists():
        git("clone", "-q", repo.git_url, str(work), cwd=tmp_path)
    git("fetch", "-q", "origin", cwd=work)
    git("switch", "-q", "-C", branch, f"origin/{base}", cwd=work)
    for name, text in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text, encoding="utf-8")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", f"change {', '.join(files)}", cwd=work)
    git("push", "-q", "-f", "origin", f"HEAD:refs/heads/{branch}", cwd=work)


def _pull_adding_to_web_base(
    repo: ManifestRepo,
    client: Github,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    branch: str,
    name: str,
    text: str,
) -> Any:
    """A pull request to develop that adds a manifest to the web app's base."""
    kustomization = repo.show("develop", "apps/web/base/kustomization.yaml")
    files = {
        f"apps/web/base/{name}": text,
        "apps/web/base/kustomization.yaml": kustomization + f"  - {name}\n",
    }
    _push_change(repo, tmp_path, branch, files, monkeypatch)
    return client.get_repo(repo.name).create_pull(
        base="develop", head=branch, title=f"Add {name}", body=""
    )


def test_failing_gates_removed_api_and_registry(
    run_cli: RunCli,
    manifest_repo: ManifestRepo,
    fake_github_client: Github,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = (
        "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\n"
        "  namespace: api\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: api-worker}\n"
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cache\n  namespace: api\n"
        "spec:\n  replicas: 2\n  selector:\n    matchLabels: {app: cache}\n  template:\n"
        "    metadata:\n      labels: {app: cache}\n    spec:\n      containers:\n"
        "        - name: redis\n          image: docker.io/library/redis:7.2\n"
    )
    pull = _pull_adding_to_web_base(
        manifest_repo, fake_github_client, tmp_path, monkeypatch, "risky", "extra.yaml", bad
    )
    code, data, err = preview(run_cli, manifest_repo, pull.number)
    assert code == 3, err
    assert data["state"] == "failure"
    (comment,) = our_comments(fake_github_client, manifest_repo, pull.number)
    assert "policy/v1beta1 PodDisruptionBudget was removed in k8s v1.25.0" in comment.body
    assert "imageRegistryAllowlist" in comment.body
    assert "redis" in comment.body
    status = fake_github_client.get_repo(manifest_repo.name).get_commit(pull.head.sha)
    assert status.get_combined_status().state == "failure"


def test_base_moved_shows_no_false_revert(
    run_cli: RunCli,
    manifest_repo: ManifestRepo,
    fake_github_client: Github,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    number = bump(run_cli, manifest_repo, f"{API}:2.1.0")
    # develop moves on after the PR branch was cut: the web overlay changes on the base.
    overlay = manifest_repo.show("develop", "apps/web/overlays/staging/kustomization.yaml")
    _push_change(
        manifest_repo,
        tmp_path,
        "develop",
        {"apps/web/overlays/staging/kustomization.yaml": overlay.replace("1.4.1", "1.9.9")},
        monkeypatch,
    )
    code, data, err = preview(run_cli, manifest_repo, number)
    assert code == 0, err
    roots = {r["name"]: r for r in data["diff"]["roots"]}
    assert all("web" not in name or r["status"] == "unchanged" for name, r in roots.items())
    (comment,) = our_comments(fake_github_client, manifest_repo, number)
    assert "1.9.9" not in comment.body
    assert "1.4.1" not in comment.body


def test_a_pull_request_that_does_not_exist_is_named(
    run_cli: RunCli, manifest_repo: ManifestRepo
) -> None:
    result = run_cli("preview", *manifest_repo.cli_args(), "--pr", "99")
    assert result.exit_code == 1
    assert "acme/manifests has no pull request #99" in result.stderr
    assert "not visible to this token" not in result.stderr


def test_a_failed_gate_points_at_the_comment_that_shows_the_findings(
    run_cli: RunCli,
    manifest_repo: ManifestRepo,
    fake_github_client: Github,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pdb = (
        "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: api\n"
        "  namespace: api\nspec:\n  minAvailable: 1\n"
    )
    pull = _pull_adding_to_web_base(
        manifest_repo, fake_github_client, tmp_path, monkeypatch, "old-pdb", "pdb.yaml", pdb
    )
    result = run_cli("preview", *manifest_repo.cli_args(), "--pr", str(pull.number))
    assert result.exit_code == 3, result.output
    (comment,) = our_comments(fake_github_client, manifest_repo, pull.number)
    assert "removed-api on PodDisruptionBudget api" in result.stderr
    assert f"see the findings (in the comment: {comment.html_url})" in result.stderr
    assert "above" not in result.stderr
