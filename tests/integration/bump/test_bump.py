"""bump against the GitHub emulator: real git over HTTP, real PyGithub, no mocks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from github import Github

from gitops_release import trailers
from gitops_release.testing import Token
from tests.conftest import RunCli
from tests.integration.conftest import ManifestRepo, git

pytestmark = pytest.mark.integration
WEB = "ghcr.io/acme/web"
BRANCH = "gitops-release/staging/web"


def bump(run_cli: RunCli, repo: ManifestRepo, *args: str) -> tuple[int, dict, str]:
    result = run_cli("bump", *repo.cli_args(), "--json", *args)
    data = json.loads(result.stdout) if result.exit_code == 0 else {}
    return result.exit_code, data, result.stderr


def open_pulls(client: Github, repo: ManifestRepo) -> list:
    return list(client.get_repo(repo.name).get_pulls(state="open"))


def test_created_updated_unchanged_on_one_pull_request(
    run_cli: RunCli, manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    code, first, err = bump(
        run_cli,
        manifest_repo,
        "--env",
        "staging",
        "--image",
        f"{WEB}:1.4.2",
        "--source-repo",
        "acme/web",
        "--source-sha",
        "a" * 40,
        "--source-pr",
        "12",
        "--label",
        "deploy",
        "--label",
        "staging",
    )
    assert code == 0, err
    assert first["action"] == "created"
    assert first["branch"] == BRANCH
    assert first["pull_request"]["number"] == 1
    assert first["edits"][0]["old"] == "1.4.1"
    assert first["edits"][0]["new"] == "1.4.2"

    (pull,) = open_pulls(fake_github_client, manifest_repo)
    assert pull.title == "deploy(web): staging → ghcr.io/acme/web:1.4.2"
    assert pull.base.ref == "develop"
    assert "<!-- gitops-release:bump -->" in pull.body
    assert "| `apps/web/overlays/staging/kustomization.yaml` | 8 | `1.4.1` | `1.4.2` |" in pull.body
    assert "[acme/web@aaaaaaa](https://github.com/acme/web/commit/" + "a" * 40 + ")" in pull.body
    assert "[acme/web#12](https://github.com/acme/web/pull/12)" in pull.body
    assert sorted(label.name for label in pull.labels) == ["deploy", "staging"]

    head = manifest_repo.ref(f"refs/heads/{BRANCH}")
    assert head is not None
    message = git(
        "--git-dir", manifest_repo.bare, "log", "-1", "--format=%B", head, cwd=manifest_repo.bare
    )
    found = trailers.parse_trailers(message)
    assert found[trailers.APP] == ["web"]
    assert found[trailers.ENV] == ["staging"]
    assert found[trailers.IMAGE] == [f"{WEB}:1.4.2"]
    assert found[trailers.PREVIOUS] == [f"{WEB}:1.4.1"]
    assert found[trailers.SOURCE] == ["acme/web@" + "a" * 40 + " (#12)"]
    develop = manifest_repo.ref("refs/heads/develop")
    assert (
        git("--git-dir", manifest_repo.bare, "rev-parse", f"{head}^", cwd=manifest_repo.bare)
        == develop
    )
    assert '    newTag: "1.4.2"   # managed by gitops-release\n' in manifest_repo.show(
        head, "apps/web/overlays/staging/kustomization.yaml"
    )

    code, second, err = bump(run_cli, manifest_repo, "--env", "staging", "--image", f"{WEB}:1.4.3")
    assert code == 0, err
    assert second["action"] == "updated"
    assert second["pull_request"]["number"] == 1
    (pull,) = open_pulls(fake_github_client, manifest_repo)
    assert pull.title == "deploy(web): staging → ghcr.io/acme/web:1.4.3"
    new_head = manifest_repo.ref(f"refs/heads/{BRANCH}")
    assert new_head != head
    assert (
        git(
            "--git-dir",
            manifest_repo.bare,
            "rev-list",
            "--count",
            f"develop..{new_head}",
            cwd=manifest_repo.bare,
        )
        == "1"
    ), "the branch is rebuilt from the base, not stacked"

    code, third, err = bump(run_cli, manifest_repo, "--env", "staging", "--image", f"{WEB}:1.4.3")
    assert code == 0, err
    assert third["action"] == "unchanged"
    assert third["pushed"] is False
    assert manifest_repo.ref(f"refs/heads/{BRANCH}") == new_head
    assert len(open_pulls(fake_github_client, manifest_repo)) == 1


def test_already_deployed_is_unchanged_without_pr(
    run_cli: RunCli, manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    code, data, err = bump(run_cli, manifest_repo, "--env", "staging", "--image", f"{WEB}:1.4.1")
    assert code == 0, err
    assert data["action"] == "unchanged"
    assert data["pull_request"] is None
    assert "already runs" in data["reason"]
    assert manifest_repo.branches() == ["develop", "master"]
    assert open_pulls(fake_github_client, manifest_repo) == []


def test_production_targets_master(run_cli: RunCli, manifest_repo: ManifestRepo) -> None:
    code, data, err = bump(
        run_cli, manifest_repo, "--env", "production", "--image", "ghcr.io/acme/api:2.1.0"
    )
    assert code == 0, err
    assert data["base"] == "master"
    assert data["branch"] == "gitops-release/production/api"
    assert [e["file"] for e in data["edits"]] == [
        "charts/api/values.yaml",
        "clusters/blue/api.yaml",
        "clusters/blue/api.yaml",
        "clusters/green/api.yaml",
    ]


def test_partial_sparse_clone(
    run_cli: RunCli, manifest_repo: ManifestRepo, tmp_path: Path, fake_github_token: str
) -> None:
    from gitops_release.flows.bump import BumpRequest
    from gitops_release.flows.bump import bump as run_bump
    from gitops_release.github import connect
    from gitops_release.image import parse

    workdir = tmp_path / "clone"
    request = BumpRequest(
        manifest_repo=manifest_repo.name,
        env="staging",
        image=parse(f"{WEB}:1.4.2"),
        git_url=manifest_repo.git_url,
        token=fake_github_token,
        workdir=workdir,
    )
    result = run_bump(
        request, connect(manifest_repo.github.api_url, fake_github_token, manifest_repo.name)
    )
    assert result.action == "created"
    assert git("config", "remote.origin.promisor", cwd=workdir) == "true"
    assert git("config", "remote.origin.partialclonefilter", cwd=workdir) == "blob:none"
    assert git("rev-parse", "--is-shallow-repository", cwd=workdir) == "true"
    # Blobs outside the sparse paths were never fetched.
    missing = git("rev-list", "--objects", "--missing=print", "--all", cwd=workdir)
    missing_blobs = {line[1:] for line in missing.splitlines() if line.startswith("?")}
    chart_blob = git(
        "--git-dir",
        manifest_repo.bare,
        "rev-parse",
        "master:charts/api/templates/deployment.yaml",
        cwd=manifest_repo.bare,
    )
    assert chart_blob in missing_blobs
    assert not (workdir / "charts").exists()
    assert (workdir / "apps/web/overlays/staging/kustomization.yaml").is_file()


# -- errors: clear message, exit 1, nothing left behind -------------------------------------------


def assert_nothing_left(repo: ManifestRepo, client: Github | None = None) -> None:
    assert repo.branches() == ["develop", "master"]
    if client is not None:
        assert list(client.get_repo(repo.name).get_pulls(state="all")) == []


def test_bad_token(
    run_cli: RunCli, manifest_repo: ManifestRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "wrong-token-0123456789")
    code, _, err = bump(run_cli, manifest_repo, "--env", "staging", "--image", f"{WEB}:1.4.2")
    assert code == 1
    assert "GitHub rejected the token" in err
    assert "401" in err
    assert "wrong-token-0123456789" not in err
    assert_nothing_left(manifest_repo)


def test_token_without_write_access(
    run_cli: RunCli, manifest_repo: ManifestRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest_repo.github.add_token("read-only-token-42", Token("reader", write=(), admin=False))
    monkeypatch.setenv("GITHUB_TOKEN", "read-only-token-42")
    code, _, err = bump(run_cli, manifest_repo, "--env", "staging", "--image", f"{WEB}:1.4.2")
    assert code == 1
    assert "can read acme/manifests but not push to it" in err
    assert "'contents: write' and 'pull-requests: write'" in err
    assert_nothing_left(manifest_repo)


def test_token_that_cannot_see_the_repo(
    run_cli: RunCli, manifest_repo: ManifestRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest_repo.github.add_token("other-repo-token-42", Token("stranger", repos=("acme/other",)))
    monkeypatch.setenv("GITHUB_TOKEN", "other-repo-token-42")
    code, _, err = bump(run_cli, manifest_repo, "--env", "staging", "--image", f"{WEB}:1.4.2")
    assert code == 1
    assert "acme/manifests was not found or is not visible to this token (404)" in err
    assert "'contents: write' and 'pull-requests: write'" in err


def test_missing_token(
    run_cli: RunCli, manifest_repo: ManifestRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    code, _, err = bump(run_cli, manifest_repo, "--env", "staging", "--image", f"{WEB}:1.4.2")
    assert code == 1
    assert "no token: the environment variable GITHUB_TOKEN is empty or not set" in err


def _commit_to(
    repo: ManifestRepo, tmp_path: Path, branch: str, files: dict[str, str | None]
) -> None:
    work = tmp_path / f"work-{branch}"
    proc_env_clone = ["clone", "-q", "--branch", branch, repo.git_url, str(work)]
    git(
        *proc_env_clone,
        cwd=tmp_path,
    )
    for name, text in files.items():
        if text is None:
            (work / name).unlink()
        else:
            (work / name).write_text(text, encoding="utf-8")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "change config", cwd=work)
    git("push", "-q", "origin", f"HEAD:{branch}", cwd=work)


@pytest.fixture
def authed_git(manifest_repo: ManifestRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Let plain `git` in the test talk to the emulator with the token."""
    from gitops_release.git import auth_env

    for key, value in auth_env(manifest_repo.token).items():
        monkeypatch.setenv(key, value)


