"""A canary for one release, through the emulator: bump --strategy canary opens the staging PR
with the steps; merged, promote opens the production PR with the same steps on production's own
Rollout; the next bump without --strategy takes them away again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from github import Github

from gitops_release import trailers
from gitops_release.testing import FakeGitHub
from tests.conftest import RunCli
from tests.integration.conftest import MANIFEST_REPO, ManifestRepo, git, make_source_repo

pytestmark = pytest.mark.integration
WEB = "ghcr.io/acme/web"

CONFIG = """\
environments:
  staging:    {branch: develop}
  production: {branch: master, promote_from: staging}
apps:
  web:
    image: ghcr.io/acme/web
    targets:
      - kustomize: apps/web/overlays/staging
        environments: [staging]
      - kustomize: apps/web/overlays/production
        environments: [production]
    strategies:
      default: rolling
      rolling: {steps: []}
      canary:
        steps:
          - setWeight: 25
          - pause: {}
          - setWeight: 75
          - pause: {duration: 30s}
promote:
  exclude: ["**/staging/**"]
"""

BASE = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  strategy:
    canary:
      maxSurge: 1
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web
"""

STAGING_PATCH = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  strategy:
    canary:
      maxUnavailable: 0
      # steps:
      #   - setWeight: 20
"""

# Production's patch: four-space indentation, its own comment.
PRODUCTION_PATCH = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
    name: web
spec:
    strategy:
        canary:   # production canary settings
            maxUnavailable: 1
"""


OVERLAY = (
    "resources:\n  - ../../base\npatches:\n  - path: rollout-patch.yaml\n"
    f"images:\n  - name: {WEB}\n    newTag: 1.0.0\n"
)


FILES = {
    ".gitops-release.yaml": CONFIG,
    "apps/web/base/kustomization.yaml": "resources:\n  - rollout.yaml\n",
    "apps/web/base/rollout.yaml": BASE,
    "apps/web/overlays/staging/kustomization.yaml": OVERLAY,
    "apps/web/overlays/staging/rollout-patch.yaml": STAGING_PATCH,
    "apps/web/overlays/production/kustomization.yaml": OVERLAY,
    "apps/web/overlays/production/rollout-patch.yaml": PRODUCTION_PATCH,
}
STEPS_BLOCK = (
    "      steps:\n"
    "      - setWeight: 25\n"
    "      - pause: {}\n"
    "      - setWeight: 75\n"
    "      - pause: {duration: 30s}\n"
)


