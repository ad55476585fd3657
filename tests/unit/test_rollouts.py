"""Canary strategies as reviewers read them, from rendered Rollouts."""

from __future__ import annotations

from gitops_release.rollouts import (
    describe_steps,
    human_wait_note,
    rollouts_in,
    strategy_lines,
    strategy_markdown,
)

CANARY = [{"setWeight": 25}, {"pause": {}}, {"setWeight": 75}, {"pause": {"duration": "30s"}}]

ROLLOUT = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web, namespace: shop}
spec:
  strategy:
    canary:
      steps: STEPS
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: admin}
spec:
  strategy:
    blueGreen: {activeService: admin}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
"""


def test_describe_steps() -> None:
    assert describe_steps(CANARY) == "canary: 25% · pause · 75% · pause 30s"
    assert describe_steps([]) == "rolling"
    assert describe_steps(None) == "rolling"
    assert (
        describe_steps([{"setCanaryScale": {"weight": 10}}, {"analysis": {}}], analysis={"a": 1})
        == "canary: scale 10% · analysis + analysis"
    )


def test_rendered_rollouts_and_the_preview_lines() -> None:
    base = rollouts_in(ROLLOUT.replace("STEPS", "[]"))
    head = rollouts_in(
        ROLLOUT.replace("STEPS", "[{setWeight: 25}, {pause: {}}, {setWeight: 75}, "
                        "{pause: {duration: 30s}}]")
    )  # fmt: skip
    assert sorted(head) == ["Rollout/admin", "shop/Rollout/web"]
    assert head["shop/Rollout/web"].waits_for_a_human
    assert not base["shop/Rollout/web"].waits_for_a_human
    lines = strategy_lines(base, head, root="web-staging")
    assert lines == [
        "- `Rollout/admin` (web-staging): blueGreen (unchanged)",
        "- `shop/Rollout/web` (web-staging): rolling → **canary: 25% · pause · 75% · pause 30s**",
    ]
    assert strategy_markdown(lines).startswith("**Release strategy**")
    assert strategy_markdown([]) == ""
    assert "kubectl argo rollouts promote web" in human_wait_note("r", head["shop/Rollout/web"])


def test_analysis_or_a_timed_pause_does_not_wait_for_a_human() -> None:
    timed = rollouts_in(ROLLOUT.replace("STEPS", "[{setWeight: 50}, {pause: {duration: 1m}}]"))
    assert not timed["shop/Rollout/web"].waits_for_a_human
    analysed = rollouts_in(
        ROLLOUT.replace(
            "      steps: STEPS\n",
            "      steps: [{pause: {}}]\n      analysis: {templates: [{templateName: e}]}\n",
        )
    )
    assert not analysed["shop/Rollout/web"].waits_for_a_human
    assert rollouts_in("not: [valid") == {}
    assert rollouts_in(None) == {}
