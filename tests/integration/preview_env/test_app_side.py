"""The app repository's side of preview environments, through the emulator with PyGithub over
HTTP: `preview-env parse` (comments and automatic mode: roles, forks, labels, 👀) and
`preview-env report` (one sticky comment per app, a Deployment per preview with its URL, made
inactive on removal)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from gitops_release.flows.branch_report import MARKER as BRANCH_MARKER
from gitops_release.flows.preview_report import MARKER, marker
from gitops_release.testing import FakeGitHub, Token
from tests.conftest import RunCli
from tests.integration.conftest import git, make_source_repo

pytestmark = pytest.mark.integration

APP = "acme/web"
TOKEN = "app-token-0123456789abcdef"
URL = "https://web-pr-1.preview.example.com"


@dataclass(frozen=True)
class App:
    github: FakeGitHub
    pr: int
    head: str
    tmp: Path

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = requests.request(
            method,
            f"{self.github.api_url}/repos/{APP}{path}",
            headers={"Authorization": f"token {TOKEN}"},
            timeout=30,
            **kwargs,
        )
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def comment(self, body: str, author: str, **event: Any) -> Path:
        comment_id = self.github.add_comment(APP, self.pr, body, author=author)
        data = {
            "action": "created",
            "issue": {"number": self.pr, "pull_request": {"url": "x"}},
            "comment": {"id": comment_id, "body": body, "user": {"login": author, "type": "User"}},
            "repository": {"full_name": APP},
            **event,
        }
        return self.write(f"event-{comment_id}.json", data)

    def pull_event(
        self, action: str, *, labels: tuple[str, ...] = (), sender: str = "alice", **extra: Any
    ) -> Path:
        pull = self.api("GET", f"/pulls/{self.pr}")
        pull["labels"] = [{"name": name} for name in labels]
        data = {
            "action": action,
            "number": self.pr,
            "pull_request": pull,
            "repository": {"full_name": APP},
            "sender": {"login": sender, "type": "Bot" if sender.endswith("[bot]") else "User"},
            **extra,
        }
        return self.write(f"pull-{action}-{len(list(self.tmp.glob('pull-*')))}.json", data)

    def write(self, name: str, data: dict[str, Any]) -> Path:
        path = self.tmp / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    def statuses(self, deployment_id: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.api("GET", f"/deployments/{deployment_id}/statuses")
        return found


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
        pr = github.open_pull(APP, head="feature", base="master", author="alice")
        yield App(github, pr, head, tmp_path)


def parse(
    run_cli: RunCli, app: App, event: Path, name: str = "issue_comment", *extra: str
) -> dict[str, Any]:
    result = run_cli(
        "preview-env",
        "parse",
        "--event",
        event,
        "--event-name",
        name,
        "--api-url",
        app.github.api_url,
        "--json",
        *extra,
    )
    assert result.exit_code == 0, result.output
    decided: dict[str, Any] = json.loads(result.stdout)
    return decided


# -- parse: comments -------------------------------------------------------------------------
def test_preview_comment_by_a_writer_is_allowed_and_gets_eyes(app: App, run_cli: RunCli) -> None:
    event = app.comment("/preview", "alice")
    decision = parse(run_cli, app, event)
    assert decision == {
        "command": "up",
        "pr": app.pr,
        "sha": app.head,
        "branch": "feature",
        "actor": "alice",
        "allowed": True,
        "reason": f"alice may open a preview of #{app.pr}",
        "repo": APP,
        "event": "comment",
    }
    comment_id = int(event.stem.split("-")[1])
    assert app.github.reactions(APP, comment_id) == (("gitops-bot", "eyes"),)


def test_unpreview_comment_and_a_reader_refused(app: App, run_cli: RunCli) -> None:
    down = parse(run_cli, app, app.comment("/unpreview", "alice"))
    assert (down["command"], down["allowed"]) == ("down", True)
    refused = parse(run_cli, app, app.comment("/preview", "rita"))
    assert (refused["command"], refused["allowed"]) == ("up", False)
    assert refused["reason"] == f"rita has read permission on {APP}; /preview needs write or higher"
    # Allowed or not, every command comment got its 👀.
    assert all(
        app.github.reactions(APP, int(p.stem.split("-")[1])) == (("gitops-bot", "eyes"),)
        for p in app.tmp.glob("event-*.json")
    )


def test_deploy_comment_is_not_a_preview_command(app: App, run_cli: RunCli) -> None:
    event = app.comment("/deploy", "alice")
    decision = parse(run_cli, app, event)
    assert (decision["command"], decision["allowed"]) == ("none", False)
    assert decision["reason"] == "not a /preview or /unpreview command"
    assert app.github.reactions(APP, int(event.stem.split("-")[1])) == ()


def test_fork_pull_requests_get_no_preview_unless_allowed(app: App, run_cli: RunCli) -> None:
    fork_pr = app.github.open_pull(
        APP, head="feature", base="master", head_repo="mallory/web", author="mallory"
    )
    forked = App(app.github, fork_pr, app.head, app.tmp)
    refused = parse(run_cli, app, forked.comment("/preview", "alice"))
    assert not refused["allowed"]
    assert (
        "comes from a fork (mallory/web): fork pull requests get no preview" in (refused["reason"])
    )
    allowed = parse(
        run_cli, app, forked.comment("/preview", "alice"), "issue_comment", "--allow-forks"
    )
    assert allowed["allowed"]


def test_closed_pull_request_cannot_be_previewed(app: App, run_cli: RunCli) -> None:
    app.api("PATCH", f"/pulls/{app.pr}", json={"state": "closed"})
    decision = parse(run_cli, app, app.comment("/preview", "alice"))
    assert not decision["allowed"]
    assert decision["reason"] == f"#{app.pr} is closed: only open pull requests get a preview"


# -- parse: automatic mode -------------------------------------------------------------------
def test_labelled_pull_request_events_go_up(app: App, run_cli: RunCli) -> None:
    for action in ("opened", "synchronize", "reopened"):
        decision = parse(run_cli, app, app.pull_event(action, labels=("preview",)), "pull_request")
        assert (decision["command"], decision["allowed"]) == ("up", True), decision
        assert (decision["sha"], decision["event"]) == (app.head, f"pull_request {action}")
    labeled = app.pull_event("labeled", labels=("preview",), label={"name": "preview"})
    assert parse(run_cli, app, labeled, "pull_request")["command"] == "up"


def test_unlabelled_pull_requests_get_nothing(app: App, run_cli: RunCli) -> None:
    opened = parse(run_cli, app, app.pull_event("opened", labels=("bug",)), "pull_request")
    assert (opened["command"], opened["reason"]) == (
        "none",
        f"#{app.pr} is not labelled 'preview': no preview",
    )
    other = app.pull_event("labeled", labels=("bug",), label={"name": "bug"})
    assert parse(run_cli, app, other, "pull_request")["command"] == "none"


def test_a_custom_label(app: App, run_cli: RunCli) -> None:
    event = app.pull_event("opened", labels=("try-me",))
    assert parse(run_cli, app, event, "pull_request")["command"] == "none"
    decision = parse(run_cli, app, event, "pull_request", "--label", "try-me")
    assert (decision["command"], decision["allowed"]) == ("up", True)


def test_closing_or_unlabelling_goes_down_without_api_calls(
    app: App, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = app.pull_event("closed")
    unlabeled = app.pull_event("unlabeled", label={"name": "preview"})
    monkeypatch.delenv("GITHUB_TOKEN")  # no API call: no token needed
    for event, reason in (
        (closed, "the pull request was closed"),
        (unlabeled, "the label 'preview' was removed"),
    ):
        decision = parse(run_cli, app, event, "pull_request")
        assert (decision["command"], decision["allowed"], decision["reason"]) == (
            "down",
            True,
            reason,
        )


def test_a_reader_labelling_and_a_bot_pushing_are_not_previewed(app: App, run_cli: RunCli) -> None:
    labeled = app.pull_event(
        "labeled", labels=("preview",), label={"name": "preview"}, sender="rita"
    )
    refused = parse(run_cli, app, labeled, "pull_request")
    assert (refused["command"], refused["allowed"]) == ("up", False)
    assert "rita has read permission" in refused["reason"]
    pushed = app.pull_event("synchronize", labels=("preview",), sender="deps[bot]")
    ignored = parse(run_cli, app, pushed, "pull_request")
    assert (ignored["command"], ignored["reason"]) == (
        "none",
        "deps[bot] is a bot: only people may ask for preview environments",
    )


def test_branch_deploy_parse_ignores_preview_comments(app: App, run_cli: RunCli) -> None:
    result = run_cli(
        "branch-deploy", "parse", "--event", app.comment("/preview", "alice"),
        "--event-name", "issue_comment", "--api-url", app.github.api_url, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["reason"] == "not a /deploy or /undeploy command"


# -- report ----------------------------------------------------------------------------------
def report(run_cli: RunCli, app: App, state: str, *extra: str, code: int = 0) -> dict[str, Any]:
    result = run_cli(
        "preview-env", "report", "--repo", APP, "--pr", str(app.pr), "--state", state,
        *extra, "--api-url", app.github.api_url, "--json",
    )  # fmt: skip
    assert result.exit_code == code, result.output
    if code:
        return {"output": result.output}
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_report_lifecycle_one_comment_and_deployments(app: App, run_cli: RunCli) -> None:
    # A branch deploy's comment on the same pull request is left alone.
    app.github.add_comment(APP, app.pr, f"{BRANCH_MARKER}\n### Deployed\n", author="gitops-bot")
    building = report(run_cli, app, "building", "--sha", app.head)
    assert (building["comment"], building["deployment_id"]) == ("created", None)
    up = report(
        run_cli, app, "up", "--app", "web", "--url", URL, "--image", "ghcr.io/acme/web:pr-1-a",
        "--expires-at", "2026-12-05T12:00:00Z",
    )  # fmt: skip
    # The comment from before the app was known becomes the app's.
    assert (up["comment"], up["sha"], up["environment"]) == (
        "updated",
        app.head,
        "preview/web/pr-1",
    )
    assert up["deployment_state"] == "success"
    comments = app.github.comments(APP, app.pr)
    assert len(comments) == 2
    assert comments[0].startswith(BRANCH_MARKER)
    assert comments[1].startswith(marker("web"))
    assert not comments[1].startswith(MARKER)
    for fact in (URL, "ghcr.io/acme/web:pr-1-a", "2026-12-05T12:00:00Z", app.head):
        assert fact in comments[1]
    (status,) = app.statuses(up["deployment_id"])
    assert (status["state"], status["environment_url"]) == ("success", URL)

    # A push: a new deployment, the old one inactive, the same comment.
    again = report(
        run_cli, app, "up", "--app", "web", "--url", URL, "--image", "ghcr.io/acme/web:pr-1-b"
    )
    assert again["comment"] == "updated"
    assert again["deployment_id"] != up["deployment_id"]
    assert len(app.github.comments(APP, app.pr)) == 2
    assert "ghcr.io/acme/web:pr-1-b" in app.github.comments(APP, app.pr)[1]

    removed = report(run_cli, app, "removed", "--app", "web", "--url", URL)
    assert (removed["comment"], removed["deployment_state"]) == ("updated", "inactive")
    assert removed["inactivated"] == [again["deployment_id"]]
    comments = app.github.comments(APP, app.pr)
    assert len(comments) == 2
    assert "Preview environment removed" in comments[1]
    records = app.github.deployments(APP)
    assert [(r.environment, r.transient_environment, r.states) for r in records] == [
        ("preview/web/pr-1", True, ("success", "inactive")),
        ("preview/web/pr-1", True, ("success", "inactive")),
    ]
    # Removing again changes nothing on the deployments.
    assert report(run_cli, app, "removed", "--app", "web")["inactivated"] == []


def test_two_apps_keep_two_comments(app: App, run_cli: RunCli) -> None:
    report(run_cli, app, "up", "--app", "web", "--url", URL)
    report(run_cli, app, "up", "--app", "api", "--url", "https://api-pr-1.example.com")
    comments = app.github.comments(APP, app.pr)
    assert [c.splitlines()[0] for c in comments] == [marker("web"), marker("api")]
    envs = {r.environment for r in app.github.deployments(APP)}
    assert envs == {"preview/web/pr-1", "preview/api/pr-1"}


def test_refused_says_why_and_records_nothing(app: App, run_cli: RunCli) -> None:
    refused = report(run_cli, app, "refused", "--reason", "max 2 previews reached (oldest: #3)")
    assert refused["deployment_id"] is None
    (body,) = app.github.comments(APP, app.pr)
    assert "max 2 previews reached (oldest: #3)" in body
    assert "/preview" in body
    assert app.github.deployments(APP) == ()


def test_up_without_app_is_a_usage_error(app: App, run_cli: RunCli) -> None:
    out = report(run_cli, app, "up", "--url", URL, code=2)["output"]
    assert "--state up needs --app" in out
    assert app.github.comments(APP, app.pr) == ()


def test_report_expired_tells_this_repositorys_pull_requests(app: App, run_cli: RunCli) -> None:
    report(run_cli, app, "up", "--app", "web", "--url", URL)
    expired = [
        {"app": "web", "pr": app.pr, "repo": APP, "url": URL, "image": "ghcr.io/acme/web:x",
         "expires_at": "2026-12-05T12:00:00Z"},
        {"app": "web", "pr": 9, "repo": "acme/other", "url": None, "image": "x",
         "expires_at": "2026-12-05T12:00:00Z"},
    ]  # fmt: skip
    result = run_cli(
        "preview-env", "report-expired", "--repo", APP, "--expired", json.dumps(expired),
        "--api-url", app.github.api_url, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["elsewhere"] == ["acme/other#9"]
    ((reported,),) = [data["reported"]]
    assert (reported["pr"], reported["state"], reported["deployment_state"]) == (
        app.pr,
        "removed",
        "inactive",
    )
    (body,) = app.github.comments(APP, app.pr)
    assert "Preview environment removed" in body
    assert "expired at 2026-12-05T12:00:00Z" in body
    assert app.github.deployments(APP)[-1].states[-1] == "inactive"


def test_report_expired_rejects_what_is_not_an_expire_list(app: App, run_cli: RunCli) -> None:
    for bad in ("{not json", '[{"app": "web"}]', '"x"'):
        result = run_cli("preview-env", "report-expired", "--repo", APP, "--expired", bad)
        assert result.exit_code == 2, (bad, result.output)
        assert "--expired is not the list" in result.output
    assert app.github.comments(APP, app.pr) == ()
