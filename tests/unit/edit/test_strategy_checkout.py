"""`set-image --strategy` on a kustomize repository on disk: the overlay's Rollout patch gets the
steps, the shared base is never touched, the real kustomize renders the preset, and every refusal
leaves every file as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_release.proc import run
from gitops_release.render.tools import kustomize_command
from gitops_release.rollouts import rollout_strategies
from gitops_release.yamlio import nodes as yamlnodes
from tests.conftest import RunCli, snapshot

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
  worker:
    image: ghcr.io/acme/worker
    targets:
      - manifest: apps/worker/deployment.yaml
    strategies:
      default: rolling
      rolling: {steps: []}
      canary: {steps: [{setWeight: 50}]}
"""

BASE_ROLLOUT = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  strategy:
    canary:
      maxSurge: 1
      # steps:
      # - setWeight: 20
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web
"""

STAGING_PATCH = """\
# Staging's own canary settings (steps are switched by gitops-release).
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  strategy:
    canary:
      maxUnavailable: 0
"""

FILES = {
    ".gitops-release.yaml": CONFIG,
    "apps/web/base/kustomization.yaml": "resources:\n  - rollout.yaml\n",
    "apps/web/base/rollout.yaml": BASE_ROLLOUT,
    "apps/web/overlays/staging/kustomization.yaml": (
        "resources:\n  - ../../base\npatches:\n  - path: rollout-patch.yaml\n"
        "images:\n  - name: ghcr.io/acme/web\n    newTag: 1.0.0\n"
    ),
    "apps/web/overlays/staging/rollout-patch.yaml": STAGING_PATCH,
    "apps/web/overlays/production/kustomization.yaml": (
        "resources:\n- ../../base\nimages:\n- name: ghcr.io/acme/web\n  newTag: 1.0.0\n"
    ),
    "apps/worker/deployment.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  template:\n"
        "    spec:\n      containers:\n        - name: worker\n"
        "          image: ghcr.io/acme/worker:1.0.0\n"
    ),
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "manifests"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def rendered_steps(overlay: Path) -> object:
    out = run([*kustomize_command(), overlay], timeout=120).out
    docs = [yamlnodes.to_python(d) for d in yamlnodes.compose_all(out, source="rendered")]
    return rollout_strategies(docs)["Rollout/web"].steps


def test_canary_release_switches_the_overlay_patch_and_renders_the_preset(
    run_cli: RunCli, repo: Path
) -> None:
    before = snapshot(repo)
    result = run_cli(
        "set-image", "--repo", repo, "--env", "staging", "--image", "ghcr.io/acme/web:1.1.0",
        "--strategy", "canary", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["strategy"] == "canary"
    assert data["strategy_edits"] == [
        {
            "file": "apps/web/overlays/staging/rollout-patch.yaml",
            "line": 8,
            "resource": "Rollout/web",
            "old": "rolling",
            "new": "canary: 25% · pause · 75% · pause 30s",
            "strategy": "canary",
            "target": "kustomize:apps/web/overlays/staging",
        }
    ]
    after = snapshot(repo)
    assert after["apps/web/base/rollout.yaml"] == before["apps/web/base/rollout.yaml"]
    assert after["apps/web/overlays/staging/rollout-patch.yaml"].decode() == STAGING_PATCH + (
        # No list in the file to follow: lists at the key's column, as kustomize writes them.
        "      steps:\n"
        "      - setWeight: 25\n"
        "      - pause: {}\n"
        "      - setWeight: 75\n"
        "      - pause: {duration: 30s}\n"
    )
    staging = repo / "apps/web/overlays/staging"
    assert rendered_steps(staging) == (
        {"setWeight": 25},
        {"pause": {}},
        {"setWeight": 75},
        {"pause": {"duration": "30s"}},
    )
    assert rendered_steps(repo / "apps/web/overlays/production") == ()

    # The next release without --strategy applies the default: the patch is as it was.
    result = run_cli(
        "set-image", "--repo", repo, "--env", "staging", "--image", "ghcr.io/acme/web:1.2.0",
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["strategy"] == "rolling"
    final = snapshot(repo)
    assert (
        final["apps/web/overlays/staging/rollout-patch.yaml"]
        == (before["apps/web/overlays/staging/rollout-patch.yaml"])
    )
    assert rendered_steps(staging) == ()


def test_a_base_shared_with_another_environment_is_refused(run_cli: RunCli, repo: Path) -> None:
    before = snapshot(repo)
    result = run_cli(
        "set-image", "--repo", repo, "--env", "production", "--image",
        "ghcr.io/acme/web:1.1.0", "--strategy", "canary",
    )  # fmt: skip
    assert result.exit_code != 0
    assert "apps/web/base/rollout.yaml: Rollout/web is also deployed by another environment" in (
        result.output
    )
    assert "give this environment its own patch" in result.output
    assert snapshot(repo) == before


def test_strategy_on_a_target_without_a_rollout_is_refused(run_cli: RunCli, repo: Path) -> None:
    before = snapshot(repo)
    result = run_cli(
        "set-image", "--repo", repo, "--env", "staging", "--image",
        "ghcr.io/acme/worker:1.1.0", "--strategy", "canary",
    )  # fmt: skip
    assert result.exit_code != 0
    assert "target manifest:apps/worker/deployment.yaml has no Argo Rollout" in result.output
    assert "nothing was written" in result.output
    assert snapshot(repo) == before
    # Without --strategy the default applies where there are Rollouts: none here, no error.
    result = run_cli(
        "set-image", "--repo", repo, "--env", "staging", "--image", "ghcr.io/acme/worker:1.1.0"
    )
    assert result.exit_code == 0, result.output


def test_unknown_strategy_lists_the_known_ones(run_cli: RunCli, repo: Path) -> None:
    before = snapshot(repo)
    result = run_cli(
        "set-image", "--repo", repo, "--env", "staging", "--image", "ghcr.io/acme/web:1.1.0",
        "--strategy", "canry",
    )  # fmt: skip
    assert result.exit_code != 0
    assert "unknown strategy 'canry' for app 'web'" in result.output
    assert "rolling, canary" in result.output
    assert snapshot(repo) == before


def test_keep_strategy_leaves_the_steps_as_they_are(run_cli: RunCli, repo: Path) -> None:
    # A branch deploy lends staging an image, not a release strategy: a canary in progress keeps
    # its steps while a pull request's image runs, and after it is given back.
    from gitops_release.config import load_config
    from gitops_release.edit.checkout import plan_on_checkout
    from gitops_release.image import parse

    result = run_cli(
        "set-image", "--repo", repo, "--env", "staging", "--image", "ghcr.io/acme/web:1.1.0",
        "--strategy", "canary",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    config = load_config(repo)
    changes = plan_on_checkout(
        repo, config, config.app("web"), env="staging", ref=parse("ghcr.io/acme/web:pr-7"),
        allow_downgrade=True, keep_strategy=True,
    )  # fmt: skip
    assert [c.file for c in changes if c.changed] == [
        "apps/web/overlays/staging/kustomization.yaml"
    ]
    assert not any(c.strategy_edits for c in changes)
