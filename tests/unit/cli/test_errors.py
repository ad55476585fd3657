"""How every command reports errors: `error:`/`hint:` on stderr, and with `--json` one JSON
document on stdout with the same exit code (docs/exit-codes.md)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import pytest

from gitops_release import proc
from tests.conftest import RunCli, snapshot

WEB = "ghcr.io/acme/web"


def error_of(stdout: str) -> dict[str, Any]:
    """The one JSON document on stdout, which must be an error."""
    data = json.loads(stdout)
    assert list(data) == ["error"]
    error: dict[str, Any] = data["error"]
    assert set(error) == {"message", "hint", "exit_code"}
    return error


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("set-image", "--env", "staging"), "missing option '--image'"),
        (("set-image", "--env", "s", "--image", f"{WEB}:1", "--bogus"), "no such option"),
        (("tags", "--run-number", "-1"), "invalid value for '--run-number'"),
        (("bump", "--env", "staging", "--image", f"{WEB}:1"), "missing option '--manifest-repo'"),
        (("promote", "--manifest-repo", "acme/m", "--on-conflict", "x"), "invalid value"),
        (("preview", "--manifest-repo", "acme/m", "--pr", "one"), "invalid value for '--pr'"),
    ],
)
def test_usage_errors_in_the_documented_form(
    run_cli: RunCli, args: tuple[str, ...], message: str
) -> None:
    human = run_cli(*args)
    assert human.exit_code == 2
    assert human.stdout == ""
    lines = human.stderr.splitlines()
    assert lines[0].startswith(f"error: {message}"), human.stderr
    assert lines[1].startswith("  hint: "), human.stderr
    assert f"`gitops-release {args[0]} --help`" in lines[1]
    assert "Error:" not in human.stderr
    assert "Usage:" not in human.stderr

    machine = run_cli(*args, "--json")
    assert machine.exit_code == 2
    error = error_of(machine.stdout)
    assert error["exit_code"] == 2
    assert error["message"].startswith(message)
    assert error["hint"] == lines[1].removeprefix("  hint: ")
    assert machine.stderr == human.stderr  # people still read the error on stderr


def test_unknown_option_suggests_the_close_one(run_cli: RunCli) -> None:
    result = run_cli("set-image", "--jsonn")
    assert result.exit_code == 2
    assert "error: no such option '--jsonn'" in result.stderr
    assert "hint: did you mean '--json'?" in result.stderr


def test_unknown_command(run_cli: RunCli) -> None:
    result = run_cli("set-imag", "--json")
    assert result.exit_code == 2
    assert result.stdout == ""  # not a command, so no command's --json
    assert "error: no such command 'set-imag'" in result.stderr
    assert "did you mean 'set-image'?" in result.stderr


def test_json_of_a_command_without_the_flag(run_cli: RunCli) -> None:
    result = run_cli("check", "--json")  # check has --format json, not --json
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "error: no such option '--json'" in result.stderr


def test_option_value_that_looks_like_the_flag(run_cli: RunCli, example_repo: Path) -> None:
    result = run_cli(
        "set-image", "--repo", example_repo, "--env", "staging", "--image", f"{WEB}:2",
        "--app", "--json",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: unknown app '--json'")


def test_command_error_as_json(run_cli: RunCli, example_repo: Path) -> None:
    before = snapshot(example_repo)
    args = ("set-image", "--repo", example_repo, "--env", "qa", "--image", f"{WEB}:2")
    human = run_cli(*args)
    machine = run_cli(*args, "--json")
    assert human.exit_code == machine.exit_code == 1
    error = error_of(machine.stdout)
    assert error == {
        "message": "unknown environment 'qa' (known in .gitops-release.yaml: staging, production)",
        "hint": "use one of: staging, production, or add 'qa' under environments: in "
        ".gitops-release.yaml",
        "exit_code": 1,
    }
    assert human.stderr.splitlines() == [
        f"error: {error['message']}",
        f"  hint: {error['hint']}",
    ]
    assert snapshot(example_repo) == before


def test_error_without_hint_has_null_hint(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / ".gitops-release.yaml").write_bytes(b"\xff\xfe not utf-8")
    result = run_cli("set-image", "--repo", tmp_path, "--env", "s", "--image", f"{WEB}:1", "--json")
    assert result.exit_code == 1
    error = error_of(result.stdout)
    assert error["hint"] is None
    assert error["message"].startswith(".gitops-release.yaml: not UTF-8 text")


def test_tags_usage_error_as_json(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("tags", "--repo", tmp_path, "--sha", "not-a-sha", "--json")
    assert result.exit_code == 2
    assert error_of(result.stdout)["message"] == "'not-a-sha' is not a commit sha"


def test_bump_without_token_as_json(run_cli: RunCli) -> None:
    result = run_cli(
        "bump", "--manifest-repo", "acme/manifests", "--env", "staging", "--image", f"{WEB}:1",
        "--json",
    )  # fmt: skip
    assert result.exit_code == 1
    error = error_of(result.stdout)
    assert error["message"] == "no token: the environment variable GITHUB_TOKEN is empty or not set"


def test_secrets_are_masked_in_both_forms(run_cli: RunCli, example_repo: Path) -> None:
    secret = f"s3cr3t-{secrets.token_hex(8)}"
    proc.register_secret(secret)
    args = ("set-image", "--repo", example_repo, "--env", secret, "--image", f"{WEB}:2")
    human = run_cli(*args)
    machine = run_cli(*args, "--json")
    for result in (human, machine):
        assert result.exit_code == 1
        assert secret not in result.stdout + result.stderr
    assert "unknown environment '***'" in human.stderr
    assert error_of(machine.stdout)["message"].startswith("unknown environment '***'")


def test_in_actions_the_annotation_stays(
    run_cli: RunCli, example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    secret = f"s3cr3t-{secrets.token_hex(8)}"
    proc.register_secret(secret)
    args = ("set-image", "--repo", example_repo, "--env", secret, "--image", f"{WEB}:2")

    human = run_cli(*args)
    assert human.exit_code == 1
    assert human.stdout.startswith("::error title=gitops-release::unknown environment '***'")
    assert secret not in human.stdout + human.stderr

    machine = run_cli(*args, "--json")
    assert machine.exit_code == 1
    # The runner reads workflow commands on stderr too: stdout stays one JSON document.
    assert error_of(machine.stdout)["exit_code"] == 1
    assert "::error title=gitops-release::unknown environment '***'" in machine.stderr
    assert secret not in machine.stdout + machine.stderr


def test_success_with_json_is_unchanged(run_cli: RunCli, example_repo: Path) -> None:
    result = run_cli(
        "set-image", "--repo", example_repo, "--env", "staging", "--image", f"{WEB}:1.4.2",
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0
    assert json.loads(result.stdout)["changed"] is True
    assert result.stderr == ""


def test_no_arguments_shows_the_help(run_cli: RunCli) -> None:
    result = run_cli()
    assert result.exit_code == 2
    assert "Commands:" in result.stderr


def test_json_after_the_end_of_options_is_not_the_flag(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("tags", "--repo", tmp_path, "--sha", "nope", "--", "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