@pytest.fixture
def rollout_repo(
    fake_github: FakeGitHub,
    fake_github_token: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> ManifestRepo:
    source = make_source_repo(tmp_path / "seed", FILES)
    handle = fake_github.create_repo(MANIFEST_REPO, source=source)
    monkeypatch.setenv("GITHUB_TOKEN", fake_github_token)
    return ManifestRepo(fake_github, fake_github_token, MANIFEST_REPO, Path(handle.path))


def bump(run_cli: RunCli, repo: ManifestRepo, *args: str) -> dict:
    result = run_cli("bump", *repo.cli_args(), "--json", "--env", "staging", *args)
    assert result.exit_code == 0, result.output
    data: dict = json.loads(result.stdout)
    return data


def message(repo: ManifestRepo, rev: str) -> str:
    return git("--git-dir", repo.bare, "log", "-1", "--format=%B", rev, cwd=repo.bare)


def test_canary_release_is_promoted_and_switched_off_by_the_next_release(
    run_cli: RunCli, rollout_repo: ManifestRepo, fake_github_client: Github
) -> None:
    repo = fake_github_client.get_repo(rollout_repo.name)
    staging_patch = "apps/web/overlays/staging/rollout-patch.yaml"
    production_patch = "apps/web/overlays/production/rollout-patch.yaml"

    # 1. A risky release asks for the canary.
    data = bump(run_cli, rollout_repo, "--image", f"{WEB}:1.1.0", "--strategy", "canary")
    assert data["action"] == "created"
    assert data["strategy"] == "canary"
    assert [e["file"] for e in data["strategy_edits"]] == [staging_patch]
    head = rollout_repo.ref(f"refs/heads/{data['branch']}")
    assert head is not None
    assert rollout_repo.show(head, staging_patch) == STAGING_PATCH.replace(
        "      maxUnavailable: 0\n", "      maxUnavailable: 0\n" + STEPS_BLOCK
    )
    assert rollout_repo.show(head, "apps/web/base/rollout.yaml") == BASE
    found = trailers.parse_trailers(message(rollout_repo, head))
    assert found[trailers.STRATEGY] == ["canary"]
    pull = repo.get_pull(data["pull_request"]["number"])
    assert pull.title == f"deploy(web): staging → {WEB}:1.1.0 (canary)"
    assert "**Release strategy: `canary`**" in pull.body
    assert "`Rollout/web`: rolling → **canary: 25% · pause · 75% · pause 30s**" in pull.body

    # 2. Merged into staging, promoted: production's own Rollout patch gets the same steps,
    #    in production's style (four spaces); staging's overlay on master is left alone.
    merged = pull.merge(merge_method="merge")
    result = run_cli(
        "promote", *rollout_repo.cli_args(), "--json", "--no-preview", "--sha", merged.sha
    )
    assert result.exit_code == 0, result.output
    promoted = json.loads(result.stdout)
    assert promoted["action"] == "created", promoted
    production = repo.get_pull(promoted["pull_request"]["number"])
    assert production.base.ref == "master"
    assert production.title == f"deploy(web): production → {WEB}:1.1.0 (canary)"
    assert "**Release strategy: `canary`**" in production.body
    phead = rollout_repo.ref(f"refs/heads/{production.head.ref}")
    assert phead is not None
    assert rollout_repo.show(phead, production_patch) == PRODUCTION_PATCH + (
        "            steps:\n"
        "            - setWeight: 25\n"
        "            - pause: {}\n"
        "            - setWeight: 75\n"
        "            - pause: {duration: 30s}\n"
    )
    assert rollout_repo.show(phead, staging_patch) == STAGING_PATCH
    assert "newTag: 1.1.0" in rollout_repo.show(
        phead, "apps/web/overlays/production/kustomization.yaml"
    )

    # 3. The next release does not ask: the default (rolling) takes the steps away again.
    data = bump(run_cli, rollout_repo, "--image", f"{WEB}:1.2.0")
    assert data["strategy"] == "rolling"
    assert data["strategy_edits"][0]["old"] == "canary: 25% · pause · 75% · pause 30s"
    assert data["strategy_edits"][0]["new"] == "rolling"
    head = rollout_repo.ref(f"refs/heads/{data['branch']}")
    assert head is not None
    assert rollout_repo.show(head, staging_patch) == STAGING_PATCH
    pull = repo.get_pull(data["pull_request"]["number"])
    assert pull.title == f"deploy(web): staging → {WEB}:1.2.0 (rolling)"
    assert trailers.parse_trailers(message(rollout_repo, head))[trailers.STRATEGY] == ["rolling"]


def test_unknown_strategy_fails_before_anything_is_pushed(
    run_cli: RunCli, rollout_repo: ManifestRepo, fake_github_client: Github
) -> None:
    before = rollout_repo.branches()
    result = run_cli(
        "bump", *rollout_repo.cli_args(), "--env", "staging", "--image", f"{WEB}:1.1.0",
        "--strategy", "canry",
    )  # fmt: skip
    assert result.exit_code != 0
    assert "unknown strategy 'canry' for app 'web'" in result.output
    assert "rolling, canary" in result.output
    assert rollout_repo.branches() == before
    assert list(fake_github_client.get_repo(rollout_repo.name).get_pulls(state="all")) == []


def test_production_preview_shows_the_strategy_and_the_human_wait_note(
    run_cli: RunCli, rollout_repo: ManifestRepo, fake_github_client: Github
) -> None:
    repo = fake_github_client.get_repo(rollout_repo.name)
    data = bump(run_cli, rollout_repo, "--image", f"{WEB}:1.1.0", "--strategy", "canary")
    merged = repo.get_pull(data["pull_request"]["number"]).merge(merge_method="squash")
    result = run_cli("promote", *rollout_repo.cli_args(), "--json", "--sha", merged.sha)
    assert result.exit_code == 0, result.output
    number = json.loads(result.stdout)["pull_request"]["number"]
    (comment,) = list(repo.get_issue(number).get_comments())
    assert "**Release strategy** (Argo Rollouts, rendered base → head):" in comment.body
    assert (
        "- `Rollout/web` (apps/web/overlays/production): rolling → "
        "**canary: 25% · pause · 75% · pause 30s**"
    ) in comment.body
    assert "**Notes**:" in comment.body
    assert "the canary pauses with `pause: {}` and has no analysis, so it waits for a human" in (
        comment.body
    )


DIRECTORY_CONFIG = """\
environments:
  staging: {path: envs/staging}
  production: {path: envs/production, promote_from: staging}
apps:
  web:
    image: ghcr.io/acme/web
    targets:
      - manifest: envs/staging/web
        environments: [staging]
      - manifest: envs/production/web
        environments: [production]
    strategies:
      default: rolling
      rolling: {steps: []}
      canary: {steps: [{setWeight: 25}, {pause: {}}]}
"""


def test_directory_promotion_carries_the_strategy_staging_runs(
    run_cli: RunCli,
    fake_github: FakeGitHub,
    fake_github_token: str,
    fake_github_client: Github,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rollout = BASE.replace("image: ghcr.io/acme/web\n", "image: ghcr.io/acme/web:1.0.0\n")
    files = {
        ".gitops-release.yaml": DIRECTORY_CONFIG,
        "envs/staging/web/rollout.yaml": rollout,
        "envs/production/web/rollout.yaml": rollout,
    }
    source = make_source_repo(tmp_path / "dirs", files, develop=False)
    handle = fake_github.create_repo("acme/envs", source=source)
    monkeypatch.setenv("GITHUB_TOKEN", fake_github_token)
    repo = ManifestRepo(fake_github, fake_github_token, "acme/envs", Path(handle.path))
    client = fake_github_client.get_repo("acme/envs")
    result = run_cli(
        "bump", *repo.cli_args(), "--json", "--env", "staging", "--image", f"{WEB}:1.1.0",
        "--strategy", "canary",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    client.get_pull(json.loads(result.stdout)["pull_request"]["number"]).merge()
    result = run_cli("promote", *repo.cli_args(), "--json", "--from-env", "staging", "--app", "web")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["strategy"] == "canary"
    head = repo.ref("refs/heads/gitops-release/production/web")
    assert head is not None
    text = repo.show(head, "envs/production/web/rollout.yaml")
    assert "      maxSurge: 1\n      steps:\n        - setWeight: 25\n        - pause: {}\n" in text
    assert "image: ghcr.io/acme/web:1.1.0" in text
    pull = client.get_pull(data["pull_request"]["number"])
    assert pull.title == f"deploy(web): production → {WEB}:1.1.0 (canary)"
