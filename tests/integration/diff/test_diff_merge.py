"""A pull request's diff against the merge result: no false reverts when the base moved on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_release.errors import GitError
from gitops_release.render.revisions import merge_result
from tests.conftest import RunCli

from .repos import apps_repo, commit, git, overlay

pytestmark = pytest.mark.integration


def test_base_moved_after_the_branch_was_cut(run_cli: RunCli, tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    git(repo, "checkout", "-q", "-b", "feature")
    commit(
        repo,
        {
            "apps/web/overlays/staging/kustomization.yaml": overlay(
                "web-staging", image="ghcr.io/acme/web:2.0.0"
            )
        },
    )
    git(repo, "checkout", "-q", "master")
    commit(
        repo,
        {
            "apps/worker/overlays/staging/kustomization.yaml": overlay(
                "worker-staging", image="ghcr.io/acme/worker:3.0.0"
            )
        },
    )
    before = (git(repo, "rev-parse", "master"), git(repo, "rev-parse", "feature"))

    naive = run_cli(
        "diff", "--repo", repo, "--base", "master", "--head", "feature", "--format", "json"
    )
    naive_roots = {r["name"] for r in json.loads(naive.stdout)["roots"]}
    assert "apps/worker/overlays/staging" in naive_roots  # the base's newer change looks reverted

    merged = merge_result(repo, "master", "feature")
    assert merge_result(repo, "master", "feature") == merged  # reproducible
    result = run_cli(
        "diff", "--repo", repo, "--base", "master", "--head", merged, "--format", "json"
    )
    assert result.exit_code == 0, result.output
    roots = json.loads(result.stdout)["roots"]
    assert [r["name"] for r in roots] == ["apps/web/overlays/staging"]
    assert roots[0]["images"][0]["to"] == "ghcr.io/acme/web:2.0.0"
    # Nothing in the repository moved.
    assert (git(repo, "rev-parse", "master"), git(repo, "rev-parse", "feature")) == before
    assert git(repo, "status", "--porcelain") == ""


def test_merge_conflict_names_the_files(tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    path = "apps/web/overlays/staging/kustomization.yaml"
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {path: overlay("web-staging", image="ghcr.io/acme/web:2.0.0")})
    git(repo, "checkout", "-q", "master")
    commit(repo, {path: overlay("web-staging", image="ghcr.io/acme/web:3.0.0")})
    with pytest.raises(GitError, match=f"conflicts in {path}"):
        merge_result(repo, "master", "feature")
