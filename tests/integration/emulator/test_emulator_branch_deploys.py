"""What branch deploys need from the emulator: collaborator roles, pull requests from forks,
reactions on issue comments, deployments and their statuses (all validated against GitHub's
OpenAPI description by the contract check every test runs under)."""

from __future__ import annotations

from pathlib import Path

import pytest
from github import Auth, Github, GithubException

from gitops_release.testing import FakeGitHub, Token

from .conftest import Seeded

pytestmark = pytest.mark.integration

READER = "reader-token-0123456789"
TRIAGER = "triager-token-0123456789"


def _client(github: FakeGitHub, token: str) -> Github:
    return Github(
        base_url=github.api_url,
        auth=Auth.Token(token),
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


def test_collaborator_roles(seeded: Seeded) -> None:
    github = seeded.github
    github.add_token(TRIAGER, Token.with_role("tim", "triage"))
    github.add_token(READER, Token("rita"))
    github.set_permission(seeded.full_name, "rita", "read")
    github.set_permission(seeded.full_name, "mia", "maintain")

    def permission(login: str) -> tuple[str, str]:
        answer = seeded.api("GET", f"/repos/{seeded.full_name}/collaborators/{login}/permission")
        assert answer.status_code == 200
        data = answer.json()
        return data["permission"], data["role_name"]

    assert permission("octocat") == ("admin", "admin")
    assert permission("tim") == ("read", "triage")
    assert permission("rita") == ("read", "read")
    assert permission("mia") == ("write", "maintain")
    # A role set on the repository binds the login's tokens there: rita's admin token may read
    # but no longer write.
    repo = _client(github, READER).get_repo(seeded.full_name)
    with pytest.raises(GithubException) as raised:
        repo.create_pull(base="main", head="bump", title="t")
    assert raised.value.status == 403
    assert repo.permissions.pull
    assert not repo.permissions.push


def test_pull_request_from_a_fork(seeded: Seeded, fake_github_client: Github) -> None:
    github = seeded.github
    github.create_repo("mallory/deploy", owner_type="User")
    number = github.open_pull(seeded.full_name, head="bump", head_repo="mallory/deploy")
    pull = fake_github_client.get_repo(seeded.full_name).get_pull(number)
    assert pull.head.repo.full_name == "mallory/deploy"
    assert pull.head.label == "mallory:bump"
    assert pull.base.repo.full_name == seeded.full_name
    assert (pull.head.sha, pull.user.login) == (seeded.bump_sha, "mallory")
    own = github.open_pull(seeded.full_name, head="bump", author="octocat")
    assert fake_github_client.get_repo(seeded.full_name).get_pull(own).head.repo.full_name == (
        seeded.full_name
    )


def test_reactions_on_issue_comments(seeded: Seeded) -> None:
    github = seeded.github
    number = github.open_pull(seeded.full_name, head="bump")
    comment_id = github.add_comment(seeded.full_name, number, "/deploy", author="dev")
    path = f"/repos/{seeded.full_name}/issues/comments/{comment_id}/reactions"
    first = seeded.api("POST", path, json={"content": "eyes"})
    again = seeded.api("POST", path, json={"content": "eyes"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert seeded.api("POST", path, json={"content": "wave"}).status_code == 422
    listed = seeded.api("GET", path, params={"content": "eyes"}).json()
    assert [(r["user"]["login"], r["content"]) for r in listed] == [("octocat", "eyes")]
    assert github.reactions(seeded.full_name, comment_id) == (("octocat", "eyes"),)
    assert github.comments(seeded.full_name, number) == ("/deploy",)


def test_deployments_and_statuses(seeded: Seeded, fake_github_client: Github) -> None:
    repo = fake_github_client.get_repo(seeded.full_name)
    first = repo.create_deployment(
        ref=seeded.bump_sha,
        environment="staging",
        auto_merge=False,
        required_contexts=[],
        transient_environment=True,
        description="branch deploy",
    )
    first.create_status("success", description="deployed", environment_url="https://stg")
    second = repo.create_deployment(ref="bump", environment="staging", required_contexts=[])
    assert second.sha == seeded.bump_sha
    second.create_status("success")
    second.create_status("inactive", description="given back")
    statuses = [s.state for s in first.get_statuses()]
    assert statuses == ["inactive", "success"]  # newest first: superseded by the second
    assert [d.id for d in repo.get_deployments(environment="staging")] == [second.id, first.id]
    assert repo.get_deployment(first.id).transient_environment
    records = seeded.github.deployments(seeded.full_name)
    assert [(r.environment, r.states) for r in records] == [
        ("staging", ("success", "inactive")),
        ("staging", ("success", "inactive")),
    ]
    bad = seeded.api("POST", f"/repos/{seeded.full_name}/deployments", json={"ref": "nope"})
    assert bad.status_code == 422
    status_path = f"/repos/{seeded.full_name}/deployments/{first.id}/statuses"
    assert seeded.api("POST", status_path, json={"state": "done"}).status_code == 422


def test_branch_deploy_state_survives_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    source = tmp_path / "source"
    source.mkdir()
    (source / "app.txt").write_text("v1\n", encoding="utf-8")
    token = "persist-token-0123456789"
    with FakeGitHub(data, tokens={token: Token("octocat")}, persist=True) as github:
        github.create_repo("octocat/app", source=source)
        github.create_repo("mallory/app", source=source, owner_type="User")
        github.set_permission("octocat/app", "tim", "triage")
        repo = _client(github, token).get_repo("octocat/app")
        repo.create_git_ref("refs/heads/feature", repo.get_branch("main").commit.sha)
        number = github.open_pull("octocat/app", head="feature", head_repo="mallory/app")
        comment_id = github.add_comment("octocat/app", number, "/deploy", author="tim")
        repo.get_issue(number).get_comment(comment_id).create_reaction("eyes")
        repo.create_deployment(ref="main", environment="staging").create_status("success")
    with FakeGitHub(data, tokens={token: Token("octocat")}) as again:
        repo = _client(again, token).get_repo("octocat/app")
        assert repo.get_pull(number).head.repo.full_name == "mallory/app"
        assert again.reactions("octocat/app", comment_id) == (("octocat", "eyes"),)
        assert [r.states for r in again.deployments("octocat/app")] == [("success",)]
        assert repo.get_collaborator_role_name("tim") == "triage"
