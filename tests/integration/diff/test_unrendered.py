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
