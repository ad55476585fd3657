"""A Helm values file's `strategy_key` drives the chart: after `set-image --strategy canary` the
real helm renders the Rollout with the preset's steps; after the next default release, without."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from gitops_release.proc import run
from gitops_release.rollouts import rollouts_in
from tests.conftest import RunCli, snapshot

HELM = os.environ.get("GITOPS_RELEASE_TEST_HELM") or shutil.which("helm")  # read at import

CONFIG = """\
environments:
  staging: {branch: develop}
apps:
  web:
    image: ghcr.io/acme/web
    targets:
      - helm: chart/values-staging.yaml
        strategy_key: rollout.canary.steps
    strategies:
      default: rolling
      rolling: {steps: []}
      canary:
        steps: [{setWeight: 25}, {pause: {}}, {setWeight: 75}, {pause: {duration: 30s}}]
        analysis: {templates: [{templateName: error-rate}]}
"""
TEMPLATE = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  strategy:
    canary:
      maxSurge: {{ .Values.rollout.canary.maxSurge }}
      {{- with .Values.rollout.canary.steps }}
      steps:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.rollout.canary.analysis }}
      analysis:
        {{- toYaml . | nindent 8 }}
      {{- end }}
  template:
    spec:
      containers:
        - name: web
          image: "ghcr.io/acme/web:{{ .Values.image.tag }}"
"""
VALUES = """\
# staging values
image:
  tag: "1.0.0"
rollout:
  canary:
    maxSurge: 1
"""


@pytest.mark.skipif(HELM is None, reason="no helm binary (GITOPS_RELEASE_TEST_HELM)")
def test_helm_renders_the_preset_and_then_no_steps(run_cli: RunCli, tmp_path: Path) -> None:
    repo = tmp_path / "manifests"
    files = {
        ".gitops-release.yaml": CONFIG,
        "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        "chart/templates/rollout.yaml": TEMPLATE,
        "chart/values-staging.yaml": VALUES,
    }
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    env = {f"HELM_{k}_HOME": str(tmp_path / k.lower()) for k in ("CACHE", "CONFIG", "DATA")}

    def rendered() -> tuple[object, object]:
        assert HELM is not None
        out = run(
            [HELM, "template", "web", str(repo / "chart"), "-f",
             str(repo / "chart/values-staging.yaml")],
            timeout=120, env={**os.environ, **env},
        ).out  # fmt: skip
        rollout = rollouts_in(out)["Rollout/web"]
        return rollout.steps, rollout.analysis

    before = snapshot(repo)
    result = run_cli(
        "set-image", "--repo", repo, "--env", "staging", "--image", "ghcr.io/acme/web:1.1.0",
        "--strategy", "canary",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert rendered() == (
        ({"setWeight": 25}, {"pause": {}}, {"setWeight": 75}, {"pause": {"duration": "30s"}}),
        {"templates": [{"templateName": "error-rate"}]},
    )
    result = run_cli(
        "set-image", "--repo", repo, "--env", "staging", "--image", "ghcr.io/acme/web:1.2.0"
    )
    assert result.exit_code == 0, result.output
    assert rendered() == ((), None)
    values = before["chart/values-staging.yaml"].decode().replace("1.0.0", "1.2.0")
    assert (repo / "chart/values-staging.yaml").read_text(encoding="utf-8") == values
