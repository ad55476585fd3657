"""Preview environments end to end: the app repo's preview-env workflow (the starter, calling
our reusable workflow) runs under act for a pull request labelled `preview` being opened, then
closed, against the emulator, a real registry and a real buildah build."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from gitops_release.flows.preview_report import marker
from gitops_release.testing import FakeGitHub
from tests.e2e.harness import Act, Registry, git
from tests.e2e.test_branch_deploy_flow import jobs
from tests.e2e.world import APP, FEATURE_BRANCH, STAGING_BRANCH, World

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

UP_JOBS = {"parse", "build", "up", "up-feedback"}
DOWN_JOBS = {"parse", "down", "down-feedback"}


@pytest.fixture
def world(fake_github: FakeGitHub, act: Act, registry: Registry, tmp_path: Path) -> World:
    return World.create(fake_github, act, registry, tmp_path, previews=True)


def test_labelled_pull_request_opens_a_preview_and_closing_removes_it(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    number = world.open_app_pull()
    world.app_api("POST", f"/issues/{number}/labels", json={"labels": ["preview"]})
    feature = git("rev-parse", FEATURE_BRANCH, cwd=world.app)
    path = f"previews/web/pr-{number}"
    url = f"https://web-pr-{number}.preview.example.com"

    started = time.monotonic()
    opened = world.pull_request(number, "opened")
    up_seconds = time.monotonic() - started
    assert opened.returncode == 0, opened.text()[-12000:]
    assert jobs(opened) == dict.fromkeys(UP_JOBS, "success"), opened.job_ids()
    assert opened.outputs("up").get("action") == "created", opened.text()[-12000:]

    # The manifest repo's develop has the preview's directory, on the image of the PR's head.
    kustomization = YAML(typ="safe").load(world.show(STAGING_BRANCH, f"{path}/kustomization.yaml"))
    assert kustomization["namespace"] == f"web-pr-{number}"
    ((image,),) = [kustomization["images"]]
    assert image["name"] == f"{world.registry.host}/acme/web"
    assert image["newTag"].startswith(f"{FEATURE_BRANCH}-{feature[:7]}-"), image
    assert world.registry.labels("acme/web", image["digest"])[
        "org.opencontainers.image.revision"
    ] == (feature)
    # The pull request says so: one sticky comment with the URL, a deployment with its URL.
    sticky = [c for c in world.app_comments(number) if c.startswith(marker("web"))]
    assert len(sticky) == 1, world.app_comments(number)
    assert url in sticky[0]
    assert image["newTag"] in sticky[0]
    (deployment,) = world.github.deployments(APP)
    assert (deployment.environment, deployment.sha) == (f"preview/web/pr-{number}", feature)
    assert deployment.states[-1] == "success"
    (status,) = world.app_api("GET", f"/deployments/{deployment.id}/statuses")
    assert status["environment_url"] == url

    world.app_api("PATCH", f"/pulls/{number}", json={"state": "closed"})
    started = time.monotonic()
    closed = world.pull_request(number, "closed")
    down_seconds = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\n[e2e] labelled PR opened → preview up: {up_seconds:.1f} s; "
            f"closed → preview removed: {down_seconds:.1f} s wall time"
        )
    assert closed.returncode == 0, closed.text()[-12000:]
    assert jobs(closed) == dict.fromkeys(DOWN_JOBS, "success"), closed.job_ids()
    with pytest.raises(Exception, match="does not exist|exists on disk"):
        world.show(STAGING_BRANCH, f"{path}/kustomization.yaml")
    sticky = [c for c in world.app_comments(number) if c.startswith(marker("web"))]
    assert len(sticky) == 1, world.app_comments(number)
    assert "Preview environment removed" in sticky[0]
    (deployment,) = world.github.deployments(APP)
    assert deployment.states[-1] == "inactive"
