"""Release strategies in Helm values (the target's `strategy_key`), and every refusal: a clear
message naming the file, nothing planned."""

from __future__ import annotations

import pytest

from gitops_release.errors import ManifestError
from tests.unit.edit.strategy_helpers import ANALYSED, CANARY, ROLLING, plan

VALUES = """\
image:
  repository: ghcr.io/acme/web
  tag: "1.0.0"
rollout:
  enabled: true
  canary:   # steps come from gitops-release
    maxSurge: 1
service:
  port: 80
"""
VALUES_CANARY = """\
image:
  repository: ghcr.io/acme/web
  tag: "1.1.0"
rollout:
  enabled: true
  canary:   # steps come from gitops-release
    maxSurge: 1
    steps:
    - setWeight: 25
    - pause: {}
    - setWeight: 75
    - pause: {duration: 30s}
service:
  port: 80
"""


def helm(text: str, image: str, strategy: object, **kwargs: object) -> str:
    files = plan(
        {"values.yaml": text}, image, strategy,  # type: ignore[arg-type]
        kind="helm", path="values.yaml", strategy_key="rollout.canary.steps", **kwargs,  # type: ignore[arg-type]
    )  # fmt: skip
    return files["values.yaml"].after


def test_helm_values_key_gets_the_steps_and_loses_them_again() -> None:
    canary = helm(VALUES, "ghcr.io/acme/web:1.1.0", CANARY)
    assert canary == VALUES_CANARY
    assert helm(canary, "ghcr.io/acme/web:1.1.0", CANARY) == canary
    assert helm(canary, "ghcr.io/acme/web:1.2.0", ROLLING) == VALUES.replace("1.0.0", "1.2.0")


def test_helm_analysis_goes_beside_the_steps() -> None:
    out = helm(VALUES, "ghcr.io/acme/web:1.1.0", ANALYSED)
    assert "    analysis:\n      templates:\n      - templateName: error-rate\n" in out
    assert helm(out, "ghcr.io/acme/web:1.2.0", ROLLING) == VALUES.replace("1.0.0", "1.2.0")


def test_helm_without_the_mapping_is_refused_for_a_canary_but_fine_for_rolling() -> None:
    text = "image:\n  tag: 1.0.0\n"
    with pytest.raises(ManifestError) as caught:
        helm(text, "ghcr.io/acme/web:1.1.0", CANARY)
    assert "values.yaml: no mapping at rollout.canary to hold steps" in caught.value.message
    assert helm(text, "ghcr.io/acme/web:1.1.0", ROLLING) == text.replace("1.0.0", "1.1.0")


def test_helm_target_without_strategy_key_refuses_an_asked_strategy() -> None:
    with pytest.raises(ManifestError) as caught:
        plan(
            {"values.yaml": VALUES}, "ghcr.io/acme/web:1.1.0", CANARY,
            kind="helm", path="values.yaml",
        )  # fmt: skip
    assert "target helm:values.yaml#image.tag has no strategy_key" in caught.value.message
    assert "strategy_key" in (caught.value.hint or "")


BLUE_GREEN = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  strategy:
    blueGreen: {activeService: web}
  template:
    spec:
      containers: [{name: web, image: "ghcr.io/acme/web:1.0.0"}]
"""


def test_blue_green_rollout_refuses_canary_steps() -> None:
    with pytest.raises(ManifestError) as caught:
        plan({"rollout.yaml": BLUE_GREEN}, "ghcr.io/acme/web:1.1.0", CANARY)
    assert "Rollout/web uses a blueGreen strategy" in caught.value.message
    # The default (rolling) leaves a blue-green Rollout alone.
    out = plan({"rollout.yaml": BLUE_GREEN}, "ghcr.io/acme/web:1.1.0", ROLLING, asked=False)
    assert out["rollout.yaml"].after == BLUE_GREEN.replace("1.0.0", "1.1.0")


def test_rollout_without_canary_mapping_says_what_to_add() -> None:
    text = BLUE_GREEN.replace("    blueGreen: {activeService: web}\n", "    {}\n").replace(
        "  strategy:\n    {}\n", "  strategy: {}\n"
    )
    with pytest.raises(ManifestError) as caught:
        plan({"rollout.yaml": text}, "ghcr.io/acme/web:1.1.0", CANARY)
    assert "has no spec.strategy.canary mapping" in caught.value.message


def test_anchored_canary_is_refused() -> None:
    text = (
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web}\nspec:\n"
        "  strategy:\n    canary: &c\n      maxSurge: 1\n  x: *c\n  template:\n    spec:\n"
        "      containers: [{name: web, image: 'ghcr.io/acme/web:1.0.0'}]\n"
    )
    with pytest.raises(ManifestError) as caught:
        plan({"rollout.yaml": text}, "ghcr.io/acme/web:1.1.0", CANARY)
    assert "anchor/alias" in caught.value.message


def test_manifest_without_rollout_and_no_strategy_asked_is_fine() -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n"
        "    spec:\n      containers: [{name: web, image: 'ghcr.io/acme/web:1.0.0'}]\n"
    )
    out = plan({"rollout.yaml": text}, "ghcr.io/acme/web:1.1.0", ROLLING, asked=False)
    assert out["rollout.yaml"].after == text.replace("1.0.0", "1.1.0")
    with pytest.raises(ManifestError) as caught:
        plan({"rollout.yaml": text}, "ghcr.io/acme/web:1.1.0", CANARY)
    assert "has no Argo Rollout among its files (rollout.yaml)" in caught.value.message
