"""`gitops-release preview-env up|down|list|expire --json`: the documented keys, exit 1 when a
preview is refused, and bad input named with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.integration.conftest import ManifestRepo, git
from tests.integration.preview_env.conftest import WEB, commit_files

pytestmark = pytest.mark.integration


def up(repo: ManifestRepo, run_cli: RunCli, pr: int, tag: str) -> tuple[int, dict[str, object]]:
    result = run_cli(
        "preview-env", "up", *repo.cli_args(), "--image", f"{WEB}:{tag}",
        "--source-repo", "acme/web", "--source-pr", str(pr), "--actor", "octocat", "--json",
    )  # fmt: skip
    return result.exit_code, json.loads(result.stdout)


def test_up_list_down_expire(repo: ManifestRepo, run_cli: RunCli) -> None:
    code, created = up(repo, run_cli, 7, "pr-7-abc1234")
    assert code == 0
    assert {"action", "path", "namespace", "url", "commit", "reason"} <= set(created)
    assert created["action"] == "created"
    assert (created["path"], created["namespace"]) == ("previews/web/pr-7", "web-pr-7")
    assert created["url"] == "https://web-pr-7.preview.example.com"
    assert created["commit"] == repo.ref("refs/heads/develop")
    assert (created["reason"], created["oldest"]) == ("", [])

    assert up(repo, run_cli, 7, "pr-7-abc1234")[1]["action"] == "unchanged"

    listed = run_cli("preview-env", "list", *repo.cli_args(), "--json")
    assert listed.exit_code == 0
    [preview] = json.loads(listed.stdout)["previews"]
    assert {"app", "pr", "path", "image", "created_at", "expires_at"} <= set(preview)
    assert (preview["app"], preview["pr"], preview["image"]) == ("web", 7, f"{WEB}:pr-7-abc1234")

    expired = run_cli(
        "preview-env", "expire", *repo.cli_args(), "--now", "2026-01-01T00:00:00Z", "--json"
    )
    assert json.loads(expired.stdout) == {"expired": []}

    removed = run_cli(
        "preview-env", "down", *repo.cli_args(), "--source-repo", "acme/web", "--source-pr", "7",
        "--json",
    )  # fmt: skip
    assert removed.exit_code == 0
    body = json.loads(removed.stdout)
    assert {"action": body["action"], "path": body["path"]} == {
        "action": "removed",
        "path": "previews/web/pr-7",
    }

    up(repo, run_cli, 8, "pr-8-abc")
    expired = run_cli(
        "preview-env", "expire", *repo.cli_args(), "--now", "2099-01-01T00:00:00Z", "--json"
    )
    [item] = json.loads(expired.stdout)["expired"]
    assert (item["repo"], item["pr"], item["path"]) == ("acme/web", 8, "previews/web/pr-8")


def test_refused_exits_1_with_the_reason(repo: ManifestRepo, run_cli: RunCli) -> None:
    assert up(repo, run_cli, 1, "pr-1")[0] == 0
    assert up(repo, run_cli, 2, "pr-2")[0] == 0
    code, refused = up(repo, run_cli, 3, "pr-3")
    assert code == 1
    assert refused["action"] == "refused"
    assert "preview_environments.max" in str(refused["reason"])
    assert [o["pr"] for o in refused["oldest"]] == [1, 2]  # type: ignore[union-attr]


def test_bad_input_is_named_and_nothing_is_written(repo: ManifestRepo, run_cli: RunCli) -> None:
    head, branches = repo.ref("refs/heads/develop"), repo.branches()
    result = run_cli(
        "preview-env", "up", *repo.cli_args(), "--image", "ghcr.io/acme/web:bad tag!",
        "--source-repo", "acme/web", "--source-pr", "7", "--json",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "invalid image reference" in json.loads(result.stdout)["error"]["message"]
    result = run_cli(
        "preview-env", "up", *repo.cli_args(), "--image", "ghcr.io/acme/other:1",
        "--source-repo", "acme/web", "--source-pr", "7",
    )  # fmt: skip
    assert result.exit_code == 1
    assert (
        "no app in .gitops-release.yaml" in result.stderr or "ghcr.io/acme/other" in result.stderr
    )
    result = run_cli(
        "preview-env", "up", *repo.cli_args(), "--image", f"{WEB}:x",
        "--source-repo", "not a repo", "--source-pr", "7",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--source-repo 'not a repo' is not OWNER/NAME" in result.stderr
    assert (repo.ref("refs/heads/develop"), repo.branches()) == (head, branches)


def test_a_symlinked_previews_directory_is_refused(
    repo: ManifestRepo, run_cli: RunCli, work: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    git("checkout", "-q", "develop", cwd=work)
    git("pull", "-q", "origin", "develop", cwd=work)
    (work / "previews").symlink_to(outside)
    commit_files(repo, work, "develop", {})
    head = repo.ref("refs/heads/develop")
    code, body = up(repo, run_cli, 7, "pr-7-abc1234")
    assert code == 1
    assert "previews is a symbolic link on the previews' branch" in json.dumps(body)
    assert list(outside.iterdir()) == []
    assert repo.ref("refs/heads/develop") == head
