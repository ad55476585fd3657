"""The update-manifest action's glue reads the release strategy from the app repository through
the emulator: the merged pull request's release:<name> label, found from the pushed commit."""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from github import Github

from gitops_release.testing import FakeGitHub
from tests.conftest import REPO_ROOT
from tests.integration.conftest import git, make_source_repo

pytestmark = pytest.mark.integration


@functools.cache
def run_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("action_run", REPO_ROOT / "actions/lib/run.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def merged_app_pull(
    github: FakeGitHub, client: Github, tmp_path: Path, labels: tuple[str, ...]
) -> str:
    """acme/web with a pull request carrying `labels`, merged; returns the merge commit."""
    source = make_source_repo(tmp_path / "web", {"app.py": "print('v1')\n"}, develop=False)
    git("switch", "-q", "-c", "feature", cwd=source)
    (source / "app.py").write_text("print('v2')\n", encoding="utf-8")
    git("commit", "-q", "-am", "v2", cwd=source)
    git("switch", "-q", "master", cwd=source)
    github.create_repo("acme/web", source=source)
    repo = client.get_repo("acme/web")
    pull = repo.create_pull(base="master", head="feature", title="v2", body="")
    if labels:
        pull.add_to_labels(*labels)
    return str(pull.merge(merge_method="merge").sha)


def action_env(
    monkeypatch: pytest.MonkeyPatch, github: FakeGitHub, token: str, event: dict, tmp: Path
) -> None:
    path = tmp / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    for name, value in {
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_REPOSITORY": "acme/web",
        "GITHUB_API_URL": github.api_url,
        "INPUT_MANIFEST_REPO": "acme/manifests",
        "INPUT_ENVIRONMENT": "staging",
        "INPUT_IMAGE": "ghcr.io/acme/web:1.1.0",
        "INPUT_STRATEGY_FROM_EVENT": "true",
        "INPUT_APP_TOKEN": token,
    }.items():
        monkeypatch.setenv(name, value)


def test_label_of_the_merged_pull_request_becomes_the_strategy(
    fake_github: FakeGitHub,
    fake_github_token: str,
    fake_github_client: Github,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sha = merged_app_pull(fake_github, fake_github_client, tmp_path, ("release:canary",))
    event = {"after": sha, "head_commit": {"message": "Merge v2\n\nRelease-Strategy: other\n"}}
    action_env(monkeypatch, fake_github, fake_github_token, event, tmp_path)
    args = run_module().argv("update-manifest")
    assert args[args.index("--strategy") + 1] == "canary"
    # An explicit input wins over the event.
    monkeypatch.setenv("INPUT_STRATEGY", "rolling")
    args = run_module().argv("update-manifest")
    assert args.count("--strategy") == 1
    assert args[args.index("--strategy") + 1] == "rolling"


def test_without_a_label_the_commit_trailer_is_read(
    fake_github: FakeGitHub,
    fake_github_token: str,
    fake_github_client: Github,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sha = merged_app_pull(fake_github, fake_github_client, tmp_path, ())
    event = {"after": sha, "head_commit": {"message": "Merge v2\n\nRelease-Strategy: canary\n"}}
    action_env(monkeypatch, fake_github, fake_github_token, event, tmp_path)
    args = run_module().argv("update-manifest")
    assert args[args.index("--strategy") + 1] == "canary"
    # Off unless asked for: the action alone reads no event.
    monkeypatch.setenv("INPUT_STRATEGY_FROM_EVENT", "false")
    assert "--strategy" not in run_module().argv("update-manifest")


def test_a_bad_token_fails_loudly_instead_of_releasing_without_the_canary(
    fake_github: FakeGitHub,
    fake_github_token: str,
    fake_github_client: Github,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sha = merged_app_pull(fake_github, fake_github_client, tmp_path, ("release:canary",))
    action_env(monkeypatch, fake_github, "not-a-valid-token-0123456789", {"after": sha}, tmp_path)
    with pytest.raises(run_module().InputError, match="release strategy: "):
        run_module().argv("update-manifest")
