"""set-image through the CLI on a copy of the example repo: outputs, dry run, idempotence."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import RunCli, snapshot

WEB = "ghcr.io/acme/web"


def test_json_contract(run_cli: RunCli, example_repo: Path) -> None:
    result = run_cli(
        "set-image",
        "--repo",
        example_repo,
        "--env",
        "staging",
        "--image",
        f"{WEB}:1.4.2",
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["changed"] is True
    assert data["edits"] == [
        {
            "file": "apps/web/overlays/staging/kustomization.yaml",
            "line": 8,
            "old": "1.4.1",
            "new": "1.4.2",
            "target": "kustomize:apps/web/overlays/staging",
            "key": "images[0].newTag",
            "old_image": "ghcr.io/acme/web:1.4.1",
            "new_image": "ghcr.io/acme/web:1.4.2",
        }
    ]
    again = run_cli(
        "set-image",
        "--repo",
        example_repo,
        "--env",
        "staging",
        "--image",
        f"{WEB}:1.4.2",
        "--json",
    )
    assert json.loads(again.stdout) == {**json.loads(again.stdout), "changed": False, "edits": []}


def test_human_output_and_idempotence(run_cli: RunCli, example_repo: Path) -> None:
    first = run_cli(
        "set-image",
        "--repo",
        example_repo,
        "--env",
        "production",
        "--image",
        "ghcr.io/acme/api:2.1.0",
    )
    assert first.exit_code == 0
    assert "charts/api/values.yaml:6  2.0.0 → 2.1.0" in first.stdout
    assert (
        "clusters/blue/api.yaml:17  ghcr.io/acme/api:2.0.0 → ghcr.io/acme/api:2.1.0" in first.stdout
    )
    before = snapshot(example_repo)
    second = run_cli(
        "set-image",
        "--repo",
        example_repo,
        "--env",
        "production",
        "--image",
        "ghcr.io/acme/api:2.1.0",
    )
    assert second.exit_code == 0
    assert "already runs ghcr.io/acme/api:2.1.0; nothing to change" in second.stdout
    assert snapshot(example_repo) == before


def test_dry_run_prints_diff_and_writes_nothing(run_cli: RunCli, example_repo: Path) -> None:
    before = snapshot(example_repo)
    result = run_cli(
        "set-image",
        "--repo",
        example_repo,
        "--env",
        "staging",
        "--image",
        f"{WEB}:1.5.0",
        "--dry-run",
    )
    assert result.exit_code == 0
    assert snapshot(example_repo) == before
    assert "--- a/apps/web/overlays/staging/kustomization.yaml" in result.stdout
    assert '-    newTag: "1.4.1"   # managed by gitops-release' in result.stdout
    assert '+    newTag: "1.5.0"   # managed by gitops-release' in result.stdout


def test_mode_is_kept(run_cli: RunCli, example_repo: Path) -> None:
    target = example_repo / "apps/web/overlays/staging/kustomization.yaml"
    target.chmod(0o640)
    assert (
        run_cli(
            "set-image", "--repo", example_repo, "--env", "staging", "--image", f"{WEB}:1.5.0"
        ).exit_code
        == 0
    )
    assert target.stat().st_mode & 0o777 == 0o640
    assert not list(target.parent.glob(".*.tmp"))
