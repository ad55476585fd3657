"""A release manager on call rolls back from the Actions tab: the starter workflow
manifest-rollback.yml, dispatched under act in the manifest repo, runs the reusable workflow and
actions/rollback against the GitHub emulator and opens the rollback pull request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gitops_release.testing import FakeGitHub
from tests.conftest import RunCli
from tests.e2e import events
from tests.e2e.harness import Act, Registry
from tests.e2e.world import MANIFEST_JOB_TOKEN, MANIFESTS, PRODUCTION_BRANCH, STAGING_BRANCH, World

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
STAGING_OVERLAY = "apps/web/overlays/staging/kustomization.yaml"


@pytest.fixture
def world(fake_github: FakeGitHub, act: Act, registry: Registry, tmp_path: Path) -> World:
    return World.create(fake_github, act, registry, tmp_path)


def dispatch_event(world: World, inputs: dict[str, Any]) -> dict[str, Any]:
    api = world.github.api_url
    payload = {
        "inputs": inputs,
        "ref": f"refs/heads/{PRODUCTION_BRANCH}",
        "repository": events.rest(api, MANIFEST_JOB_TOKEN, f"/repos/{MANIFESTS}"),
        "sender": events.rest(api, MANIFEST_JOB_TOKEN, "/user"),
        "workflow": ".github/workflows/rollback.yml",
    }
    return events.conform(payload, "workflow_dispatch$event")


def test_the_rollback_starter_opens_the_rollback_pull_request(
    world: World, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", MANIFEST_JOB_TOKEN)
    image = f"{world.registry.host}/acme/web"
    for tag in ("0.2.0", "0.3.0"):
        done = run_cli(
            "bump", "--manifest-repo", MANIFESTS, "--api-url", world.github.api_url,
            "--git-url", world.github.clone_url(MANIFESTS), "--env", "staging",
            "--image", f"{image}:{tag}", "--json",
        )  # fmt: skip
        assert done.exit_code == 0, done.stderr
        world.merge(json.loads(done.stdout)["pull_request"]["number"])
    develop = world.ref(STAGING_BRANCH)

    checkout = world.manifest_checkout(PRODUCTION_BRANCH)
    inputs = {"environment": "staging", "app": "web", "to": "", "steps": "", "direct": False,
              "reason": "errors after 0.3.0; $(touch pwned)"}  # fmt: skip
    run = world.act.run(
        checkout, "workflow_dispatch", dispatch_event(world, inputs),
        secrets={"GITHUB_TOKEN": MANIFEST_JOB_TOKEN},
    ).check()  # fmt: skip

    (pull,) = world.pulls()
    assert pull["title"] == f"rollback(web): staging → {image}:0.2.0"
    assert pull["head"]["ref"] == "gitops-release/staging/web"
    assert pull["base"]["ref"] == STAGING_BRANCH
    assert "errors after 0.3.0; $(touch pwned)" in pull["body"]
    assert world.kustomize_images(pull["head"]["sha"], STAGING_OVERLAY)[0]["newTag"] == "0.2.0"
    assert any("gitops-release" in c for c in world.comments(pull["number"]))  # the preview
    outputs = run.outputs("rollback")
    assert outputs["action"] == "created"
    assert (outputs["from"], outputs["to"]) == (f"{image}:0.3.0", f"{image}:0.2.0")
    assert outputs["pr-url"] == pull["html_url"]
    assert json.loads(outputs["result"])["pull_request"]["number"] == pull["number"]
    assert world.ref(STAGING_BRANCH) == develop  # a pull request, nothing pushed to develop
    assert not (checkout / "pwned").exists()
    assert any(
        s.startswith("**gitops-release rollback** of web on staging") for s in run.summaries()
    )
    assert MANIFEST_JOB_TOKEN not in run.text()  # masked (act logs the add-mask command raw)