def test_base_branch_missing(
    run_cli: RunCli, manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    code, _, err = bump(
        run_cli, manifest_repo, "--env", "staging", "--image", f"{WEB}:1.4.2", "--base", "release"
    )
    assert code == 1
    assert "branch 'release' does not exist in acme/manifests" in err
    assert_nothing_left(manifest_repo, fake_github_client)


def test_config_missing_on_base(
    run_cli: RunCli,
    manifest_repo: ManifestRepo,
    tmp_path: Path,
    authed_git: None,
    fake_github_client: Github,
) -> None:
    _commit_to(manifest_repo, tmp_path, "develop", {".gitops-release.yaml": None})
    code, _, err = bump(run_cli, manifest_repo, "--env", "staging", "--image", f"{WEB}:1.4.2")
    assert code == 1
    assert "no .gitops-release.yaml on branch 'develop' of acme/manifests" in err
    assert_nothing_left(manifest_repo, fake_github_client)


def test_config_invalid_on_base(
    run_cli: RunCli,
    manifest_repo: ManifestRepo,
    tmp_path: Path,
    authed_git: None,
    fake_github_client: Github,
) -> None:
    text = manifest_repo.show("develop", ".gitops-release.yaml").replace("key: image.tag", "kee: x")
    _commit_to(manifest_repo, tmp_path, "develop", {".gitops-release.yaml": text})
    code, _, err = bump(run_cli, manifest_repo, "--env", "staging", "--image", f"{WEB}:1.4.2")
    assert code == 1
    assert ".gitops-release.yaml (on develop):" in err
    assert "unknown key 'kee'" in err
    assert_nothing_left(manifest_repo, fake_github_client)


def test_image_of_no_app(
    run_cli: RunCli, manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    code, _, err = bump(run_cli, manifest_repo, "--env", "staging", "--image", "ghcr.io/x/y:1")
    assert code == 1
    assert "no app in .gitops-release.yaml (on develop) has image ghcr.io/x/y" in err
    assert_nothing_left(manifest_repo, fake_github_client)


def test_downgrade_refused(
    run_cli: RunCli, manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    code, _, err = bump(run_cli, manifest_repo, "--env", "staging", "--image", f"{WEB}:1.0.0")
    assert code == 1
    assert "refusing to downgrade 1.4.1 → 1.0.0" in err
    assert_nothing_left(manifest_repo, fake_github_client)
    code, data, err = bump(
        run_cli, manifest_repo, "--env", "staging", "--image", f"{WEB}:1.0.0", "--allow-downgrade"
    )
    assert code == 0, err
    assert data["action"] == "created"


def test_pull_request_failure_leaves_no_branch(
    manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    from gitops_release.errors import GitHubError
    from gitops_release.testing import ServerError

    from .test_resilience import run_bump

    failing = manifest_repo.github.inject(
        ServerError(method="POST", path=r"/repos/acme/manifests/pulls", status=500, times=None)
    )
    with pytest.raises(GitHubError, match="open a pull request"):
        run_bump(manifest_repo, f"{WEB}:1.4.2")  # every retry fails, without back-off
    assert failing.fired == 7  # the first attempt and six retries
    assert_nothing_left(manifest_repo, fake_github_client)


def test_dry_run_publishes_nothing(
    run_cli: RunCli, manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    code, data, err = bump(
        run_cli, manifest_repo, "--env", "staging", "--image", f"{WEB}:1.4.2", "--dry-run"
    )
    assert code == 0, err
    assert data["dry_run"] is True
    assert data["action"] == "created"
    assert data["pull_request"] is None
    assert_nothing_left(manifest_repo, fake_github_client)


def test_reviewers_and_auto_merge(
    run_cli: RunCli, manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    manifest_repo.github.add_token("bob-token-0123456789", Token("bob"))  # a collaborator
    code, data, err = bump(
        run_cli,
        manifest_repo,
        "--env",
        "staging",
        "--image",
        f"{WEB}:1.4.2",
        "--reviewer",
        "bob",
        "--reviewer",
        "nobody-here",
        "--auto-merge",
    )
    assert code == 0, err
    pull = fake_github_client.get_repo(manifest_repo.name).get_pull(data["pull_request"]["number"])
    assert [u.login for u in pull.requested_reviewers] == ["bob"]
    assert any("nobody-here" in w for w in data["warnings"])
    assert pull.raw_data["auto_merge"] is not None
    assert pull.raw_data["auto_merge"]["merge_method"] == "squash"
