"""history against the emulator: bumps merged by merge commit and by squash."""

from __future__ import annotations

import json

import pytest
from github import Github

from tests.conftest import RunCli
from tests.integration.conftest import ManifestRepo

pytestmark = pytest.mark.integration
WEB = "ghcr.io/acme/web"


def test_history_reads_merged_bumps(
    run_cli: RunCli, manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    gh = fake_github_client.get_repo(manifest_repo.name)
    for tag, method in (("1.4.2", "merge"), ("1.5.0", "squash"), ("1.6.0", "rebase")):
        result = run_cli(
            "bump",
            *manifest_repo.cli_args(),
            "--json",
            "--env",
            "staging",
            "--image",
            f"{WEB}:{tag}",
            "--source-repo",
            "acme/web",
            "--source-sha",
            tag.replace(".", "") * 8,
        )
        assert result.exit_code == 0, result.stderr
        number = json.loads(result.stdout)["pull_request"]["number"]
        gh.get_pull(number).merge(merge_method=method)
    result = run_cli(
        "history", *manifest_repo.cli_args(), "--env", "staging", "--app", "web", "--json"
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    print(json.dumps(data, indent=1))
    images = [d["image"] for d in data["deployments"]]
    assert images == [f"{WEB}:1.6.0", f"{WEB}:1.5.0", f"{WEB}:1.4.2"]
