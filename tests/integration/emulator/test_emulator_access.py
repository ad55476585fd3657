"""Authentication, per-token access, rate-limit headers, the request log and fault injection."""

from __future__ import annotations

import time
from typing import Literal

import pytest
import requests
from github import Auth, BadCredentialsException, Github, GithubException

from gitops_release.testing import (
    BeforeRequest,
    Delay,
    PrimaryRateLimit,
    SecondaryRateLimit,
    ServerError,
    Token,
)

from .conftest import Seeded, commit_file, git

pytestmark = pytest.mark.integration


def _client(seeded: Seeded, token: str) -> Github:
    return Github(
        base_url=seeded.github.api_url,
        auth=Auth.Token(token),
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


def test_wrong_or_missing_token_is_401(seeded: Seeded) -> None:
    with pytest.raises(BadCredentialsException) as wrong:
        _client(seeded, "not-a-token").get_repo(seeded.full_name)
    assert wrong.value.status == 401
    assert wrong.value.data["message"] == "Bad credentials"
    assert "documentation_url" in wrong.value.data

    anonymous = requests.get(f"{seeded.github.api_url}/user", timeout=10)
    assert anonymous.status_code == 401
    assert anonymous.json()["message"] == "Requires authentication"
    assert [r.login for r in seeded.github.log.find(status=401, kind="rest")] == [None, None]


def test_limited_tokens_get_404_and_403(seeded: Seeded) -> None:
    seeded.github.add_token("read-only-token-0123456789", Token("reader", write=()))
    seeded.github.add_token("other-repo-token-012345678", Token("bot", repos=("octocat/other",)))
    reader = _client(seeded, "read-only-token-0123456789")
    outsider = _client(seeded, "other-repo-token-012345678")

    repo = reader.get_repo(seeded.full_name)
    assert repo.permissions.pull
    assert not repo.permissions.push
    with pytest.raises(GithubException) as denied:
        repo.create_pull(base="main", head="bump", title="x")
    assert denied.value.status == 403
    assert denied.value.data["message"] == "Resource not accessible by integration"
    with pytest.raises(GithubException) as hidden:
        outsider.get_repo(seeded.full_name)
    assert hidden.value.status == 404

    url = f"{seeded.github.git_url}/{seeded.full_name}.git"
    clone = seeded.work.parent / "reader"
    reader_auth = "http.extraHeader=Authorization: Bearer read-only-token-0123456789"
    git("-c", reader_auth, "clone", "-q", url, clone)
    commit_file(clone, "x.txt", "x\n", "x")
    push = git("-c", reader_auth, "push", "origin", "HEAD:main", cwd=clone, check=False)
    assert push.returncode != 0
    assert "403" in push.err
    fetch = git(
        "-c",
        "http.extraHeader=Authorization: Bearer other-repo-token-012345678",
        "ls-remote",
        url,
        check=False,
    )
    assert fetch.returncode != 0


def test_rate_limit_and_request_id_headers(seeded: Seeded) -> None:
    first = seeded.api("GET", "/user")
    second = seeded.api("GET", "/user")

    assert first.headers["Content-Type"].startswith("application/json")
    assert first.headers["x-ratelimit-limit"] == "5000"
    assert (
        int(second.headers["x-ratelimit-remaining"])
        == int(first.headers["x-ratelimit-remaining"]) - 1
    )
    assert second.headers["x-ratelimit-resource"] == "core"
    assert int(second.headers["x-ratelimit-reset"]) > time.time()
    assert first.headers["x-github-request-id"] != second.headers["x-github-request-id"]
    overview = seeded.api("GET", "/rate_limit").json()
    assert overview["resources"]["core"]["used"] >= 2


def test_request_log_records_bodies_but_never_tokens(
    seeded: Seeded, fake_github_client: Github
) -> None:
    repo = fake_github_client.get_repo(seeded.full_name)
    repo.create_pull(base="main", head="bump", title="Bump web", body="why")

    (create,) = seeded.github.log.find(method="POST", route="/repos/{owner}/{repo}/pulls")
    assert create.path == "/repos/octocat/deploy/pulls"
    assert create.status == 201
    assert create.login == "octocat"
    assert create.request_json == {
        "title": "Bump web",
        "body": "why",
        "base": "main",
        "head": "bump",
    }
    assert create.response_json["number"] == 1
    assert seeded.token not in repr(seeded.github.log.records())


def test_server_errors_then_success(seeded: Seeded) -> None:
    handle = seeded.github.inject(
        ServerError(status=502, times=3, method="GET", path=r"/repos/octocat/deploy/pulls")
    )

    statuses = [seeded.api("GET", f"/repos/{seeded.full_name}/pulls").status_code for _ in range(4)]

    assert statuses == [502, 502, 502, 200]
    assert handle.fired == 3
    assert not handle.armed
    faulted = seeded.github.log.find(status=502)
    assert [r.fault for r in faulted] == ["ServerError"] * 3


def test_pygithub_sees_server_errors(seeded: Seeded, fake_github_client: Github) -> None:
    seeded.github.inject(ServerError(status=503, path=r"/repos/octocat/deploy"))
    with pytest.raises(GithubException) as unavailable:
        fake_github_client.get_repo(seeded.full_name)
    assert unavailable.value.status == 503
    assert fake_github_client.get_repo(seeded.full_name).name == "deploy"


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_rate_limit(seeded: Seeded, status: Literal[403, 429]) -> None:
    seeded.github.inject(SecondaryRateLimit(status=status, retry_after=7, method="POST"))

    limited = seeded.api("POST", f"/repos/{seeded.full_name}/labels", json={"name": "x"})
    retried = seeded.api("POST", f"/repos/{seeded.full_name}/labels", json={"name": "x"})

    assert limited.status_code == status
    assert limited.headers["Retry-After"] == "7"
    assert limited.json()["message"].startswith("You have exceeded a secondary rate limit")
    assert limited.headers["x-ratelimit-remaining"] != "0"
    assert retried.status_code == 201


def test_primary_rate_limit(seeded: Seeded, fake_github_client: Github) -> None:
    seeded.github.inject(PrimaryRateLimit(reset_in=30))
    with pytest.raises(GithubException) as limited:
        fake_github_client.get_repo(seeded.full_name)
    assert limited.value.status == 403
    assert limited.value.headers is not None
    assert limited.value.headers["x-ratelimit-remaining"] == "0"
    assert "rate limit" in limited.value.data["message"]


def test_delay(seeded: Seeded) -> None:
    seeded.github.inject(Delay(seconds=0.3, path="/user"))
    started = time.monotonic()
    assert seeded.api("GET", "/user").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_ref_moved_between_requests(seeded: Seeded, fake_github_client: Github) -> None:
    repo = fake_github_client.get_repo(seeded.full_name)
    pr = repo.create_pull(base="main", head="bump", title="Bump web")
    head = pr.head.sha
    moved = commit_file(seeded.work, "late.txt", "late\n", "Late push")
    git("push", "-q", "origin", "HEAD:refs/heads/late", cwd=seeded.work)
    seeded.github.inject(
        BeforeRequest(
            method="PUT",
            path=r"/repos/octocat/deploy/pulls/1/merge",
            action=lambda: seeded.github.set_ref(seeded.full_name, "refs/heads/bump", moved),
        )
    )

    with pytest.raises(GithubException) as conflict:
        pr.merge(sha=head)

    assert conflict.value.status == 409
    assert repo.get_pull(1).head.sha == moved
