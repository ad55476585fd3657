"""`gitops-release diff` on real git repositories rendered by the real kustomize."""

from __future__ import annotations

import json
import shlex
import stat
import tempfile
import time
from pathlib import Path

import pytest

from gitops_release.render.tools import kustomize_command
from tests.conftest import RunCli

from .repos import apps_repo, commit, deployment, git, overlay

pytestmark = pytest.mark.integration


def diff_json(run_cli: RunCli, repo: Path, *args: str) -> tuple[int, dict]:
    result = run_cli("diff", "--repo", repo, "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def roots_by_name(data: dict) -> dict[str, dict]:
    return {r["name"]: r for r in data["roots"]}


def test_image_change_in_one_overlay(run_cli: RunCli, tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    base = git(repo, "rev-parse", "HEAD")
    commit(
        repo,
        {
            "apps/web/overlays/staging/kustomization.yaml": overlay(
                "web-staging", image="ghcr.io/acme/web:1.1.0"
            )
        },
    )
    code, data = diff_json(run_cli, repo, "--base", base, "--head", "HEAD")
    assert code == 0
    assert data["base"] == base
    assert data["head"] == "HEAD"
    assert [r["name"] for r in data["roots"]] == ["apps/web/overlays/staging"]
    root = data["roots"][0]
    assert root["kind"] == "kustomize"
    assert root["path"] == "apps/web/overlays/staging"
    assert root["status"] == "changed"
    assert root["error"] is None
    assert [(r["kind"], r["namespace"], r["name"], r["change"]) for r in root["resources"]] == [
        ("Deployment", "web-staging", "web", "changed")
    ]
    assert root["resources"][0]["apiVersion"] == "apps/v1"
    assert "-      - image: ghcr.io/acme/web:1.0.0" in root["resources"][0]["diff"]
    assert "+      - image: ghcr.io/acme/web:1.1.0" in root["resources"][0]["diff"]
    assert root["images"] == [
        {
            "resource": "Deployment web-staging/web",
            "container": "web",
            "from": "ghcr.io/acme/web:1.0.0",
            "to": "ghcr.io/acme/web:1.1.0",
        }
    ]


def test_shared_base_change_affects_every_overlay_of_that_base(
    run_cli: RunCli, tmp_path: Path
) -> None:
    repo = apps_repo(tmp_path / "repo")
    commit(
        repo,
        {"apps/web/base/deployment.yaml": deployment("web", "ghcr.io/acme/web:1.0.0", replicas=3)},
    )
    code, data = diff_json(run_cli, repo, "--base", "HEAD~1", "--head", "HEAD")
    assert code == 0
    roots = roots_by_name(data)
    assert set(roots) == {"apps/web/overlays/staging", "apps/web/overlays/production"}
    for root in roots.values():
        assert root["status"] == "changed"
        assert "+  replicas: 3" in root["resources"][0]["diff"]
        assert root["images"] == []


def test_added_and_removed_resources_and_roots(run_cli: RunCli, tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    commit(
        repo,
        {
            "apps/web/base/kustomization.yaml": "resources: [deployment.yaml, service.yaml]\n",
            "apps/web/base/service.yaml": """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  ports: [{port: 80}]
            """,
            "apps/worker/overlays/production/kustomization.yaml": None,
            "apps/cron/overlays/production/kustomization.yaml": "resources: [job.yaml]\n",
            "apps/cron/overlays/production/job.yaml": """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: cron, namespace: cron}
                spec:
                  schedule: "@daily"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          containers: [{name: cron, image: "busybox:1.36"}]
            """,
        },
    )
    code, data = diff_json(run_cli, repo, "--base", "HEAD~1", "--head", "HEAD")
    assert code == 0
    roots = roots_by_name(data)
    assert set(roots) == {
        "apps/web/overlays/staging",
        "apps/web/overlays/production",
        "apps/worker/overlays/production",
        "apps/cron/overlays/production",
    }
    staging = roots["apps/web/overlays/staging"]
    assert [(r["kind"], r["change"]) for r in staging["resources"]] == [("Service", "added")]
    removed = roots["apps/worker/overlays/production"]
    assert removed["presence"] == "base"
    assert [(r["kind"], r["change"]) for r in removed["resources"]] == [("Deployment", "removed")]
    assert removed["images"] == [
        {
            "resource": "Deployment worker-production/worker",
            "container": "worker",
            "from": "ghcr.io/acme/worker:1.0.0",
            "to": None,
        }
    ]
    added = roots["apps/cron/overlays/production"]
    assert added["presence"] == "head"
    assert [(r["kind"], r["change"]) for r in added["resources"]] == [("CronJob", "added")]


def test_render_error_in_one_root_beside_a_good_one(run_cli: RunCli, tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    commit(
        repo,
        {
            "apps/web/overlays/staging/kustomization.yaml": overlay(
                "web-staging", extra="patches:\n  - path: missing-patch.yaml\n"
            ),
            "apps/worker/overlays/staging/kustomization.yaml": overlay(
                "worker-staging", image="ghcr.io/acme/worker:2.0.0"
            ),
        },
    )
    result = run_cli("diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD")
    assert result.exit_code == 1
    assert "1 root(s) failed to render: apps/web/overlays/staging" in result.stderr
    assert "missing-patch.yaml" in result.stdout
    assert "+      - image: ghcr.io/acme/worker:2.0.0" in result.stdout
    code, data = diff_json(run_cli, repo, "--base", "HEAD~1", "--head", "HEAD")
    assert code == 1
    roots = roots_by_name(data)
    broken = roots["apps/web/overlays/staging"]
    assert broken["status"] == "error"
    assert broken["error"].startswith("head (")
    assert "missing-patch.yaml" in broken["error"]
    assert "apps/web/overlays/staging/missing-patch.yaml" in broken["error"]
    assert "gitops-release-" not in broken["error"]  # no temporary checkout paths
    assert broken["resources"] == []
    assert roots["apps/worker/overlays/staging"]["status"] == "changed"
    assert_no_worktrees_left(repo)


def test_remote_resource_fails_fast_naming_the_url(run_cli: RunCli, tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    url = "https://github.com/acme/platform//monitoring?ref=v1.2.0"
    commit(
        repo,
        {
            "apps/web/overlays/staging/kustomization.yaml": (
                f"namespace: web-staging\nresources:\n  - ../../base\n  - {url}\n"
            )
        },
    )
    started = time.monotonic()
    code, data = diff_json(run_cli, repo, "--base", "HEAD~1", "--head", "HEAD")
    assert time.monotonic() - started < 10
    assert code == 1
    error = roots_by_name(data)["apps/web/overlays/staging"]["error"]
    assert url in error
    assert "apps/web/overlays/staging/kustomization.yaml" in error
    assert "remote" in error
    assert "vendor" in error


def test_a_render_that_takes_too_long_is_that_roots_error(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = apps_repo(tmp_path / "repo")
    commit(
        repo,
        {
            "apps/web/overlays/staging/kustomization.yaml": overlay(
                "web-staging", image="ghcr.io/acme/web:9.0.0"
            )
        },
    )
    slow = tmp_path / "slow-kustomize"
    real = shlex.join(kustomize_command())
    slow.write_text(
        f'#!/bin/sh\ncase "$2" in *web/overlays/staging*) exec sleep 30;; esac\nexec {real} "$2"\n',
        encoding="utf-8",
    )
    slow.chmod(slow.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("GITOPS_RELEASE_KUSTOMIZE", str(slow))
    started = time.monotonic()
    code, data = diff_json(
        run_cli, repo, "--base", "HEAD~1", "--head", "HEAD", "--timeout", "1", "--all"
    )
    assert time.monotonic() - started < 20
    assert code == 1
    roots = roots_by_name(data)
    assert "timed out after 1 s" in roots["apps/web/overlays/staging"]["error"]
    others = [r for name, r in roots.items() if name != "apps/web/overlays/staging"]
    assert len(others) == 3
    assert all(r["status"] == "unchanged" for r in others)
    assert_no_worktrees_left(repo)


def test_all_renders_every_root_and_reports_unchanged_ones(run_cli: RunCli, tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    commit(repo, {"README.md": "docs only\n"})
    code, data = diff_json(run_cli, repo, "--base", "HEAD~1", "--head", "HEAD")
    assert (code, data["roots"]) == (0, [])
    code, data = diff_json(run_cli, repo, "--base", "HEAD~1", "--head", "HEAD", "--all")
    assert code == 0
    assert len(data["roots"]) == 4
    assert {r["status"] for r in data["roots"]} == {"unchanged"}


def test_output_file_and_formats(run_cli: RunCli, tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    commit(
        repo,
        {
            "apps/worker/overlays/production/kustomization.yaml": overlay(
                "worker-production", image="ghcr.io/acme/worker:1.2.0"
            )
        },
    )
    out = tmp_path / "comment.md"
    result = run_cli(
        "diff",
        "--repo",
        repo,
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
        "--format",
        "markdown",
        "--output",
        out,
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    comment = out.read_text(encoding="utf-8")
    assert comment.startswith("<!-- gitops-release:preview -->\n")
    assert "| `apps/worker/overlays/production` | kustomize | 0 | 1 | 0 | 1 | changed |" in comment
    assert "```diff" in comment
    text = run_cli("diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD")
    assert "changed    apps/worker/overlays/production" in text.stdout


def test_usage_errors_exit_2(run_cli: RunCli, tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    assert run_cli("diff", "--repo", repo, "--base", "HEAD").exit_code == 2
    assert (
        run_cli(
            "diff", "--repo", repo, "--base", "HEAD", "--head", "HEAD", "--format", "x"
        ).exit_code
        == 2
    )
    missing = run_cli("diff", "--repo", repo, "--base", "nope", "--head", "HEAD")
    assert missing.exit_code == 1
    assert "revision 'nope' does not name a commit" in missing.stderr
    elsewhere = run_cli("diff", "--repo", tmp_path, "--base", "HEAD", "--head", "HEAD")
    assert elsewhere.exit_code == 1
    assert "is not a git repository" in elsewhere.stderr


def assert_no_worktrees_left(repo: Path) -> None:
    listing = git(repo, "worktree", "list", "--porcelain")
    assert listing.count("worktree ") == 1, listing
    admin = repo / ".git" / "worktrees"
    assert not admin.exists() or not any(admin.iterdir())
    assert list(Path(tempfile.gettempdir()).iterdir()) == []
