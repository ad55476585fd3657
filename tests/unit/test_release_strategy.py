"""Which strategy an app release asks for, from the Actions event: explicit input, the merged
pull request's release:<name> label, or the pushed commit's Release-Strategy: trailer."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_release.errors import UsageError
from gitops_release.release_strategy import Requested, read_event, requested

PUSH: dict[str, Any] = {
    "after": "a" * 40,
    "head_commit": {"message": "Speed up checkout\n\nRelease-Strategy: canary\n"},
}


def no_pulls(sha: str) -> list[tuple[int, tuple[str, ...]]]:
    return []


def test_explicit_input_wins() -> None:
    assert requested("analysed", "push", PUSH, no_pulls) == Requested(
        "analysed", "the strategy input"
    )


def test_merged_pull_request_label_wins_over_the_trailer() -> None:
    asked: list[str] = []

    def pulls(sha: str) -> list[tuple[int, tuple[str, ...]]]:
        asked.append(sha)
        return [(12, ("bug", "release:big-bang"))]

    found = requested("", "push", PUSH, pulls)
    assert found == Requested("big-bang", "label release:big-bang on pull request #12")
    assert asked == ["a" * 40]


def test_trailer_of_the_pushed_commit() -> None:
    found = requested("", "push", PUSH, no_pulls)
    assert found is not None
    assert found.name == "canary"
    plain = {"after": "b" * 40, "head_commit": {"message": "Fix typo"}}
    assert requested("", "push", plain, no_pulls) is None


def test_pull_request_event_reads_its_labels() -> None:
    event = {"pull_request": {"number": 7, "labels": [{"name": "release:canary"}]}}
    found = requested("", "pull_request", event, no_pulls)
    assert found == Requested("canary", "label release:canary on pull request #7")
    assert requested("", "workflow_dispatch", event, no_pulls) is None


@pytest.mark.parametrize(
    ("explicit", "event", "expected"),
    [
        ("Canary!", {}, "the strategy input: 'Canary!' is not a strategy name"),
        (
            "",
            {
                "pull_request": {
                    "number": 3,
                    "labels": [{"name": "release:a"}, {"name": "release:b"}],
                }
            },
            "pull request #3 has several release labels (release:a, release:b)",
        ),
        (
            "",
            {"pull_request": {"number": 3, "labels": [{"name": "release:$(id)"}]}},
            "'$(id)' is not a strategy name",
        ),
    ],
)
def test_hostile_or_ambiguous_names_are_refused(
    explicit: str, event: dict[str, Any], expected: str
) -> None:
    with pytest.raises(UsageError) as caught:
        requested(explicit, "pull_request", event, no_pulls)
    assert expected in caught.value.message


def test_read_event(tmp_path: Any) -> None:
    path = tmp_path / "event.json"
    path.write_text('{"after": "x"}', encoding="utf-8")
    assert read_event(str(path)) == {"after": "x"}
    assert read_event("") == {}
    with pytest.raises(UsageError):
        read_event(str(tmp_path / "missing.json"))
