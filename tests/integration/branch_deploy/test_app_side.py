"""The app repository's side of branch deploys, through the emulator with PyGithub over HTTP:
`branch-deploy parse` (roles, forks, 👀, the head at handling time) and `branch-deploy report`
(one sticky comment, deployments with success then inactive statuses)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gitops_release.flows.branch_report import MARKER
from gitops_release.testing import FakeGitHub, Token
from tests.conftest import RunCli
from tests.integration.conftest import git, make_source_repo

pytestmark = pytest.mark.integration

APP = "acme/web"
TOKEN = "app-token-0123456789abcdef"


@dataclass(frozen=True)
class App:
    github: FakeGitHub
    pr: int
    head: str
    tmp: Path

    def comment(self, body: str, author: str, **event: Any) -> Path:
        comment_id = self.github.add_comment(APP, self.pr, body, author=author)
        data = {
            "action": "created",
            "issue": {"number": self.pr, "pull_request": {"url": "x"}},
            "comment": {"id": comment_id, "body": body, "user": {"login": author, "type": "User"}},
            "repository": {"full_name": APP},
            **event,
        }
        path = self.tmp / f"event-{comment_id}.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        return path


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    source = make_source_repo(tmp_path / "src", {"app.py": "print(1)\n"}, develop=False)
    git("checkout", "-q", "-b", "feature", cwd=source)
    (source / "app.py").write_text("print(2)\n", encoding="utf-8")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "change", cwd=source)
    head = git("rev-parse", "HEAD", cwd=source)
    with FakeGitHub(tmp_path / "gh", tokens={TOKEN: Token("gitops-bot")}) as github:
        github.create_repo(APP, source=source)
        github.create_repo("mallory/web", source=source, owner_type="User")
        github.set_permission(APP, "alice", "write")
        github.set_permission(APP, "rita", "read")
        github.set_permission(APP, "tim", "triage")
        pr = github.open_pull(APP, head="feature", base="master", author="alice")
        yield App(github, pr, head, tmp_path)


def parse(run_cli: RunCli, app: App, event: Path, *extra: str) -> dict[str, Any]:
    result = run_cli(
        "branch-deploy",
        "parse",
        "--event",
        event,
        "--event-name",
        "issue_comment",
        "--api-url",
        app.github.api_url,
        "--json",
        *extra,
    )
    assert result.exit_code == 0, result.output
    decided: dict[str, Any] = json.loads(result.stdout)
    return decided


def test_write_commenter_is_allowed_and_gets_eyes(app: App, run_cli: RunCli) -> None:
    event = app.comment("/deploy staging", "alice")
    decision = parse(run_cli, app, event)
    assert decision == {
        "command": "deploy",
        "environment": "staging",
        "pr": app.pr,
        "sha": app.head,
        "branch": "feature",
        "actor": "alice",
        "allowed": True,
        "reason": f"alice may deploy #{app.pr}",
    }
    comment_id = int(event.stem.split("-")[1])
    assert app.github.reactions(APP, comment_id) == (("gitops-bot", "eyes"),)


def test_read_only_commenter_is_refused(app: App, run_cli: RunCli) -> None:
    event = app.comment("/deploy", "rita")
    decision = parse(run_cli, app, event)
    assert (decision["command"], decision["allowed"]) == ("deploy", False)
    assert decision["reason"] == f"rita has read permission on {APP}; /deploy needs write or higher"
    comment_id = int(event.stem.split("-")[1])
    assert app.github.reactions(APP, comment_id) == (("gitops-bot", "eyes"),)


def test_triage_against_the_minimum(app: App, run_cli: RunCli) -> None:
    refused = parse(run_cli, app, app.comment("/undeploy", "tim"))
    assert not refused["allowed"]
    assert "tim has triage permission" in refused["reason"]
    allowed = parse(run_cli, app, app.comment("/undeploy", "tim"), "--min-permission", "triage")
    assert (allowed["command"], allowed["allowed"]) == ("undeploy", True)


def test_fork_pull_requests_are_refused_unless_allowed(app: App, run_cli: RunCli) -> None:
    fork_pr = app.github.open_pull(
        APP, head="feature", base="master", head_repo="mallory/web", author="mallory"
    )
    forked = App(app.github, fork_pr, app.head, app.tmp)
    refused = parse(run_cli, app, forked.comment("/deploy", "alice"))
    assert not refused["allowed"]
    assert "comes from a fork (mallory/web)" in refused["reason"]
    allowed = parse(run_cli, app, forked.comment("/deploy", "alice"), "--allow-forks")
    assert allowed["allowed"]
    assert (allowed["pr"], allowed["sha"]) == (fork_pr, app.head)


def test_sha_is_the_head_when_the_comment_is_handled(app: App, run_cli: RunCli) -> None:
    event = app.comment("/deploy", "alice")
    # A push after the comment was written, before it is handled: what is built is the new head.
    work = app.tmp / "work"
    git("clone", "-q", "-b", "feature", app.github.clone_url(APP, TOKEN), work, cwd=app.tmp)
    (work / "app.py").write_text("print(3)\n", encoding="utf-8")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "more", cwd=work)
    git("push", "-q", "origin", "feature", cwd=work)
    pushed = git("rev-parse", "HEAD", cwd=work)
    assert pushed != app.head
    decision = parse(run_cli, app, event)
    assert (decision["sha"], decision["allowed"]) == (pushed, True)


def test_report_keeps_one_comment_and_records_deployments(app: App, run_cli: RunCli) -> None:
    base = ["branch-deploy", "report", "--repo", APP, "--pr", str(app.pr)]
    api = ["--api-url", app.github.api_url, "--json"]
    building = run_cli(*base, "--state", "building", *api)
    assert building.exit_code == 0, building.output
    assert json.loads(building.stdout)["comment"] == "created"
    deployed = run_cli(
        *base,
        "--state",
        "deployed",
        "--environment",
        "staging",
        "--image",
        "ghcr.io/acme/web:pr-1",
        "--expires-at",
        "2026-12-02T20:00:00Z",
        *api,
    )
    assert deployed.exit_code == 0, deployed.output
    result = json.loads(deployed.stdout)
    assert (result["comment"], result["sha"], result["deployment_state"]) == (
        "updated",
        app.head,
        "success",
    )
    (body,) = app.github.comments(APP, app.pr)
    assert body.startswith(MARKER)
    assert "ghcr.io/acme/web:pr-1" in body
    assert "2026-12-02T20:00:00Z" in body
    undeployed = run_cli(*base, "--state", "undeployed", "--environment", "staging", *api)
    assert undeployed.exit_code == 0, undeployed.output
    assert len(app.github.comments(APP, app.pr)) == 1
    assert "Undeployed" in app.github.comments(APP, app.pr)[0]
    records = app.github.deployments(APP)
    assert [(r.sha, r.environment, r.transient_environment) for r in records] == [
        (app.head, "staging", True),
        (app.head, "staging", True),
    ]
    assert [r.states for r in records] == [("success",), ("inactive",)]
    missing_env = run_cli(*base, "--state", "deployed", *api)
    assert missing_env.exit_code == 2
    assert "--environment" in missing_env.output
