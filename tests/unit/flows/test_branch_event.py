"""Reading branch-deploy events from their JSON: commands, environments, what is ignored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gitops_release.errors import UsageError
from gitops_release.flows.branch_event import load_event, read_event
from tests.conftest import RunCli

REPO = {"full_name": "acme/web"}


def comment_event(
    body: str,
    *,
    action: str = "created",
    pull: bool = True,
    user_type: str = "User",
    login: str = "alice",
) -> dict[str, Any]:
    issue: dict[str, Any] = {"number": 7, "title": "Feature"}
    if pull:
        issue["pull_request"] = {"url": "https://api.github.com/repos/acme/web/pulls/7"}
    return {
        "action": action,
        "issue": issue,
        "comment": {"id": 42, "body": body, "user": {"login": login, "type": user_type}},
        "repository": REPO,
        "sender": {"login": login},
    }


def write(tmp_path: Path, data: object, name: str = "event.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def read(tmp_path: Path, data: dict[str, Any], event_name: str = "issue_comment"):  # type: ignore[no-untyped-def]
    path = write(tmp_path, data)
    return read_event(load_event(path), event_name, source=str(path))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "command", "environment"),
    [
        ("/deploy", "deploy", None),
        ("/deploy staging", "deploy", "staging"),
        ("  /deploy   qa-2 please", "deploy", "qa-2"),
        ("/undeploy", "undeploy", None),
    ],
)
def test_new_comment_commands(
    tmp_path: Path, body: str, command: str, environment: str | None
) -> None:
    request = read(tmp_path, comment_event(body))
    assert (request.command, request.environment, request.pr, request.actor) == (
        command,
        environment,
        7,
        "alice",
    )
    assert request.allowed
    assert request.comment_id == 42
    assert request.repo == "acme/web"
    assert request.needs_github


@pytest.mark.parametrize("action", ["edited", "deleted"])
def test_edited_and_deleted_comments_are_ignored(tmp_path: Path, action: str) -> None:
    request = read(tmp_path, comment_event("/deploy", action=action))
    assert (request.command, request.allowed) == ("none", False)
    assert "edited" in request.reason
    assert "ignored" in request.reason
    assert not request.needs_github


def test_comment_on_a_plain_issue(tmp_path: Path) -> None:
    request = read(tmp_path, comment_event("/deploy", pull=False))
    assert (request.command, request.allowed) == ("none", False)
    assert "not a pull request" in request.reason


@pytest.mark.parametrize("body", ["LGTM", "/deployment", "please /deploy", "", "/Deploy"])
def test_other_comments_are_not_commands(tmp_path: Path, body: str) -> None:
    request = read(tmp_path, comment_event(body))
    assert (request.command, request.allowed) == ("none", False)
    assert "not a /deploy" in request.reason


def test_bots_are_refused(tmp_path: Path) -> None:
    request = read(tmp_path, comment_event("/deploy", user_type="Bot", login="ci[bot]"))
    assert (request.command, request.allowed) == ("deploy", False)
    assert "ci[bot] is a bot" in request.reason


def test_a_bad_environment_name_is_refused(tmp_path: Path) -> None:
    request = read(tmp_path, comment_event("/deploy ../prod"))
    assert (request.command, request.allowed, request.environment) == ("deploy", False, None)


def test_closed_pull_request_gives_staging_back(tmp_path: Path) -> None:
    event = {
        "action": "closed",
        "number": 7,
        "pull_request": {"number": 7, "head": {"sha": "abc123", "ref": "feature"}},
        "repository": REPO,
        "sender": {"login": "bob"},
    }
    request = read(tmp_path, event, "pull_request")
    assert (request.command, request.allowed, request.actor) == ("undeploy", True, "bob")
    assert (request.sha, request.branch, request.pr) == ("abc123", "feature", 7)
    assert not request.needs_github
    opened = read(tmp_path, {**event, "action": "opened"}, "pull_request")
    assert (opened.command, opened.allowed) == ("none", False)


def test_malformed_event_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(UsageError, match="broken.json is not valid JSON"):
        load_event(broken)
    with pytest.raises(UsageError, match="missing.json"):
        load_event(tmp_path / "missing.json")
    with pytest.raises(UsageError, match="list.json does not hold a JSON object"):
        load_event(write(tmp_path, [1], "list.json"))
    path = write(tmp_path, {"action": "created"}, "partial.json")
    with pytest.raises(UsageError, match="partial.json is not a issue_comment event"):
        read_event(load_event(path), "issue_comment", source=str(path))


def test_cli_without_api_calls(tmp_path: Path, run_cli: RunCli) -> None:
    event = write(tmp_path, comment_event("/deploy", action="edited"))
    result = run_cli(
        "branch-deploy", "parse", "--event", event, "--event-name", "issue_comment", "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "command": "none",
        "environment": None,
        "pr": 7,
        "sha": None,
        "branch": None,
        "actor": "alice",
        "allowed": False,
        "reason": "the comment was edited: edited and deleted comments are ignored, "
        "post a new comment",
    }


def test_cli_malformed_event_exits_2(tmp_path: Path, run_cli: RunCli) -> None:
    broken = tmp_path / "event.json"
    broken.write_text("nope", encoding="utf-8")
    result = run_cli(
        "branch-deploy", "parse", "--event", broken, "--event-name", "issue_comment", "--json"
    )
    assert result.exit_code == 2
    assert "event.json is not valid JSON" in result.output


def test_cli_writes_step_outputs(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = tmp_path / "outputs"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    event = write(
        tmp_path,
        {
            "action": "closed",
            "pull_request": {"number": 3, "head": {"sha": "abc", "ref": "f"}},
            "repository": REPO,
            "sender": {"login": "bob"},
        },
    )
    result = run_cli("branch-deploy", "parse", "--event", event, "--event-name", "pull_request")
    assert result.exit_code == 0, result.output
    text = outputs.read_text(encoding="utf-8")
    for key in ("command", "environment", "pr", "sha", "branch", "actor", "allowed", "reason"):
        assert f"{key}<<" in text
    assert "\nundeploy\n" in text
    assert "\ntrue\n" in text
