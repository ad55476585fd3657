"""Branch deploys through the emulator: deploy, a second PR locked out, mainline bumps while
locked, undeploy gives back what ran before (or a newer mainline image), expiry."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from github import Github

from gitops_release import trailers
from gitops_release.errors import ConfigError, UsageError
from gitops_release.flows.branch_deploy import (
    BranchDeploy,
    DeployRequest,
    DeployResult,
    deploy,
    expire,
    undeploy,
)
from gitops_release.flows.bump import BumpRequest, bump
from gitops_release.flows.diff import DiffRequest, run_diff
from gitops_release.flows.promote import PromoteRequest, promote
from gitops_release.image import parse
from gitops_release.locks import lock_path, parse_lock
from tests.integration.branch_deploy.conftest import NOW, WEB
from tests.integration.conftest import ManifestRepo, git

pytestmark = pytest.mark.integration

OVERLAY = "apps/web/overlays/staging/kustomization.yaml"


def where(repo: ManifestRepo, pr: int, source: str = "acme/web") -> BranchDeploy:
    return BranchDeploy(repo.name, repo.git_url, "staging", source, pr, token=repo.token)


def run_deploy(repo: ManifestRepo, pr: int, tag: str, *, now: datetime = NOW) -> DeployResult:
    request = DeployRequest(where(repo, pr), parse(f"{WEB}:{tag}"), actor="octocat", now=now)
    return deploy(request, repo.connect())


def test_deploy_lock_undeploy(repo: ManifestRepo) -> None:
    before = repo.show("develop", OVERLAY)
    first = run_deploy(repo, 42, "pr-42-abc1234")
    assert first.action == "deployed"
    assert first.restore_image == f"{WEB}:1.4.1"
    assert first.expires_at == NOW + timedelta(hours=8)
    # The image change and the lock are one commit on staging's branch, with trailers.
    assert repo.ref("refs/heads/develop") == first.commit
    assert 'newTag: "pr-42-abc1234"   # managed by gitops-release' in repo.show("develop", OVERLAY)
    lock = parse_lock("staging", "web", repo.show("develop", lock_path("staging", "web")))
    assert (lock.holder, lock.image, lock.actor) == (
        "acme/web#42",
        f"{WEB}:pr-42-abc1234",
        "octocat",
    )
    message = git("--git-dir", repo.bare, "log", "-1", "--format=%B", "develop", cwd=repo.bare)
    found = trailers.parse_trailers(message)
    assert found[trailers.BRANCH_DEPLOY] == ["acme/web#42"]
    assert found[trailers.PREVIOUS] == [f"{WEB}:1.4.1"]

    # Another pull request is refused while the lock holds, with who and until when.
    second = run_deploy(repo, 7, "pr-7-def5678")
    assert second.action == "locked"
    assert second.held_by == "acme/web#42"
    assert "until 2026-12-02 20:00 UTC" in second.reason
    assert repo.ref("refs/heads/develop") == first.commit

    # The holder may redeploy (a new push to its PR); the same image again changes nothing.
    again = run_deploy(repo, 42, "pr-42-abc1234")
    assert again.action == "unchanged"
    newer = run_deploy(repo, 42, "pr-42-9999999")
    assert newer.action == "deployed"
    assert newer.restore_image == f"{WEB}:1.4.1"  # still what ran before the first deploy

    # Giving back restores the image and removes the lock in one commit.
    back = undeploy(where(repo, 42), repo.connect())
    assert back.action == "undeployed"
    assert back.image == f"{WEB}:1.4.1"
    assert repo.show("develop", OVERLAY) == before
    assert undeploy(where(repo, 42), repo.connect()).action == "not-deployed"
    listing = git("--git-dir", repo.bare, "ls-tree", "-r", "--name-only", "develop", cwd=repo.bare)
    assert ".gitops-release/locks" not in listing


def test_a_newer_mainline_image_merged_while_lent_stays(repo: ManifestRepo, tmp_path: Path) -> None:
    run_deploy(repo, 42, "pr-42-abc1234")
    work = tmp_path / "mainline"
    git("clone", "-q", "--branch", "develop", repo.git_url, work, cwd=tmp_path)
    overlay = work / OVERLAY
    overlay.write_text(
        overlay.read_text(encoding="utf-8").replace("pr-42-abc1234", "1.5.0"), encoding="utf-8"
    )
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "mainline 1.5.0", cwd=work)
    git("push", "-q", "origin", "develop", cwd=work)
    back = undeploy(where(repo, 42), repo.connect(), reason="closed")
    assert back.image == f"{WEB}:1.5.0"
    assert 'newTag: "1.5.0"' in repo.show("develop", OVERLAY)


def test_expiry_gives_back_only_what_expired(repo: ManifestRepo) -> None:
    run_deploy(repo, 42, "pr-42-abc1234")
    assert expire(repo.name, repo.git_url, repo.connect(), now=NOW, token=repo.token) == ()
    later = NOW + timedelta(hours=8, seconds=1)
    (gone,) = expire(repo.name, repo.git_url, repo.connect(), now=later, token=repo.token)
    assert (gone.environment, gone.app, gone.held_by) == ("staging", "web", "acme/web#42")
    assert gone.image == f"{WEB}:1.4.1"
    # After expiry another pull request may deploy.
    assert run_deploy(repo, 7, "pr-7-def5678", now=later).action == "deployed"


def test_only_configured_environments(repo: ManifestRepo, manifest_repo: ManifestRepo) -> None:
    production = BranchDeploy(
        repo.name, repo.git_url, "production", "acme/web", 42, token=repo.token
    )
    with pytest.raises(UsageError, match="may not go to 'production'"):
        deploy(DeployRequest(production, parse(f"{WEB}:pr-1")), repo.connect())


def test_without_branch_deploy_config(manifest_repo: ManifestRepo) -> None:
    with pytest.raises(ConfigError, match="no branch_deploy: section"):
        run_deploy(manifest_repo, 42, "pr-42-abc1234")
    assert manifest_repo.branches() == ["develop", "master"]


def test_a_mainline_bump_while_lent_says_so(repo: ManifestRepo, fake_github_client: Github) -> None:
    run_deploy(repo, 42, "pr-42-abc1234")
    request = BumpRequest(
        manifest_repo=repo.name, env="staging", image=parse(f"{WEB}:1.5.0"),
        git_url=repo.git_url, token=repo.token,
    )  # fmt: skip
    result = bump(request, repo.connect())
    assert result.action == "created"
    assert result.locked_by == "acme/web#42"
    assert result.previous_image == f"{WEB}:pr-42-abc1234"
    pull = fake_github_client.get_repo(repo.name).get_pull(result.pull_request.number)  # type: ignore[union-attr]
    assert "staging is lent to acme/web#42" in pull.body
    assert "environment-lent" in [label.name for label in pull.labels]
    statuses = fake_github_client.get_repo(repo.name).get_commit(pull.head.sha).get_statuses()
    lock = [s for s in statuses if s.context == "gitops-release/lock"]
    assert [s.state for s in lock] == ["failure"]
    # Given back, the next bump is an ordinary one.
    undeploy(where(repo, 42), repo.connect())
    assert bump(request, repo.connect()).locked_by is None


def test_branch_deploys_are_never_promoted_nor_rendered(repo: ManifestRepo, tmp_path: Path) -> None:
    deployed = run_deploy(repo, 42, "pr-42-abc1234")
    assert deployed.commit is not None
    result = promote(
        PromoteRequest(repo.name, repo.git_url, deployed.commit, token=repo.token, preview=False),
        repo.connect(),
    )
    (only,) = result.promotions
    assert only.action == "skipped"
    assert "branch deploy (acme/web#42's image" in only.reason
    assert repo.branches() == ["develop", "master"]
    # The lock file is the tool's state, not a manifest nobody renders.
    clone = tmp_path / "clone"
    git("clone", "-q", "--branch", "develop", repo.git_url, clone, cwd=tmp_path)
    diff = run_diff(DiffRequest(repo=clone, base=f"{deployed.commit}~1", head=deployed.commit))
    assert diff.unrendered_files == ()
    assert [root.name for root in diff.changed] == ["apps/web/overlays/staging"]
