"""Helpers for the emulator's integration tests: real git, a seeded repository, raw HTTP."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from gitops_release import proc
from gitops_release.testing import FakeGitHub

IDENTITY = {
    "GIT_AUTHOR_NAME": "Dev",
    "GIT_AUTHOR_EMAIL": "dev@example.com",
    "GIT_COMMITTER_NAME": "Dev",
    "GIT_COMMITTER_EMAIL": "dev@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
}


def git(
    *args: str | os.PathLike[str], cwd: Path | None = None, check: bool = True
) -> proc.Completed:
    """Run git with a fixed identity and no user config."""
    return proc.run(["git", *args], cwd=cwd, env=IDENTITY, check=check, timeout=60)


def commit_file(work: Path, name: str, text: str, message: str) -> str:
    path = work / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    git("add", name, cwd=work)
    git("commit", "-q", "-m", message, cwd=work)
    return git("rev-parse", "HEAD", cwd=work).out.strip()


def bare_file(bare: Path, rev: str, name: str) -> str:
    """A file's text at `rev` in a bare repository."""
    return git("--git-dir", bare, "show", f"{rev}:{name}").out


@dataclass(frozen=True)
class Seeded:
    """`octocat/deploy` with `main` (two files) and a `bump` branch one commit ahead."""

    github: FakeGitHub
    token: str
    full_name: str
    bare: Path
    work: Path  # a clone with `origin` pointing at the emulator, on `bump`
    main_sha: str
    bump_sha: str

    def api(self, method: str, path: str, **kwargs: object) -> requests.Response:
        """Call the REST API with plain requests; `path` may also be an absolute URL."""
        headers = {"Authorization": f"token {self.token}", "Accept": "application/vnd.github+json"}
        url = path if path.startswith("http") else self.github.api_url + path
        return requests.request(method, url, headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def seeded(fake_github: FakeGitHub, fake_github_token: str, tmp_path: Path) -> Seeded:
    source = tmp_path / "source"
    (source / "apps").mkdir(parents=True)
    (source / "apps" / "web.yaml").write_text("image: web:1.0.0\n", encoding="utf-8")
    (source / "README.md").write_text("# deploy\n", encoding="utf-8")
    handle = fake_github.create_repo("octocat/deploy", source=source)
    work = tmp_path / "work"
    git("clone", "-q", fake_github.clone_url(handle.full_name, fake_github_token), work)
    main_sha = git("rev-parse", "HEAD", cwd=work).out.strip()
    git("checkout", "-q", "-b", "bump", cwd=work)
    bump_sha = commit_file(work, "apps/web.yaml", "image: web:1.1.0\n", "Bump web to 1.1.0")
    git("push", "-q", "origin", "bump", cwd=work)
    return Seeded(
        fake_github, fake_github_token, handle.full_name, handle.path, work, main_sha, bump_sha
    )


ApiCall = Callable[..., requests.Response]
