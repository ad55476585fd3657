"""The demo runs end to end on the bundled example, through the GitHub emulator."""

from __future__ import annotations

import pytest

from tests.conftest import RunCli

pytestmark = pytest.mark.integration


def test_demo(run_cli: RunCli) -> None:
    result = run_cli("demo")
    assert result.exit_code == 0, result.output
    assert "+          image: ghcr.io/acme/api:2.1.0" in result.stdout
    assert "created: pull request #1" in result.stdout
    assert "updated: the same pull request #1 now deploys 1.4.3" in result.stdout
    assert "unchanged: nothing pushed, still one pull request" in result.stdout
