"""Comments, labels, review requests, statuses and check runs through PyGithub."""

from __future__ import annotations

import pytest
from github import Github, GithubException

from gitops_release.testing import Token

from .conftest import Seeded

pytestmark = pytest.mark.integration


def test_issue_comments_crud_and_pagination(seeded: Seeded, fake_github_client: Github) -> None:
    pr = fake_github_client.get_repo(seeded.full_name).create_pull(
        base="main", head="bump", title="Bump web"
    )

    comment = pr.create_issue_comment("<!-- preview -->\nfirst")
    comment.edit("<!-- preview -->\nedited")
    assert pr.get_issue_comment(comment.id).body == "<!-- preview -->\nedited"
    for index in range(34):
        pr.create_issue_comment(f"comment {index}")

    comments = pr.get_issue_comments()
    assert comments.totalCount == 35
    bodies = [c.body for c in comments]
    assert len(bodies) == 35
    assert bodies[0] == "<!-- preview -->\nedited"
    assert bodies[-1] == "comment 33"
    pages = seeded.github.log.find(
        method="GET", route="/repos/{owner}/{repo}/issues/{issue_number}/comments"
    )
    assert {r.params.get("page") for r in pages} >= {None, "2"}  # PyGithub followed rel="next"

    comment.delete()
    assert seeded.github.comments(seeded.full_name, pr.number)[0] == "comment 0"
    with pytest.raises(GithubException) as gone:
        pr.get_issue_comment(comment.id)
    assert gone.value.status == 404
    assert fake_github_client.get_repo(seeded.full_name).get_pull(pr.number).comments == 34


def test_labels(seeded: Seeded, fake_github_client: Github) -> None:
    repo = fake_github_client.get_repo(seeded.full_name)
    pr = repo.create_pull(base="main", head="bump", title="Bump web")
    repo.create_label("env/prod", "d73a4a", "production")

    pr.add_to_labels("env/prod", "automerge")
    assert [label.name for label in pr.get_labels()] == ["env/prod", "automerge"]
    assert {label.name for label in repo.get_labels()} == {"automerge", "env/prod"}
    assert repo.get_label("env/prod").color == "d73a4a"

    pr.remove_from_labels("env/prod")
    assert [label.name for label in repo.get_pull(pr.number).labels] == ["automerge"]
    pr.set_labels("a", "b")
    assert [label.name for label in repo.get_issue(pr.number).labels] == ["a", "b"]
    with pytest.raises(GithubException) as missing:
        pr.remove_from_labels("zzz")
    assert missing.value.status == 404
    with pytest.raises(GithubException) as duplicate:
        repo.create_label("A", "ffffff")
    assert duplicate.value.status == 422
    assert repo.get_pulls()[0].labels[0].name == "a"


def test_review_requests_need_collaborators(seeded: Seeded, fake_github_client: Github) -> None:
    seeded.github.add_token("reviewer-token-0123456789", Token("alice", write=()))
    repo = fake_github_client.get_repo(seeded.full_name)
    pr = repo.create_pull(base="main", head="bump", title="Bump web")

    pr.create_review_request(reviewers=["alice"])
    users, teams = pr.get_review_requests()
    assert [u.login for u in users] == ["alice"]
    assert list(teams) == []
    assert [u.login for u in repo.get_pull(pr.number).requested_reviewers] == ["alice"]

    with pytest.raises(GithubException) as stranger:
        pr.create_review_request(reviewers=["mallory"])
    assert stranger.value.status == 422
    assert "collaborator" in stranger.value.data["message"]
    with pytest.raises(GithubException) as author:
        pr.create_review_request(reviewers=["octocat"])
    assert author.value.status == 422

    pr.delete_review_request(reviewers=["alice"])
    assert repo.get_pull(pr.number).requested_reviewers == []
    assert repo.get_collaborator_permission("alice") == "read"


def test_commit_statuses(seeded: Seeded, fake_github_client: Github) -> None:
    commit = fake_github_client.get_repo(seeded.full_name).get_commit(seeded.bump_sha)

    assert commit.get_combined_status().state == "pending"
    commit.create_status("pending", "https://ci.example/1", "running", "ci/build")
    commit.create_status("success", "https://ci.example/1", "done", "ci/build")
    commit.create_status("failure", description="policy", context="gitops/gate")

    combined = commit.get_combined_status()
    assert combined.state == "failure"
    assert combined.total_count == 2
    assert {s.context: s.state for s in combined.statuses} == {
        "ci/build": "success",
        "gitops/gate": "failure",
    }
    assert [s.state for s in commit.get_statuses()] == ["failure", "success", "pending"]
    by_branch = seeded.api("GET", f"/repos/{seeded.full_name}/commits/bump/status").json()
    assert by_branch["sha"] == seeded.bump_sha

    invalid = seeded.api(
        "POST", f"/repos/{seeded.full_name}/statuses/{seeded.bump_sha}", json={"state": "great"}
    )
    assert invalid.status_code == 422


