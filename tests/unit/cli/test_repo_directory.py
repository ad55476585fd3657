"""`--repo` names a directory that is not there, or a config under the other extension."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_release.config import load_config
from gitops_release.errors import ConfigError
from tests.conftest import RunCli, snapshot

WEB = "ghcr.io/acme/web"


@pytest.mark.parametrize(
    "command",
    [
        ("set-image", "--env", "staging", "--image", f"{WEB}:1"),
        ("diff", "--base", "HEAD~1", "--head", "HEAD"),
        ("tags", "--sha", "0123456789abcdef0123456789abcdef01234567"),
        ("check",),
        ("check", "--ref", "HEAD"),
    ],
)
def test_missing_repo_directory(run_cli: RunCli, tmp_path: Path, command: tuple[str, ...]) -> None:
    missing = tmp_path / "nonexistent"
    result = run_cli(*command, "--repo", missing)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: no such directory: {missing} (given as --repo)\n")
    assert "gitops-release.yaml" not in result.stderr
    assert "hint: pass --repo with the path of" in result.stderr


def test_missing_repo_directory_as_json(run_cli: RunCli, tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent"
    result = run_cli(
        "set-image", "--repo", missing, "--env", "staging", "--image", f"{WEB}:1", "--json"
    )
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "error": {
            "message": f"no such directory: {missing} (given as --repo)",
            "hint": "pass --repo with the path of a local checkout of the manifest repo",
            "exit_code": 2,
        }
    }


def test_repo_that_is_a_file(run_cli: RunCli, tmp_path: Path) -> None:
    file = tmp_path / "manifests.tar"
    file.write_bytes(b"")
    result = run_cli("set-image", "--repo", file, "--env", "staging", "--image", f"{WEB}:1")
    assert result.exit_code == 2  # click's own check (file_okay=False), in our form
    assert result.stderr.startswith(f"error: invalid value for '--repo': Directory '{file}' is")


def test_yml_config_is_named_and_must_be_renamed(run_cli: RunCli, example_repo: Path) -> None:
    (example_repo / ".gitops-release.yaml").rename(example_repo / ".gitops-release.yml")
    before = snapshot(example_repo)
    result = run_cli(
        "set-image", "--repo", example_repo, "--env", "staging", "--image", f"{WEB}:1.4.2"
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        (
            f"error: no .gitops-release.yaml in {example_repo}, but there is a .gitops-release.yml: "
            "the config is read only as .gitops-release.yaml"
        ),
        "  hint: rename it: git mv .gitops-release.yml .gitops-release.yaml",
    ]
    assert snapshot(example_repo) == before


def test_loader_names_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "gone")
    assert caught.value.message == f"no such directory: {tmp_path / 'gone'}"


def test_loader_without_any_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no .gitops-release.yaml in") as caught:
        load_config(tmp_path)
    assert "rename" not in str(caught.value)
