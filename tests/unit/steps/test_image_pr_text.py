"""An image pull request names its release strategy in the title, body and trailer, and a
pull request described again from its commit says the same."""

from __future__ import annotations

from gitops_release import trailers
from gitops_release.edit.model import Edit, StrategyEdit
from gitops_release.steps.image_pr_text import (
    Source,
    commit_message,
    describe_commit,
    pr_body,
    pr_title,
)

IMAGE = "ghcr.io/acme/web:1.1.0"
EDITS = (Edit("k.yaml", 4, "1.0.0", "1.1.0", "kustomize:k", "images[0].newTag"),)
STRATEGY_EDITS = (
    StrategyEdit(
        "apps/web/overlays/staging/rollout-patch.yaml", 8, "Rollout/web", "rolling",
        "canary: 25% · pause · 75% · pause 30s", "canary", "kustomize:k",
    ),
)  # fmt: skip


def test_title_body_and_trailer_name_the_strategy() -> None:
    assert pr_title("web", "staging", IMAGE, strategy="canary") == (
        f"deploy(web): staging → {IMAGE} (canary)"
    )
    assert pr_title("web", "staging", IMAGE) == f"deploy(web): staging → {IMAGE}"
    body = pr_body(
        "web", "staging", IMAGE, None, EDITS, Source(), "develop",
        strategy="canary", strategy_edits=STRATEGY_EDITS,
    )  # fmt: skip
    assert "**Release strategy: `canary`**" in body
    assert (
        "- `Rollout/web`: rolling → **canary: 25% · pause · 75% · pause 30s** "
        "(`apps/web/overlays/staging/rollout-patch.yaml:8`)"
    ) in body
    plain = pr_body("web", "staging", IMAGE, None, EDITS, Source(), "develop")
    assert "Release strategy" not in plain
    message = commit_message(
        "web", "staging", IMAGE, None, EDITS, Source(),
        strategy="canary", strategy_edits=STRATEGY_EDITS,
    )  # fmt: skip
    assert trailers.parse_trailers(message)[trailers.STRATEGY] == ["canary"]
    described = describe_commit(message, "develop", "https://github.com")
    assert described == (
        pr_title("web", "staging", IMAGE, strategy="canary"),
        pr_body(
            "web", "staging", IMAGE, None, EDITS, Source(), "develop",
            strategy="canary", strategy_edits=STRATEGY_EDITS,
        ),
    )  # fmt: skip


def test_a_strategy_the_rollouts_already_run() -> None:
    body = pr_body("web", "staging", IMAGE, None, EDITS, Source(), "develop", strategy="rolling")
    assert "**Release strategy: `rolling`** — the Rollouts already run it." in body
