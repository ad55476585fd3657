"""`gitops-release branch-deploy deploy|undeploy|expire --json`: the documented keys, exit 1 when
the environment is lent to another pull request."""

from __future__ import annotations

import json

import pytest

from tests.conftest import RunCli
from tests.integration.branch_deploy.conftest import WEB
from tests.integration.conftest import ManifestRepo

pytestmark = pytest.mark.integration


def test_deploy_locked_undeploy_expire(repo: ManifestRepo, run_cli: RunCli) -> None:
    def deploy(pr: int, tag: str) -> tuple[int, dict[str, object]]:
        result = run_cli(
            "branch-deploy", "deploy", *repo.cli_args(), "--env", "staging",
            "--image", f"{WEB}:{tag}", "--source-repo", "acme/web", "--source-pr", str(pr),
            "--actor", "octocat", "--ttl", "2h", "--json",
        )  # fmt: skip
        return result.exit_code, json.loads(result.stdout)

    code, first = deploy(42, "pr-42-abc1234")
    assert code == 0
    assert set(first) == {
        "action", "environment", "app", "image", "restore_image", "expires_at", "held_by",
        "commit",
    }  # fmt: skip
    assert first["action"] == "deployed"
    assert first["restore_image"] == f"{WEB}:1.4.1"
    assert first["held_by"] == "acme/web#42"
    assert str(first["expires_at"]).endswith("Z")

    code, second = deploy(7, "pr-7-def5678")
    assert code == 1
    assert (second["action"], second["held_by"]) == ("locked", "acme/web#42")

    undone = run_cli(
        "branch-deploy", "undeploy", *repo.cli_args(), "--env", "staging", "--app", "web",
        "--source-repo", "acme/web", "--source-pr", "42", "--json",
    )  # fmt: skip
    assert undone.exit_code == 0
    assert json.loads(undone.stdout) == {"action": "undeployed", "image": f"{WEB}:1.4.1"}

    expired = run_cli(
        "branch-deploy", "expire", *repo.cli_args(), "--now", "2099-01-01T00:00:00Z", "--json"
    )
    assert expired.exit_code == 0
    assert json.loads(expired.stdout) == {"expired": []}

    assert deploy(7, "pr-7-def5678")[0] == 0
    expired = run_cli(
        "branch-deploy", "expire", *repo.cli_args(), "--now", "2099-01-01T00:00:00Z", "--json"
    )
    assert json.loads(expired.stdout) == {
        "expired": [
            {
                "environment": "staging", "app": "web", "held_by": "acme/web#7",
                "image": f"{WEB}:1.4.1", "repo": "acme/web", "pr": 7,
            }
        ]
    }  # fmt: skip


def test_bad_input_is_named(repo: ManifestRepo, run_cli: RunCli) -> None:
    result = run_cli("branch-deploy", "expire", *repo.cli_args(), "--now", "yesterday", "--json")
    assert result.exit_code == 2
    assert "--now 'yesterday' is not an ISO 8601 time" in result.stdout
    result = run_cli(
        "branch-deploy", "deploy", *repo.cli_args(), "--env", "staging", "--image", "web",
        "--source-repo", "acme/web", "--source-pr", "1",
    )  # fmt: skip
    assert result.exit_code == 1  # as bump: a bad image reference is an error, not usage
    assert "image reference 'web' has no tag or digest" in result.output
