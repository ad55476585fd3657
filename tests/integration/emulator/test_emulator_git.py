"""git smart HTTP against the emulator: clone, fetch, push, partial clone, rejections, seeding."""

from __future__ import annotations

import base64
import gzip
from pathlib import Path
from typing import Literal

import pytest
import requests

from gitops_release.testing import FakeGitHub, RejectPush

from .conftest import Seeded, bare_file, commit_file, git

pytestmark = pytest.mark.integration


def test_clone_fetch_push_with_credentials_in_url(seeded: Seeded, tmp_path: Path) -> None:
    other = tmp_path / "other"
    git("clone", "-q", seeded.github.clone_url(seeded.full_name, seeded.token), other)
    assert (other / "apps" / "web.yaml").read_text(encoding="utf-8") == "image: web:1.0.0\n"

    pushed = commit_file(seeded.work, "apps/web.yaml", "image: web:1.2.0\n", "Bump to 1.2.0")
    git("push", "-q", "origin", "bump", cwd=seeded.work)
    git("fetch", "-q", "origin", cwd=other)

    assert git("rev-parse", "origin/bump", cwd=other).out.strip() == pushed
    assert bare_file(seeded.bare, "bump", "apps/web.yaml") == "image: web:1.2.0\n"
    pushes = seeded.github.log.find(kind="git", path=r".*/git-receive-pack")
    assert pushes[-1].login == "octocat"
    assert pushes[-1].status == 200


def test_extra_header_auth_and_partial_clone(seeded: Seeded, tmp_path: Path) -> None:
    url = f"{seeded.github.git_url}/{seeded.full_name}.git"
    basic = base64.b64encode(f"x-access-token:{seeded.token}".encode()).decode()
    header = f"http.extraHeader=Authorization: Basic {basic}"
    partial = tmp_path / "partial"

    git("-c", header, "clone", "-q", "--filter=blob:none", "--no-checkout", url, partial)

    assert git("config", "remote.origin.promisor", cwd=partial).out.strip() == "true"
    assert git("config", "remote.origin.partialclonefilter", cwd=partial).out.strip() == "blob:none"
    # Blobs arrive on demand, through the same authenticated endpoint.
    shown = git("-c", header, "show", "origin/main:apps/web.yaml", cwd=partial)
    assert shown.out == "image: web:1.0.0\n"


def test_unauthenticated_git_gets_basic_challenge(seeded: Seeded, tmp_path: Path) -> None:
    url = f"{seeded.github.git_url}/{seeded.full_name}.git"

    answer = requests.get(f"{url}/info/refs", params={"service": "git-upload-pack"}, timeout=10)
    failed = git("clone", "-q", url, tmp_path / "anon", check=False)

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == 'Basic realm="GitHub"'
    assert failed.returncode != 0


def test_protocol_v2_with_gzip_body(seeded: Seeded) -> None:
    url = f"{seeded.github.git_url}/{seeded.full_name}.git/git-upload-pack"
    request = b"0014command=ls-refs\n0001" + b"0009peel\n" + b"0000"

    answer = requests.post(
        url,
        data=gzip.compress(request),
        auth=("x-access-token", seeded.token),
        headers={
            "Content-Type": "application/x-git-upload-pack-request",
            "Content-Encoding": "gzip",
            "Git-Protocol": "version=2",
        },
        timeout=10,
    )

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/x-git-upload-pack-result"
    assert f"{seeded.main_sha} refs/heads/main".encode() in answer.content


@pytest.mark.parametrize("via", ["hook", "http"])
def test_reject_push_once(seeded: Seeded, via: Literal["hook", "http"]) -> None:
    handle = seeded.github.inject(RejectPush(via=via, message="branch is frozen"))
    tip = commit_file(seeded.work, "apps/web.yaml", "image: web:1.3.0\n", "Bump to 1.3.0")

    rejected = git("push", "origin", "bump", cwd=seeded.work, check=False)
    accepted = git("push", "origin", "bump", cwd=seeded.work, check=False)

    assert rejected.returncode != 0
    if via == "hook":
        assert "branch is frozen" in rejected.err
        assert "pre-receive hook declined" in rejected.err
    else:
        assert "500" in rejected.err
    assert handle.fired == 1
    assert accepted.returncode == 0, accepted.err
    assert seeded.github.ref(seeded.full_name, "bump") == tip


def test_seed_from_git_repository_keeps_branches(
    fake_github: FakeGitHub, fake_github_token: str, tmp_path: Path
) -> None:
    source = tmp_path / "src"
    git("init", "-q", "-b", "trunk", source)
    first = commit_file(source, "a.txt", "a\n", "first")
    git("branch", "feature", cwd=source)
    git("tag", "v1", cwd=source)

    handle = fake_github.create_repo("acme/app", source=source)

    assert handle.default_branch == "trunk"
    assert fake_github.ref("acme/app", "refs/heads/feature") == first
    assert fake_github.ref("acme/app", "refs/tags/v1") == first
    listing = git("ls-remote", fake_github.clone_url("acme/app", fake_github_token)).out
    assert f"{first}\tHEAD" in listing
    assert fake_github.repo("acme/app").path.parent.name == "acme"


def test_restart_serves_existing_repositories(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FakeGitHub(data, tokens={"first-token-0123456789": "octocat"}) as first:
        first.create_repo("octocat/keep", auto_init=True)
        sha = first.ref("octocat/keep", "main")
    with FakeGitHub(data, tokens={"second-token-0123456789": "octocat"}) as second:
        assert second.ref("octocat/keep", "main") == sha
        answer = requests.get(
            f"{second.api_url}/repos/octocat/keep",
            headers={"Authorization": "Bearer second-token-0123456789"},
            timeout=10,
        )
        assert answer.json()["default_branch"] == "main"


def test_seed_from_linked_worktree_and_plain_directory(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    source = tmp_path / "src"
    git("init", "-q", "-b", "main", source)
    commit_file(source, "a.txt", "a\n", "first")
    git("worktree", "add", "-q", "-b", "release", tmp_path / "wt", cwd=source)
    plain = tmp_path / "plain"
    (plain / "k8s").mkdir(parents=True)
    (plain / "k8s" / "app.yaml").write_text("kind: Deployment\n", encoding="utf-8")

    from_worktree = fake_github.create_repo("acme/wt", source=tmp_path / "wt")
    from_plain = fake_github.create_repo("acme/plain", source=plain, default_branch="trunk")

    assert from_worktree.default_branch == "release"
    assert from_plain.default_branch == "trunk"
    assert bare_file(from_plain.path, "trunk", "k8s/app.yaml") == "kind: Deployment\n"
    log = git("--git-dir", from_plain.path, "log", "--format=%an %s", "trunk").out.strip()
    assert log == "acme Initial commit"
