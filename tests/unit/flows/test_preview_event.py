"""Reading preview-environment events from their JSON: `/preview` and `/unpreview`, and the
label-gated automatic mode of pull_request events."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_release.errors import UsageError
from gitops_release.flows.preview_event import PreviewDecision, read_event
from gitops_release.steps.pr_command import EventDecision, EventRequest

REPO = {"full_name": "acme/web"}


def comment(body: str, *, action: str = "created", user_type: str = "User") -> dict[str, Any]:
    return {
        "action": action,
        "issue": {"number": 7, "pull_request": {"url": "u"}},
        "comment": {"id": 42, "body": body, "user": {"login": "alice", "type": user_type}},
        "repository": REPO,
    }


def pull(
    action: str, labels: tuple[str, ...] = (), *, label: str | None = None, bot: bool = False
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "action": action,
        "pull_request": {
            "number": 7,
            "labels": [{"name": n} for n in labels],
            "head": {"sha": "a" * 40, "ref": "feature-x"},
        },
        "repository": REPO,
        "sender": {"login": "ci[bot]" if bot else "alice", "type": "Bot" if bot else "User"},
    }
    if label is not None:
        data["label"] = {"name": label}
    return data


def read(data: dict[str, Any], name: str = "issue_comment", label: str = "preview") -> EventRequest:
    return read_event(data, name, source="event.json", label=label)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "command"),
    [("/preview", "up"), ("  /preview please", "up"), ("/unpreview", "down")],
)
def test_comment_commands(body: str, command: str) -> None:
    request = read(comment(body))
    assert (request.command, request.allowed, request.checks, request.pr) == (
        command,
        True,
        True,
        7,
    )
    assert request.environment is None  # previews take no argument
    assert request.needs_github


@pytest.mark.parametrize("body", ["/deploy", "preview", "LGTM /preview", ""])
def test_other_comments(body: str) -> None:
    request = read(comment(body))
    assert (request.command, request.needs_github) == ("none", False)
    assert request.reason == "not a /preview or /unpreview command"


def test_edited_comments_and_bots() -> None:
    assert (
        "edited and deleted comments are ignored"
        in read(comment("/preview", action="edited")).reason
    )
    bot = read(comment("/preview", user_type="Bot"))
    assert (bot.command, bot.allowed) == ("up", False)
    assert bot.reason == "alice is a bot: only people may ask for preview environments"


@pytest.mark.parametrize("action", ["opened", "synchronize", "reopened"])
def test_labelled_updates_go_up_after_checks(action: str) -> None:
    request = read(pull(action, ("bug", "preview")), "pull_request")
    assert (request.command, request.allowed, request.checks) == ("up", True, True)
    unlabelled = read(pull(action, ("bug",)), "pull_request")
    assert (unlabelled.command, unlabelled.needs_github) == ("none", False)
    assert unlabelled.reason == "#7 is not labelled 'preview': no preview"


def test_labels() -> None:
    added = read(pull("labeled", ("preview",), label="preview"), "pull_request")
    assert (added.command, added.allowed) == ("up", True)
    other = read(pull("labeled", ("preview", "bug"), label="bug"), "pull_request")
    assert (other.command, other.reason) == (
        "none",
        "the label 'bug' is not 'preview': nothing to do",
    )
    removed = read(pull("unlabeled", (), label="preview"), "pull_request")
    assert (removed.command, removed.allowed, removed.checks) == ("down", True, False)
    custom = read(pull("opened", ("try",)), "pull_request", label="try")
    assert custom.command == "up"


def test_closed_goes_down_whatever_the_labels() -> None:
    request = read(pull("closed"), "pull_request")
    assert (request.command, request.allowed, request.needs_github) == ("down", True, False)
    assert (request.sha, request.branch) == ("a" * 40, "feature-x")


def test_other_actions_and_bots() -> None:
    assert read(pull("edited", ("preview",)), "pull_request").command == "none"
    bot = read(pull("synchronize", ("preview",), bot=True), "pull_request")
    assert (bot.command, bot.needs_github) == ("none", False)


def test_malformed_events_name_the_file() -> None:
    with pytest.raises(UsageError, match="event.json is not a pull_request event"):
        read({"action": "opened"}, "pull_request")
    with pytest.raises(UsageError, match="is not a issue_comment event|is not an issue_comment"):
        read({"action": "created", "issue": {}}, "issue_comment")


def test_decision_json_has_no_environment() -> None:
    decision = EventDecision.of(read(pull("closed"), "pull_request"))
    answer = PreviewDecision(decision, "acme/web", "pull_request closed")
    assert answer.as_json() == {
        "command": "down",
        "pr": 7,
        "sha": "a" * 40,
        "branch": "feature-x",
        "actor": "alice",
        "allowed": True,
        "reason": "the pull request was closed",
        "repo": "acme/web",
        "event": "pull_request closed",
    }
    assert answer.outputs()["allowed"] == "true"
