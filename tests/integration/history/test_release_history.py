"""Release notes, history and rollback against the emulator, end to end: an app repository
whose pull requests are merged by merge commit and by squash, three releases to staging, two
promotions to production, rollbacks by pull request and direct. Real git, real PyGithub."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from github import Github

from gitops_release import trailers
from gitops_release.testing import FakeGitHub
from tests.conftest import RunCli
from tests.integration.conftest import ManifestRepo, git

pytestmark = pytest.mark.integration
WEB = "ghcr.io/acme/web"
APP_REPO = "acme/web"


def _app_repo(fake_github: FakeGitHub, tmp_path: Path) -> Path:
    """acme/web with `main` and one branch per feature, each changing its own file."""
    path = tmp_path / "web-src"
    path.mkdir()
    git("init", "-q", "-b", "main", cwd=path)
    (path / "README.md").write_text("web\n", encoding="utf-8")
    git("add", "-A", cwd=path)
    git("-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "-qm", "init",
        cwd=path)  # fmt: skip
    for feature in ("login", "search", "cache", "logout"):
        git("switch", "-q", "-c", feature, "main", cwd=path)
        (path / f"{feature}.txt").write_text(f"{feature}\n", encoding="utf-8")
        git("add", "-A", cwd=path)
        git("-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "-qm",
            f"Implement {feature}", cwd=path)  # fmt: skip
    git("switch", "-q", "main", cwd=path)
    fake_github.create_repo(APP_REPO, source=path)
    return path


def _merge_feature(client: Github, feature: str, method: str) -> tuple[int, str]:
    repo = client.get_repo(APP_REPO)
    pull = repo.create_pull(base="main", head=feature, title=f"Add {feature}", body="")
    sha = pull.merge(merge_method=method).sha
    return pull.number, sha


def _cli(run_cli: RunCli, *args: str) -> tuple[int, dict[str, Any], str]:
    result = run_cli(*args, "--json")
    data = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.exit_code, data, result.stderr


def _release(
    run_cli: RunCli, repo: ManifestRepo, client: Github, tag: str, sha: str, method: str
) -> tuple[str, str]:
    """Bump staging to `tag` (built from `sha`), merge the PR; (its body, the merge commit)."""
    code, data, err = _cli(
        run_cli, "bump", *repo.cli_args(), "--env", "staging", "--image", f"{WEB}:{tag}",
        "--source-repo", APP_REPO, "--source-sha", sha,
    )  # fmt: skip
    assert code == 0, err
    pull = client.get_repo(repo.name).get_pull(data["pull_request"]["number"])
    body = pull.body
    return body, pull.merge(merge_method=method).sha


def _promote(run_cli: RunCli, repo: ManifestRepo, client: Github, sha: str) -> str:
    code, data, err = _cli(run_cli, "promote", *repo.cli_args(), "--sha", sha, "--no-preview")
    assert code == 0, err
    (promotion,) = data["promotions"]
    pull = client.get_repo(repo.name).get_pull(promotion["pull_request"]["number"])
    body = pull.body
    if not pull.mergeable:
        base = pull.base.sha
        print(
            "DEBUG",
            git(
                "--git-dir",
                repo.bare,
                "log",
                "--oneline",
                "--graph",
                "-8",
                "master",
                pull.head.sha,
                cwd=repo.bare,
            ),
        )
        print(git("--git-dir", repo.bare, "diff", base, pull.head.sha, cwd=repo.bare))
    pull.merge(merge_method="merge")
    return body


def _listed_pulls(body: str) -> list[int]:
    return [int(n) for n in re.findall(r"^- \[#(\d+)\]", body, flags=re.MULTILINE)]


def test_release_notes_history_and_rollback(
    run_cli: RunCli,
    manifest_repo: ManifestRepo,
    fake_github: FakeGitHub,
    fake_github_client: Github,
    tmp_path: Path,
) -> None:
    client = fake_github_client
    _app_repo(fake_github, tmp_path)
    login, r1 = _merge_feature(client, "login", "merge")
    search, _ = _merge_feature(client, "search", "merge")
    cache, r2 = _merge_feature(client, "cache", "squash")
    logout, r3 = _merge_feature(client, "logout", "squash")

    # Staging: the running image (the example's 1.4.1) records no source.
    body1, m1 = _release(run_cli, manifest_repo, client, "2.1.0", r1, "merge")
    assert "unknown source" in body1
    body2, _ = _release(run_cli, manifest_repo, client, "2.2.0", r2, "squash")
    assert _listed_pulls(body2) == [cache, search]  # exactly the PRs in between, newest first
    assert login not in _listed_pulls(body2)
    assert "Add cache" in body2
    assert "Add search" in body2
    assert f"/{APP_REPO}/compare/{r1}...{r2}" in body2
    body3, m3 = _release(run_cli, manifest_repo, client, "2.3.0", r3, "merge")
    assert _listed_pulls(body3) == [logout]

    # Production: 2.1.0 first, then 2.3.0, skipping 2.2.0: all the changes since 2.1.0.
    _promote(run_cli, manifest_repo, client, m1)
    prod = _promote(run_cli, manifest_repo, client, m3)
    assert _listed_pulls(prod) == [logout, cache, search]

    code, history, err = _cli(
        run_cli, "history", *manifest_repo.cli_args(), "--env", "production", "--app", "web"
    )
    assert code == 0, err
    rows = [(d["image"], d["kind"], d["source"]["sha"]) for d in history["deployments"]]
    assert rows == [(f"{WEB}:2.3.0", "promotion", r3), (f"{WEB}:2.1.0", "promotion", r1)]
    assert history["deployments"][0]["previous"] == f"{WEB}:2.1.0"
    assert history["deployments"][0]["pull_request"] is not None

    code, history, err = _cli(
        run_cli, "history", *manifest_repo.cli_args(), "--env", "staging", "--app", "web"
    )
    assert code == 0, err
    staging = history["deployments"]
    assert [d["image"] for d in staging] == [f"{WEB}:{t}" for t in ("2.3.0", "2.2.0", "2.1.0")]
    assert {d["kind"] for d in staging} == {"release"}
    assert [d["previous"] for d in staging] == [f"{WEB}:2.2.0", f"{WEB}:2.1.0", f"{WEB}:1.4.1"]
    assert all(d["pull_request"] for d in staging)
    assert staging[0]["merged_at"].endswith("Z")

    # rollback --steps 1 (the default): a pull request back to 2.2.0, with the preview comment.
    code, back, err = _cli(
        run_cli, "rollback", *manifest_repo.cli_args(), "--env", "staging", "--app", "web",
        "--reason", "500s on /login",
    )  # fmt: skip
    assert code == 0, err
    assert back["action"] == "created"
    assert (back["from"], back["to"]) == (f"{WEB}:2.3.0", f"{WEB}:2.2.0")
    assert back["preview"] is not None
    pull = client.get_repo(manifest_repo.name).get_pull(back["pull_request"]["number"])
    assert pull.title == f"rollback(web): staging → {WEB}:2.2.0"
    assert pull.head.ref == "gitops-release/staging/web"
    assert "500s on /login" in pull.body
    assert "takes out" in pull.body
    assert _listed_pulls(pull.body) == [logout]
    comments = [c.body for c in pull.get_issue_comments()]
    assert any("gitops-release" in c for c in comments)
    message = git("--git-dir", manifest_repo.bare, "log", "-1", "--format=%B", pull.head.sha,
                  cwd=manifest_repo.bare)  # fmt: skip
    assert trailers.parse_trailers(message)[trailers.ROLLBACK] == [f"{WEB}:2.3.0 -> {WEB}:2.2.0"]
    pull.edit(state="closed")

    # --direct is refused until the config allows it; nothing is pushed.
    develop = manifest_repo.ref("refs/heads/develop")
    code, refused, _ = _cli(
        run_cli, "rollback", *manifest_repo.cli_args(), "--env", "staging", "--app", "web",
        "--direct",
    )  # fmt: skip
    assert code == 1
    assert "rollback: {direct: true}" in refused["error"]["hint"]
    assert manifest_repo.ref("refs/heads/develop") == develop

    _allow_direct(manifest_repo, tmp_path)
    code, direct, err = _cli(
        run_cli, "rollback", *manifest_repo.cli_args(), "--env", "staging", "--app", "web",
        "--direct", "--to", "2.1.0", "--reason", "emergency",
    )  # fmt: skip
    assert code == 0, err
    assert direct["action"] == "committed"
    assert direct["pull_request"] is None
    head = manifest_repo.ref("refs/heads/develop")
    assert head == direct["commit"]
    assert 'newTag: "2.1.0"' in manifest_repo.show(
        head, "apps/web/overlays/staging/kustomization.yaml"
    )
    code, history, err = _cli(
        run_cli, "history", *manifest_repo.cli_args(), "--env", "staging", "--app", "web",
        "--limit", "2",
    )  # fmt: skip
    assert [(d["image"], d["kind"]) for d in history["deployments"]] == [
        (f"{WEB}:2.1.0", "rollback"),
        (f"{WEB}:2.3.0", "release"),
    ]
    assert history["deployments"][0]["pull_request"] is None
    assert history["deployments"][0]["source"]["sha"] == r1

    # --to an image never deployed: a clear error listing what was.
    code, missing, _ = _cli(
        run_cli, "rollback", *manifest_repo.cli_args(), "--env", "staging", "--app", "web",
        "--to", "9.9.9",
    )  # fmt: skip
    assert code == 1
    assert "9.9.9 was never deployed to staging" in missing["error"]["message"]
    assert f"{WEB}:2.3.0" in missing["error"]["message"]
    assert f"{WEB}:2.2.0" in missing["error"]["message"]


def _allow_direct(repo: ManifestRepo, tmp_path: Path) -> None:
    work = tmp_path / "allow"
    git("clone", "-q", "-b", "develop", repo.github.clone_url(repo.name, repo.token), str(work),
        cwd=tmp_path)  # fmt: skip
    config = work / ".gitops-release.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "rollback:\n  direct: true\n",
                      encoding="utf-8")  # fmt: skip
    git("-c", "user.name=ops", "-c", "user.email=ops@example.com", "commit", "-qam",
        "allow direct rollbacks", cwd=work)  # fmt: skip
    git("push", "-q", "origin", "develop", cwd=work)


def test_release_notes_when_the_app_repo_cannot_be_read(
    run_cli: RunCli, manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    client = fake_github_client
    for tag, sha in (("2.1.0", "a" * 40), ("2.2.0", "b" * 40)):
        code, data, err = _cli(
            run_cli, "bump", *manifest_repo.cli_args(), "--env", "staging",
            "--image", f"{WEB}:{tag}", "--source-repo", "acme/ghost", "--source-sha", sha,
        )  # fmt: skip
        assert code == 0, err
        pull = client.get_repo(manifest_repo.name).get_pull(data["pull_request"]["number"])
        if tag == "2.2.0":
            assert "could not be read" in pull.body
            assert "acme/ghost" in pull.body
        pull.merge(merge_method="squash")
