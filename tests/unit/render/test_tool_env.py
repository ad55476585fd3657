"""Renderers run with a minimal environment and find no tool or module in the checkout."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from gitops_release.render import tools

_TOKEN = "ghp_" + "Q" * 36


@pytest.fixture
def hostile_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "GITHUB_TOKEN",
        "GITOPS_RELEASE_TOKEN",
        "ACTIONS_RUNTIME_TOKEN",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "MY_TOKEN",
        "PYTHONPATH",
        "HELM_PLUGINS",
        "KUBECONFIG",
    ):
        monkeypatch.setenv(name, _TOKEN)
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "http.extraHeader")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", f"Authorization: Basic {_TOKEN}")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")


@pytest.mark.usefixtures("hostile_env")
def test_a_renderer_sees_only_the_allow_listed_environment(tmp_path: Path) -> None:
    env = tools.renderer_env(tmp_path)
    assert set(env) <= {
        "PATH",
        "HOME",
        "TMPDIR",
        "LC_ALL",
        "LANG",
        "LANGUAGE",
        "TZ",
        "GOMAXPROCS",
        "GOGC",
        "GOMEMLIMIT",
    }
    assert _TOKEN not in "".join(env.values())
    assert env["HOME"] == str(tmp_path / "home")
    assert env["TMPDIR"] == str(tmp_path / "tmp")
    assert env["LC_ALL"] == "C.UTF-8"


@pytest.mark.usefixtures("hostile_env")
def test_a_real_process_started_as_a_renderer_gets_that_environment(tmp_path: Path) -> None:
    result = tools.run_tool(
        [sys.executable, "-I", "-c", "import os, json; print(json.dumps(dict(os.environ)))"],
        what="probe",
        timeout=30,
        scratch=tmp_path,
    )
    seen = result.out
    assert result.returncode == 0
    assert _TOKEN not in seen
    for name in ("GITHUB_TOKEN", "GIT_CONFIG_COUNT", "ACTIONS_RUNTIME_TOKEN", "MY_TOKEN"):
        assert f'"{name}"' not in seen


def test_search_paths_drop_relative_entries_and_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "bin").mkdir(parents=True)
    monkeypatch.chdir(checkout)
    entries = ["", ".", "bin", str(checkout), str(checkout / "bin"), "/usr/bin", str(tmp_path)]
    assert tools.trusted_entries(entries) == ["/usr/bin", str(tmp_path)]
    monkeypatch.setenv("PATH", os.pathsep.join(entries))
    assert tools.safe_search_path() == os.pathsep.join(["/usr/bin", str(tmp_path)])


def test_from_the_root_directory_tools_on_path_are_still_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir("/")
    assert tools.trusted_entries(["/usr/local/bin", "/usr/bin", "."]) == [
        "/usr/local/bin",
        "/usr/bin",
    ]
