"""`gitops-release tags`: options, the Actions environment, git, outputs and errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gitops_release import proc
from tests.conftest import RunCli

SHA = "0123456789abcdef0123456789abcdef01234567"
HEAD = "fedcba9876543210fedcba9876543210fedcba98"


def read_outputs(path: Path) -> dict[str, str]:
    """Parse a $GITHUB_OUTPUT file written with heredoc delimiters."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        key, _, delimiter = line.partition("<<")
        value = []
        for item in lines:
            if item == delimiter:
                break
            value.append(item)
        outputs[key] = "\n".join(value)
    return outputs


@pytest.fixture
def actions_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A GitHub Actions environment for a push to main; returns the $GITHUB_OUTPUT file."""
    output = tmp_path / "output"
    output.touch()
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"repository": {"default_branch": "main"}}), encoding="utf-8")
    for key, value in {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_SHA": SHA,
        "GITHUB_RUN_NUMBER": "42",
        "GITHUB_OUTPUT": str(output),
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    return output


def test_in_actions_reads_the_environment_and_writes_outputs(
    run_cli: RunCli, actions_env: Path
) -> None:
    result = run_cli("tags", "--image", "ghcr.io/acme/web", "--latest")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "ghcr.io/acme/web:main-0123456-000042",
        "ghcr.io/acme/web:sha-0123456",
        "ghcr.io/acme/web:latest",
    ]
    outputs = read_outputs(actions_env)
    assert outputs["tag"] == "main-0123456-000042"
    assert outputs["tags"].splitlines() == ["main-0123456-000042", "sha-0123456", "latest"]
    assert outputs["images"].splitlines()[0] == "ghcr.io/acme/web:main-0123456-000042"
    assert outputs["sha"] == SHA


def test_options_override_the_environment(run_cli: RunCli, actions_env: Path) -> None:
    result = run_cli(
        "tags", "--ref", "refs/tags/v2.1.0", "--sha", HEAD, "--run-number", "7", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tags"] == ["2.1.0", "2.1", "2", "sha-fedcba9"]
    assert data["tag"] == "2.1.0"
    assert data["version"] == "2.1.0"


def test_pull_request_event_tags_the_head_commit(
    run_cli: RunCli, actions_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = tmp_path / "pr.json"
    event.write_text(
        json.dumps(
            {
                "number": 5,
                "pull_request": {"number": 5, "head": {"ref": "fix/Typo", "sha": HEAD}},
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.setenv("GITHUB_REF", "refs/pull/5/merge")
    result = run_cli("tags", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["tags"] == ["fix-typo-fedcba9-000042", "pr-5", "sha-fedcba9"]
    assert data["sha"] == HEAD


def test_outside_actions_git_gives_sha_branch_and_commit_time(
    run_cli: RunCli, checkout: Path
) -> None:
    sha = proc.run(["git", "rev-parse", "HEAD"], cwd=checkout).out.strip()
    result = run_cli("tags", "--repo", checkout, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["sha"] == sha
    assert data["branch"] == "feature/Login"
    assert data["created"] == "2024-03-05T06:07:08Z"
    assert data["tags"] == [f"feature-login-{sha[:7]}-20240305060708", f"sha-{sha[:7]}"]


def test_event_head_commit_time_is_used_when_the_commit_is_not_checked_out(
    run_cli: RunCli, actions_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = tmp_path / "push.json"
    event.write_text(
        json.dumps({"head_commit": {"id": SHA, "timestamp": "2024-05-06T09:08:07+02:00"}}),
        encoding="utf-8",
    )
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.delenv("GITHUB_RUN_NUMBER")
    data = json.loads(run_cli("tags", "--json").stdout)
    assert data["created"] == "2024-05-06T07:08:07Z"
    assert data["tag"] == "main-0123456-20240506070807"


def test_plain_output_lists_tags_one_per_line(run_cli: RunCli, actions_env: Path) -> None:
    result = run_cli("tags", "--no-latest")
    assert result.stdout == "main-0123456-000042\nsha-0123456\n"


def test_unknown_default_branch_warns_in_actions(
    run_cli: RunCli, actions_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_EVENT_PATH")
    result = run_cli("tags", "--latest")
    assert result.exit_code == 0
    assert "::warning title=gitops-release tags::latest: the default branch is unknown" in (
        result.stdout
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--image", "ghcr.io/acme/web:1.0"), "must be a repository without tag or digest"),
        (("--image", "Not A Repo"), "--image"),
        (("--sha", "not-a-sha"), "'not-a-sha' is not a commit sha"),
        (("--run-number", "-1"), "-1 is not in the range x>=0"),
    ],
)
def test_bad_options_are_reported(
    run_cli: RunCli, actions_env: Path, args: tuple[str, ...], message: str
) -> None:
    result = run_cli("tags", *args)
    assert result.exit_code != 0
    assert message in result.output


def test_bad_run_number_in_the_environment(
    run_cli: RunCli, actions_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_RUN_NUMBER", "4x")
    result = run_cli("tags")
    assert result.exit_code == 2
    assert "GITHUB_RUN_NUMBER '4x' is not a number" in result.stderr


def test_unreadable_event_payload(run_cli: RunCli, actions_env: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = run_cli("tags", "--event-path", broken)
    assert result.exit_code == 2
    assert "cannot read the event payload" in result.stderr


def test_no_commit_anywhere_is_a_usage_error(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert "GITHUB_SHA" not in os.environ
    result = run_cli("tags")
    assert result.exit_code == 2
    assert "no commit: pass --sha" in result.stderr
