"""A changed manifest no render root includes is named, so a reviewer knows it is not shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.integration.conftest import git

pytestmark = pytest.mark.integration


def test_changed_file_outside_every_root_is_listed(run_cli: RunCli, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app/kustomization.yaml").write_text("resources: [cm.yaml]\n", "utf-8")
    (repo / "app/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n", "utf-8"
    )
    git("init", "-q", "-b", "master", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "base", cwd=repo)
    (repo / "stray").mkdir()
    (repo / "stray/extra.yaml").write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n", "utf-8"
    )
    (repo / "app/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: w}\n", "utf-8"
    )
    (repo / "NOTES.md").write_text("not a manifest\n", "utf-8")
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "head", cwd=repo)
    result = run_cli(
        "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["unrendered_files"] == ["stray/extra.yaml"]
    markdown = run_cli(
        "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", "markdown"
    )
    assert "no render root includes" in markdown.stdout
    assert "`stray/extra.yaml`" in markdown.stdout


def test_unrendered_files_say_what_is_missing(run_cli: RunCli, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    files = {
        ".gitops-release.yaml": (
            "environments:\n  production: {branch: master}\n"
            "apps:\n  cache:\n    image: redis\n"
            "    targets: [{helm: envs/production/redis.yaml, key: image}]\n"
        ),
        "envs/production/redis.yaml": "image: redis:7.0\n",
        "components/spanner/kustomization.yaml": (
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
            "patches: [{path: patch.yaml}]\n"
        ),
        "components/spanner/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\n",
    }
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, "utf-8")
    git("init", "-q", "-b", "master", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "base", cwd=repo)
    (repo / "envs/production/redis.yaml").write_text("image: redis:7.2\n", "utf-8")
    (repo / "components/spanner/patch.yaml").write_text("apiVersion: apps/v1\nkind: Job\n", "utf-8")
    git("commit", "-qam", "head", cwd=repo)
    result = run_cli(
        "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["roots"] == []
    assert data["unrendered_files"] == [
        "components/spanner/patch.yaml",
        "envs/production/redis.yaml",
    ]
    notes = data["unrendered_notes"]
    assert (
        "Component components/spanner, which no kustomization uses"
        in notes["components/spanner/patch.yaml"]
    )
    assert "no chart renders it" in notes["envs/production/redis.yaml"]
    markdown = run_cli(
        "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", "markdown"
    )
    assert (
        "> - `envs/production/redis.yaml`: the values file of a `helm:` target" in markdown.stdout
    )
