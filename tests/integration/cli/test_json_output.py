"""`--json` against the GitHub emulator: stdout is exactly one JSON document, the result or the
error, whatever the exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from github import Github

from gitops_release.git import auth_env
from tests.conftest import RunCli
from tests.integration.conftest import ManifestRepo, git

pytestmark = pytest.mark.integration

REMOVED_API = (
    "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n"
    "spec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: web}\n"
)


def _open_pull(
    repo: ManifestRepo, client: Github, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> int:
    """A PR against develop that adds a PodDisruptionBudget of a removed API."""
    for key, value in auth_env(repo.token).items():
        monkeypatch.setenv(key, value)
    work = tmp_path / "work"
    git("clone", "-q", "--branch", "develop", repo.git_url, str(work), cwd=tmp_path)
    base = work / "apps/web/base"
    (base / "pdb.yaml").write_text(REMOVED_API, encoding="utf-8")
    kustomization = base / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text("utf-8") + "  - pdb.yaml\n", "utf-8")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "add a PDB", cwd=work)
    git("push", "-q", "origin", "HEAD:refs/heads/pdb", cwd=work)
    pull = client.get_repo(repo.name).create_pull(base="develop", head="pdb", title="PDB", body="")
    return int(pull.number)


def test_failed_gates_keep_the_result_as_the_one_document(
    run_cli: RunCli,
    manifest_repo: ManifestRepo,
    fake_github_client: Github,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    number = _open_pull(manifest_repo, fake_github_client, tmp_path, monkeypatch)
    result = run_cli(
        "preview", *manifest_repo.cli_args(), "--pr", str(number), "--dry-run", "--json"
    )
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)  # one document: the preview, not an error after it
    assert data["state"] == "failure"
    assert "error" not in data
    assert "error: gate failed: 2 failing finding(s)" in result.stderr


def test_error_before_any_result_is_the_json_document(
    run_cli: RunCli, manifest_repo: ManifestRepo
) -> None:
    result = run_cli("preview", *manifest_repo.cli_args(), "--pr", "999", "--json")
    assert result.exit_code == 1, result.output
    error = json.loads(result.stdout)["error"]
    assert error["exit_code"] == 1
    assert error["message"]
    assert result.stderr.startswith(f"error: {error['message'].splitlines()[0]}")


def test_bump_error_as_json(run_cli: RunCli, manifest_repo: ManifestRepo) -> None:
    result = run_cli(
        "bump", *manifest_repo.cli_args(), "--env", "qa", "--image", "ghcr.io/acme/web:9.9.9",
        "--json",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    error = json.loads(result.stdout)["error"]
    assert error["message"].startswith("unknown environment 'qa'")
    assert manifest_repo.token not in result.stdout + result.stderr
