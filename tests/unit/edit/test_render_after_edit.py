"""The edited overlay renders with the real kustomize and deploys the requested image."""

from __future__ import annotations

from pathlib import Path

from gitops_release.proc import run
from gitops_release.render.tools import kustomize_command
from tests.conftest import RunCli


def test_kustomize_renders_requested_image(run_cli: RunCli, example_repo: Path) -> None:
    image = "ghcr.io/acme/web:1.4.2@sha256:" + "c" * 64
    result = run_cli("set-image", "--repo", example_repo, "--env", "staging", "--image", image)
    assert result.exit_code == 0, result.output
    overlay = example_repo / "apps/web/overlays/staging"
    rendered = run([*kustomize_command(), overlay], timeout=120).out
    assert f"image: {image}" in rendered
    production = run(
        [*kustomize_command(), example_repo / "apps/web/overlays/production"], timeout=120
    ).out
    assert "image: ghcr.io/acme/web:1.4.0" in production
