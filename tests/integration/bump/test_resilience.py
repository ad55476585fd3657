"""bump under faults and concurrency: retries, rate limits, push races, parallel bumps."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from github import Github

from gitops_release.flows.bump import BumpRequest, BumpResult, bump
from gitops_release.github import RetrySettings
from gitops_release.image import parse
from gitops_release.testing import BeforeRequest, FakeGitHub, SecondaryRateLimit, ServerError
from tests.integration.conftest import ManifestRepo, git, make_source_repo

pytestmark = pytest.mark.integration
WEB = "ghcr.io/acme/web"


def run_bump(repo: ManifestRepo, image: str, **kwargs: object) -> BumpResult:
    request = BumpRequest(
        manifest_repo=repo.name,
        env=kwargs.pop("env", "staging"),
        image=parse(image),
        git_url=repo.git_url,
        token=repo.token,
        **kwargs,  # type: ignore[arg-type]
    )
    return bump(request, repo.connect(RetrySettings(backoff_factor=0, total_wait=30)))


def test_three_502_then_success(manifest_repo: ManifestRepo) -> None:
    handle = manifest_repo.github.inject(
        ServerError(method="GET", path=r"/repos/acme/manifests", status=502, times=3)
    )
    result = run_bump(manifest_repo, f"{WEB}:1.4.2")
    assert handle.fired == 3
    assert result.action == "created"


def test_secondary_rate_limit_retry_after_is_honoured(manifest_repo: ManifestRepo) -> None:
    handle = manifest_repo.github.inject(
        SecondaryRateLimit(method="POST", path=r"/repos/acme/manifests/pulls", retry_after=2)
    )
    started = time.monotonic()
    result = run_bump(manifest_repo, f"{WEB}:1.4.2")
    elapsed = time.monotonic() - started
    assert handle.fired == 1
    assert result.action == "created"
    assert elapsed >= 2.0


def test_push_race_rebuilds_from_the_moved_base(
    manifest_repo: ManifestRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Just before our first push: someone else pushes the PR branch and develop moves on.
    other = tmp_path / "other"
    from gitops_release.git import auth_env

    for key, value in auth_env(manifest_repo.token).items():
        monkeypatch.setenv(key, value)
    git("clone", "-q", "--branch", "develop", manifest_repo.git_url, str(other), cwd=tmp_path)
    (other / "README.md").write_text("moved on\n", encoding="utf-8")
    git("add", "-A", cwd=other)
    git("commit", "-q", "-m", "unrelated change on develop", cwd=other)
    moved = git("rev-parse", "HEAD", cwd=other)
    github: FakeGitHub = manifest_repo.github

    def race() -> None:
        github.set_ref(manifest_repo.name, "refs/heads/develop", moved)
        github.set_ref(manifest_repo.name, "refs/heads/gitops-release/staging/web", moved)

    git("push", "-q", "origin", "HEAD:refs/heads/scratch", cwd=other)  # make `moved` known
    handle = github.inject(
        BeforeRequest(method="POST", path=r"/acme/manifests\.git/git-receive-pack", action=race)
    )
    result = run_bump(manifest_repo, f"{WEB}:1.4.2")
    assert handle.fired == 1
    assert result.action == "created"
    head = manifest_repo.ref("refs/heads/gitops-release/staging/web")
    assert head == result.commit
    parent = git("--git-dir", manifest_repo.bare, "rev-parse", f"{head}^", cwd=manifest_repo.bare)
    assert parent == moved, "the retry rebuilt the branch from the new base"
    assert manifest_repo.show(head, "README.md") == "moved on\n"


def many_apps_repo(github: FakeGitHub, tmp_path: Path, count: int) -> ManifestRepo:
    files = {
        ".gitops-release.yaml": "environments:\n  staging: {branch: develop}\napps:\n"
        + "".join(
            f"  app{i}:\n    image: ghcr.io/acme/app{i}\n    targets:\n"
            f"      - manifest: apps/app{i}.yaml\n"
            for i in range(count)
        )
    }
    for i in range(count):
        files[f"apps/app{i}.yaml"] = (
            f"kind: Deployment\nmetadata: {{name: app{i}}}\nspec:\n  template:\n    spec:\n"
            f"      containers:\n      - name: app\n        image: ghcr.io/acme/app{i}:1.0.0\n"
        )
    source = make_source_repo(tmp_path / "many", files)
    handle = github.create_repo("acme/many", source=source)
    token = next(iter(["fake"]))  # replaced below
    del token
    return ManifestRepo(github, "", "acme/many", Path(handle.path))


def test_ten_concurrent_bumps_of_different_apps(
    fake_github: FakeGitHub, fake_github_token: str, tmp_path: Path, fake_github_client: Github
) -> None:
    repo = many_apps_repo(fake_github, tmp_path, 10)
    repo = ManifestRepo(fake_github, fake_github_token, repo.name, repo.bare)
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(
            pool.map(lambda i: run_bump(repo, f"ghcr.io/acme/app{i}:1.1.{i}"), range(10))
        )
    assert [r.action for r in results] == ["created"] * 10
    pulls = list(fake_github_client.get_repo(repo.name).get_pulls(state="open"))
    assert len(pulls) == 10
    for i in range(10):
        head = repo.ref(f"refs/heads/gitops-release/staging/app{i}")
        assert head is not None
        assert f"image: ghcr.io/acme/app{i}:1.1.{i}\n" in repo.show(head, f"apps/app{i}.yaml")


def test_two_concurrent_bumps_of_one_app_converge_on_the_newest(
    manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    for _round in range(2):
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(
                pool.map(
                    lambda image: run_bump(manifest_repo, image), [f"{WEB}:1.5.0", f"{WEB}:1.6.0"]
                )
            )
        assert {r.branch for r in results} == {"gitops-release/staging/web"}
    pulls = list(fake_github_client.get_repo(manifest_repo.name).get_pulls(state="open"))
    assert len(pulls) == 1
    assert pulls[0].title == f"deploy(web): staging → {WEB}:1.6.0"
    head = manifest_repo.ref("refs/heads/gitops-release/staging/web")
    assert 'newTag: "1.6.0"' in manifest_repo.show(
        head, "apps/web/overlays/staging/kustomization.yaml"
    )
