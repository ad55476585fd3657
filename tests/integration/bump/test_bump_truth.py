"""What a bump pull request says is what its branch carries, also under races and failures."""

from __future__ import annotations

import pytest
from github import Github

from gitops_release.errors import GitHubError
from gitops_release.flows.bump import BumpRequest, bump
from gitops_release.github import RetrySettings
from gitops_release.image import parse
from gitops_release.testing import BeforeRequest, RejectPush, ServerError
from tests.conftest import RunCli
from tests.integration.conftest import ManifestRepo

from .test_resilience import run_bump

pytestmark = pytest.mark.integration
WEB = "ghcr.io/acme/web"
BRANCH = "gitops-release/staging/web"
OVERLAY = "apps/web/overlays/staging/kustomization.yaml"


def test_an_older_bump_racing_a_newer_one_never_retitles_its_pull_request(
    manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    # Just as the older bump (1.5.0) opens its pull request, a newer one (1.6.0) pushes the
    # branch and opens the pull request first: the older one then finds "already exists".
    manifest_repo.github.inject(
        BeforeRequest(
            method="POST",
            path=r"/repos/acme/manifests/pulls",
            times=1,
            action=lambda: run_bump(manifest_repo, f"{WEB}:1.6.0"),
        )
    )
    run_bump(manifest_repo, f"{WEB}:1.5.0")
    (pull,) = fake_github_client.get_repo(manifest_repo.name).get_pulls(state="open")
    head = manifest_repo.ref(f"refs/heads/{BRANCH}")
    assert 'newTag: "1.6.0"' in manifest_repo.show(head, OVERLAY)
    assert pull.title == f"deploy(web): staging → {WEB}:1.6.0"
    assert f"Deploys **`{WEB}:1.6.0`**" in pull.body
    assert "1.5.0" not in pull.body


def test_a_branch_that_could_not_be_deleted_is_named_and_adopted_next_time(
    manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    opening = manifest_repo.github.inject(
        ServerError(method="POST", path=r"/repos/acme/manifests/pulls", status=422, times=None)
    )
    # the push that creates the branch goes through; the one that would delete it is refused
    manifest_repo.github.inject(
        BeforeRequest(
            method="POST",
            path=r"/repos/acme/manifests/pulls",
            times=1,
            action=lambda: manifest_repo.github.inject(RejectPush(times=None)),
        )
    )
    request = BumpRequest(
        manifest_repo=manifest_repo.name,
        env="staging",
        image=parse(f"{WEB}:1.5.0"),
        git_url=manifest_repo.git_url,
        token=manifest_repo.token,
    )
    forge = manifest_repo.connect(RetrySettings(backoff_factor=0, total_wait=1))
    with pytest.raises(GitHubError) as caught:
        bump(request, forge)
    assert manifest_repo.ref(f"refs/heads/{BRANCH}") is not None  # it stayed
    assert caught.value.hint is not None
    assert f"git push origin --delete {BRANCH}" in caught.value.hint
    assert "the next run reuses it" in caught.value.hint
    assert opening.fired >= 1
    manifest_repo.github.faults.clear()
    result = run_bump(manifest_repo, f"{WEB}:1.5.0")
    assert result.action == "created"
    assert result.pull_request is not None
    assert result.pull_request.title == f"deploy(web): staging → {WEB}:1.5.0"


def test_api_url_alone_reaches_the_emulator(
    run_cli: RunCli, manifest_repo: ManifestRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_SERVER_URL", raising=False)
    result = run_cli(
        "bump",
        "--manifest-repo",
        manifest_repo.name,
        "--api-url",
        manifest_repo.github.api_url,
        "--env",
        "staging",
        "--image",
        f"{WEB}:1.5.0",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert manifest_repo.ref(f"refs/heads/{BRANCH}") is not None
