"""`history` and `rollback` as JSON (the issue's keys, a contract) and as text."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from gitops_release.deployments import Deployment, SourceRef
from gitops_release.flows.history import HistoryResult
from gitops_release.flows.rollback import RollbackResult
from gitops_release.github import PullRequest
from gitops_release.reporting.history import (
    history_json,
    history_text,
    rollback_json,
    rollback_outputs,
    rollback_summary,
    rollback_text,
)
from gitops_release.steps.pr_preview import PreviewOutcome

WEB = "ghcr.io/acme/web"
WHEN = datetime(2024, 5, 1, 14, 30, tzinfo=UTC)
SHA = "a" * 40
PULL = PullRequest(
    number=12, url="https://github.com/acme/manifests/pull/12",
    title=f"rollback(web): staging → {WEB}:2.2.0", body="", head="gitops-release/staging/web",
    base="develop", head_sha="b" * 40, state="open", draft=False, merged=False, labels=(),
)  # fmt: skip


def released() -> Deployment:
    return Deployment(
        f"{WEB}:2.3.0", f"{WEB}:2.2.0", "c" * 40, WHEN, 7, SourceRef("acme/web", SHA, 3),
        "release",
    )  # fmt: skip


def direct() -> Deployment:
    return Deployment(f"{WEB}:2.2.0", None, "d" * 40, WHEN, None, None, "rollback")


def test_history_json_has_the_issue_s_keys_newest_first() -> None:
    result = HistoryResult("staging", "web", "develop", (released(), direct()))
    data = history_json(result)
    assert data["deployments"] == [
        {
            "image": f"{WEB}:2.3.0",
            "previous": f"{WEB}:2.2.0",
            "commit": "c" * 40,
            "merged_at": "2024-05-01T14:30:00Z",
            "pull_request": 7,
            "source": {"repo": "acme/web", "sha": SHA, "pr": 3},
            "kind": "release",
        },
        {
            "image": f"{WEB}:2.2.0",
            "previous": None,
            "commit": "d" * 40,
            "merged_at": "2024-05-01T14:30:00Z",
            "pull_request": None,
            "source": None,
            "kind": "rollback",
        },
    ]
    assert (data["env"], data["app"], data["branch"]) == ("staging", "web", "develop")


def test_history_text_one_line_per_deployment() -> None:
    text = history_text(HistoryResult("staging", "web", "develop", (released(), direct())))
    lines = text.splitlines()
    assert lines[0] == "web on staging (develop), newest first:"
    assert lines[1] == (
        f"  2024-05-01T14:30:00Z  release       {WEB}:2.3.0 from acme/web@aaaaaaa  ccccccc #7"
    )
    assert lines[2].endswith(f"rollback      {WEB}:2.2.0  ddddddd (direct)")


def test_history_text_when_nothing_was_recorded() -> None:
    text = history_text(HistoryResult("staging", "web", "develop", ()))
    assert text.startswith("no deployments of web to staging recorded on develop")


def test_rollback_json_for_a_pull_request() -> None:
    result = RollbackResult(
        "created", "staging", "web", f"{WEB}:2.3.0", f"{WEB}:2.2.0", "develop",
        "gitops-release/staging/web", PULL, "e" * 40, False,
        preview=PreviewOutcome("created", "success", "https://github.com/c/1"),
    )  # fmt: skip
    data = rollback_json(result)
    assert {k: data[k] for k in ("action", "from", "to", "commit")} == {
        "action": "created",
        "from": f"{WEB}:2.3.0",
        "to": f"{WEB}:2.2.0",
        "commit": "e" * 40,
    }
    assert data["pull_request"] == {
        "number": 12, "url": PULL.url, "title": PULL.title, "draft": False,
    }  # fmt: skip
    assert data["preview"] == {
        "action": "created", "state": "success", "url": "https://github.com/c/1",
    }  # fmt: skip
    assert data["reason"] is None
    text = rollback_text(result)
    assert text.splitlines() == [
        f"created: web on staging: {WEB}:2.3.0 -> {WEB}:2.2.0",
        f"  pull request #12: {PULL.url}",
    ]


def test_rollback_json_and_text_for_a_direct_commit() -> None:
    result = RollbackResult(
        "committed", "staging", "web", f"{WEB}:2.3.0", f"{WEB}:2.1.0", "develop", None, None,
        "f" * 40, False,
    )  # fmt: skip
    data = rollback_json(result)
    assert data["pull_request"] is None
    assert data["preview"] is None
    assert data["branch"] is None
    assert f"committed {'f' * 12} to develop" in rollback_text(result)


def test_rollback_unchanged_says_why() -> None:
    result = RollbackResult(
        "unchanged", "staging", "web", f"{WEB}:2.2.0", f"{WEB}:2.2.0", "develop", None, None,
        None, False, f"staging already runs {WEB}:2.2.0",
    )  # fmt: skip
    assert rollback_json(result)["reason"] == f"staging already runs {WEB}:2.2.0"
    assert rollback_text(result).endswith(f"\n  staging already runs {WEB}:2.2.0")


def test_rollback_outputs_are_the_json_keys_and_the_whole_document() -> None:
    result = RollbackResult(
        "created", "staging", "web", f"{WEB}:2.3.0", f"{WEB}:2.2.0", "develop",
        "gitops-release/staging/web", PULL, "e" * 40, False,
    )  # fmt: skip
    data = rollback_json(result)
    outputs = rollback_outputs(data)
    assert {k: v for k, v in outputs.items() if k != "result"} == {
        "action": "created",
        "from": f"{WEB}:2.3.0",
        "to": f"{WEB}:2.2.0",
        "pr-number": "12",
        "pr-url": PULL.url,
        "commit": "e" * 40,
    }
    assert json.loads(outputs["result"]) == data
    committed = RollbackResult(
        "committed", "staging", "web", None, f"{WEB}:2.1.0", "develop", None, None, "f" * 40,
        False,
    )  # fmt: skip
    direct = rollback_json(committed)
    assert rollback_outputs(direct)["pr-number"] == ""
    assert rollback_outputs(direct)["from"] == ""


def test_rollback_summary_is_one_line_with_the_pull_request_or_commit() -> None:
    opened = RollbackResult(
        "created", "production", "web", f"{WEB}:2.3.0", f"{WEB}:2.2.0", "main",
        "gitops-release/production/web", PULL, "e" * 40, False,
    )  # fmt: skip
    assert rollback_summary(opened) == (
        f"**gitops-release rollback** of web on production: `{WEB}:2.3.0` → `{WEB}:2.2.0`: "
        f"created [#12]({PULL.url})"
    )
    committed = RollbackResult(
        "committed", "production", "web", f"{WEB}:2.3.0", f"{WEB}:2.1.0", "main", None, None,
        "f" * 40, False,
    )  # fmt: skip
    assert rollback_summary(committed).endswith(f": committed `{'f' * 12}` to `main`")
    unchanged = RollbackResult(
        "unchanged", "production", "web", f"{WEB}:2.2.0", f"{WEB}:2.2.0", "main", None, None,
        None, False, "production already runs it",
    )  # fmt: skip
    assert rollback_summary(unchanged).endswith(": unchanged — production already runs it")
    assert "\n" not in rollback_summary(unchanged)
