"""The demo runs the whole chain on the bundled example, through the GitHub emulator."""

from __future__ import annotations

import pytest

from tests.conftest import RunCli

pytestmark = pytest.mark.integration


def test_demo(run_cli: RunCli) -> None:
    result = run_cli("demo")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "+          image: ghcr.io/acme/api:2.1.0" in out
    assert "created: pull request #1" in out
    assert "run again → unchanged: nothing pushed, still one pull request" in out
    assert "status gitops-release/preview: success" in out
    assert "ghcr.io/acme/web:1.4.1 → ghcr.io/acme/web:1.4.2" in out
    assert "created: #2 deploy(web): production → ghcr.io/acme/web:1.4.2" in out
    assert "ghcr.io/acme/web:1.4.0 → ghcr.io/acme/web:1.4.2" in out
    assert "status gitops-release/preview: failure" in out
    assert "✗ removed-api: PodDisruptionBudget web/cache" in out
    assert "✗ imageRegistryAllowlist: Deployment web/cache" in out
    assert "docker.io/library/redis:7.2" in out
