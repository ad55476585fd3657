"""The demo runs the whole chain on the bundled example, through the GitHub emulator."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from github import Auth, Github

from gitops_release.demo import DEMO_TOKEN
from gitops_release.testing import FakeGitHub, Token
from tests.conftest import RunCli

pytestmark = pytest.mark.integration


def test_demo(run_cli: RunCli) -> None:
    result = run_cli("demo")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "+          image: ghcr.io/acme/api:2.1.0" in out
    assert "created: pull request #1" in out
    assert "run again → unchanged: nothing pushed, still one pull request" in out
    assert "status gitops-release/preview: success" in out
    assert "ghcr.io/acme/web:1.4.1 → ghcr.io/acme/web:1.4.2" in out
    assert "created: #2 deploy(web): production → ghcr.io/acme/web:1.4.2" in out
    assert "ghcr.io/acme/web:1.4.0 → ghcr.io/acme/web:1.4.2" in out
    assert "status gitops-release/preview: failure" in out
    assert "✗ removed-api: PodDisruptionBudget web/cache" in out
    assert "✗ imageRegistryAllowlist: Deployment web/cache" in out
    assert "docker.io/library/redis:7.2" in out
    # the comment itself, as reviewers see it
    assert "### Rendered manifests:" in out
    # every printed command can be pasted against the emulator
    assert "$ export GITHUB_TOKEN=gitops-release-demo-token" in out
    assert "--manifest-repo acme/manifests --api-url http://127.0.0.1:" in out
    assert " --sha " in out


def test_demo_keep_leaves_an_emulator_state_that_serves_again(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = run_cli("demo", "--keep")
    assert result.exit_code == 0, result.output
    (kept,) = [p for p in tmp_path.iterdir() if p.name.startswith("gitops-release-demo-")]
    assert f"--data {kept / 'github'} --token gitops-release-demo-token:octocat" in result.stdout
    with FakeGitHub(kept / "github", tokens={DEMO_TOKEN: Token("octocat")}) as github:
        client = Github(base_url=github.api_url, auth=Auth.Token(DEMO_TOKEN), retry=None)
        pulls = list(client.get_repo("acme/manifests").get_pulls(state="all"))
        assert len(pulls) == 3  # the staging PR, its production PR, the risky one
        assert any(c.body.startswith("<!-- gitops-release") for c in pulls[0].get_issue_comments())
