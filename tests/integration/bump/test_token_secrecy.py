"""The token never appears in any output, log, exception text or file the tool writes."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest

from gitops_release.testing import RejectPush, Token
from tests.conftest import RunCli
from tests.integration.conftest import ManifestRepo

pytestmark = pytest.mark.integration
TOKEN = "ghs_DistinctiveSecretTokenValue_4f9a1c7e2b"


def forms(token: str) -> list[str]:
    return [token, base64.b64encode(f"x-access-token:{token}".encode()).decode()]


def test_token_never_printed(
    run_cli: RunCli,
    manifest_repo: ManifestRepo,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    manifest_repo.github.add_token(TOKEN, Token("octocat"))
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    output_file = tmp_path / "github_output"
    summary_file = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output_file))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary_file))
    captured: list[str] = []
    base = ["bump", *manifest_repo.cli_args(), "--env", "staging"]

    ok = run_cli(*base, "--image", "ghcr.io/acme/web:1.4.2", "--json")
    assert ok.exit_code == 0, ok.output
    captured.append(ok.output)

    manifest_repo.github.inject(RejectPush(message=f"declined for {TOKEN}"))
    failed_push = run_cli(*base, "--image", "ghcr.io/acme/web:1.4.3")
    assert failed_push.exit_code == 1
    assert "git push" in failed_push.stderr
    captured.append(failed_push.output)

    bad_config = run_cli(*base, "--image", "ghcr.io/unknown/app:1")
    assert bad_config.exit_code == 1
    captured.append(bad_config.output)

    git_url_with_secret = f"http://x-access-token:{TOKEN}@127.0.0.1:1/acme/none.git"
    unreachable = run_cli(
        "bump",
        "--manifest-repo",
        manifest_repo.name,
        "--api-url",
        manifest_repo.github.api_url,
        "--git-url",
        git_url_with_secret,
        "--env",
        "staging",
        "--image",
        "ghcr.io/acme/web:1.4.4",
    )
    assert unreachable.exit_code == 1
    captured.append(unreachable.output)

    captured += [r.getMessage() for r in caplog.records]
    captured += [output_file.read_text("utf-8"), summary_file.read_text("utf-8")]
    # The one place a secret may appear is the `::add-mask::` command that tells the runner to
    # hide it (the runner never echoes that line).
    everything = "\n".join(
        line
        for text in captured
        for line in text.splitlines()
        if not line.startswith("::add-mask::")
    )
    for secret in forms(TOKEN):
        assert secret not in everything
    assert "::add-mask::" in ok.stdout, "inside Actions the token is masked for the runner"
    outputs = output_file.read_text("utf-8")
    assert "action<<" in outputs
    assert "\ncreated\n" in outputs
    assert "pr-url<<" in outputs
    assert "/acme/manifests/pull/1\n" in outputs
    assert "**gitops-release bump**: web → staging `ghcr.io/acme/web:1.4.2`: created" in (
        summary_file.read_text("utf-8")
    )