def test_check_runs(seeded: Seeded, fake_github_client: Github) -> None:
    repo = fake_github_client.get_repo(seeded.full_name)
    pr = repo.create_pull(base="main", head="bump", title="Bump web")

    run = repo.create_check_run(
        "gitops-release/diff", seeded.bump_sha, status="in_progress", external_id="x1"
    )
    assert run.status == "in_progress"
    assert [p.number for p in run.pull_requests] == [pr.number]
    run.edit(conclusion="success", output={"title": "Rendered diff", "summary": "2 changed"})

    fetched = repo.get_check_run(run.id)
    assert (fetched.status, fetched.conclusion) == ("completed", "success")
    assert fetched.output.title == "Rendered diff"
    assert fetched.app.slug == "github-actions"
    runs = repo.get_commit(seeded.bump_sha).get_check_runs()
    assert runs.totalCount == 1
    assert [r.name for r in runs] == ["gitops-release/diff"]
    assert repo.get_pull(pr.number).mergeable_state == "clean"

    repo.create_check_run("gate", seeded.bump_sha, conclusion="failure")
    assert repo.get_pull(pr.number).mergeable_state == "unstable"
    with pytest.raises(GithubException) as unknown:
        repo.create_check_run("x", "0" * 40)
    assert unknown.value.status == 422


def test_other_endpoints_answer_in_githubs_shapes(seeded: Seeded) -> None:
    """Endpoints the scenarios above do not reach; the contract check validates each answer."""
    seeded.github.add_org("acme")
    name = seeded.full_name
    created = seeded.api(
        "POST", f"/repos/{name}/pulls", json={"title": "t", "head": "bump", "base": "main"}
    )
    number = created.json()["number"]
    calls = [
        ("GET", "/users/octocat", None, 200),
        ("GET", "/users/nobody", None, 404),
        ("GET", "/orgs/acme", None, 200),
        ("POST", "/orgs/acme/repos", {"name": "infra"}, 201),
        ("POST", "/orgs/nowhere/repos", {"name": "infra"}, 404),
        ("GET", f"/repos/{name}/branches", None, 200),
        ("GET", f"/repos/{name}/branches/nope", None, 404),
        ("GET", f"/repos/{name}/pulls/{number}/reviews", None, 200),
        ("GET", f"/repos/{name}/pulls/{number}/merge", None, 404),
        ("PATCH", f"/repos/{name}/issues/{number}", {"labels": ["x"], "body": "b"}, 200),
        ("GET", f"/repos/{name}/issues/{number}/labels", None, 200),
        ("DELETE", f"/repos/{name}/issues/{number}/labels", None, 204),
        ("DELETE", f"/repos/{name}/labels/x", None, 204),
        ("GET", f"/repos/{name}/labels/x", None, 404),
        ("GET", f"/repos/{name}/commits/nope/status", None, 404),
        ("GET", f"/repos/{name}/commits/{seeded.main_sha}/pulls", None, 200),
        ("GET", f"/repos/{name}/collaborators/ghost/permission", None, 404),
        ("POST", f"/repos/{name}/pulls", {"head": "bump", "base": "main"}, 422),
        ("PUT", f"/repos/{name}/pulls/{number}/merge", {"merge_method": "fast"}, 422),
        ("POST", f"/repos/{name}/git/refs", {"ref": "main", "sha": seeded.main_sha}, 422),
        ("GET", "/no/such/endpoint", None, 404),
        ("POST", f"/repos/{name}/issues/{number}/comments", b"{not json", 400),
    ]
    for method, path, body, status in calls:
        if isinstance(body, bytes):
            answer = seeded.api(method, path, data=body)
        else:
            answer = seeded.api(method, path, json=body)
        assert answer.status_code == status, (method, path, answer.text)
    assert seeded.api("GET", f"/repos/{name}/issues/{number}").json()["body"] == "b"
