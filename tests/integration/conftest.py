"""Fixtures for integration tests: manifest repositories served by the GitHub emulator."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from gitops_release import proc
from gitops_release.github import GitHubForge, RetrySettings, connect
from gitops_release.testing import FakeGitHub
from tests.conftest import EXAMPLE_REPO

MANIFEST_REPO = "acme/manifests"
FAST_RETRY = RetrySettings(backoff_factor=0)
"""The client's retries without the back-off between them: the emulator's faults need no wait."""


def git(*args: str | os.PathLike[str], cwd: Path) -> str:
    return proc.run(["git", *args], cwd=cwd, timeout=60).out.strip()


def make_source_repo(path: Path, files: Path | Mapping[str, str], *, develop: bool = True) -> Path:
    """A local repo with `master` (and `develop` at the same commit) holding `files`."""
    if isinstance(files, Path):
        shutil.copytree(files, path)
    else:
        for name, text in files.items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_text(text, encoding="utf-8")
    git("init", "-q", "-b", "master", cwd=path)
    git("add", "-A", cwd=path)
    git("commit", "-q", "-m", "initial manifests", cwd=path)
    if develop:
        git("branch", "develop", cwd=path)
    return path


@dataclass(frozen=True)
class ManifestRepo:
    github: FakeGitHub
    token: str
    name: str
    bare: Path

    @property
    def git_url(self) -> str:
        return self.github.clone_url(self.name)

    def cli_args(self) -> list[str]:
        return [
            "--manifest-repo",
            self.name,
            "--api-url",
            self.github.api_url,
            "--git-url",
            self.git_url,
        ]

    def connect(self, retry: RetrySettings = FAST_RETRY) -> GitHubForge:
        """The client a flow gets, retrying at once."""
        return connect(self.github.api_url, self.token, self.name, retry=retry)

    def show(self, rev: str, path: str) -> str:
        """A file's exact text at `rev` in the served (bare) repository."""
        return proc.run(
            ["git", "--git-dir", self.bare, "show", f"{rev}:{path}"], cwd=self.bare, timeout=60
        ).out

    def ref(self, name: str) -> str | None:
        return self.github.ref(self.name, name)

    def branches(self) -> list[str]:
        out = git(
            "--git-dir",
            self.bare,
            "for-each-ref",
            "--format=%(refname:short)",
            "refs/heads",
            cwd=self.bare,
        )
        return sorted(out.split())


@pytest.fixture
def manifest_repo(
    fake_github: FakeGitHub,
    fake_github_token: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> ManifestRepo:
    """The bundled example repo as `acme/manifests` (master + develop); GITHUB_TOKEN is set."""
    source = make_source_repo(tmp_path / "seed", EXAMPLE_REPO)
    handle = fake_github.create_repo(MANIFEST_REPO, source=source)
    monkeypatch.setenv("GITHUB_TOKEN", fake_github_token)
    return ManifestRepo(fake_github, fake_github_token, MANIFEST_REPO, Path(handle.path))
