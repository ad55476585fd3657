"""Fixtures for the hostile-input tests: the credentials a GitHub Actions job holds, placed in
every variable a runner would have them in, and a CLI runner that keeps everything it printed."""

from __future__ import annotations

import base64
import logging
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from gitops_release.cli import main
from tests.conftest import CliResult

from .hostile import TOKEN_VARIABLES, Outputs, new_token

# Read at import: the test environment is rebuilt for every test. `.ci/run` provides a real helm.
REAL_HELM = os.environ.get("GITOPS_RELEASE_TEST_HELM") or None
needs_real_helm = pytest.mark.skipif(
    REAL_HELM is None, reason="GITOPS_RELEASE_TEST_HELM does not name a helm binary"
)
KUBECTL = Path(sys.executable).parent / "kubectl"


@pytest.fixture(autouse=True)
def _renderers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Charts render with helm-python-sdk and kustomizations with the bundled kubectl, unless a
    test names another renderer."""
    monkeypatch.setenv("GITOPS_RELEASE_HELM", "sdk")
    monkeypatch.delenv("GITOPS_RELEASE_KUSTOMIZE", raising=False)


@dataclass(frozen=True)
class Hostile:
    """The job's secrets and the Actions files the tool may write to."""

    token: str
    step_summary: Path
    github_output: Path

    def outputs(self) -> Outputs:
        found = Outputs()
        found.add_file("GITHUB_STEP_SUMMARY", self.step_summary)
        found.add_file("GITHUB_OUTPUT", self.github_output)
        return found


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Hostile:
    """A GitHub Actions job: a token in each variable a job may hold one in, an OIDC request
    URL, a git credential header in git's environment configuration (as actions/checkout sets
    one), and the step summary and output files."""
    token = new_token()
    for name in TOKEN_VARIABLES:
        monkeypatch.setenv(name, token)
    monkeypatch.setenv(
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "https://pipelines.actions.githubusercontent.example/idtoken/request?api-version=2.0",
    )
    header = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "http.https://github.com/.extraheader")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", f"AUTHORIZATION: basic {header}")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    summary = tmp_path / "actions" / "step-summary.md"
    output = tmp_path / "actions" / "github-output"
    summary.parent.mkdir()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    return Hostile(token, summary, output)


Cli = Callable[..., CliResult]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> Cli:
    """Run `gitops-release ARGS...` in-process. An exception escaping the CLI is not raised but
    kept (with its traceback) in stderr, exit code -1: its text is an output like any other.
    Log records are appended to stderr too."""
    caplog.set_level(logging.DEBUG)

    def run(*args: str | os.PathLike[str]) -> CliResult:
        capsys.readouterr()
        caplog.clear()
        failure = ""
        try:
            main([os.fspath(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception:
            code = -1
            failure = traceback.format_exc()
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        logs = "".join(f"log: {r.getMessage()}\n" for r in caplog.records)
        return CliResult(code, captured.out, captured.err + failure + logs)

    return run
