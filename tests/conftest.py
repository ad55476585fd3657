"""Shared fixtures: an isolated environment for every test and a `run_cli` helper."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gitops_release.cli import main

pytest_plugins = ("tests.conftest_openapi",)

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_REPO = REPO_ROOT / "examples" / "manifest-repo"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads the developer's git config or Actions variables, and none writes to $HOME."""
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test User\n\temail = test@example.com\n"
        "[init]\n\tdefaultBranch = master\n[advice]\n\tdetachedHead = false\n",
        encoding="utf-8",
    )
    saved = dict(os.environ)
    for key in list(os.environ):
        if key.startswith(("GITHUB_", "RUNNER_", "ACTIONS_", "GIT_")) or key == "CI":
            del os.environ[key]
    os.environ.update(
        {
            "HOME": str(home),
            "GIT_CONFIG_GLOBAL": str(gitconfig),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_PAGER": "cat",
            "GIT_TERMINAL_PROMPT": "0",
        }
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@dataclass(frozen=True)
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


RunCli = Callable[..., CliResult]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run `gitops-release ARGS...` in-process and capture exit code, stdout and stderr."""

    def run(*args: str | os.PathLike[str]) -> CliResult:
        capsys.readouterr()
        try:
            main([os.fspath(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    """A fresh copy of the bundled example manifest repo."""
    dest = tmp_path / "manifest-repo"
    shutil.copytree(EXAMPLE_REPO, dest)
    return dest


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file's bytes under root, to prove an operation changed nothing."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
