"""Preview environments end to end: the app repo's preview-env workflow (the starter, calling
our reusable workflow) runs under act for a pull request labelled `preview` being opened, pushed
to, then closed, against the emulator, a real registry and a real buildah build."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from gitops_release.flows.preview_report import marker
from gitops_release.testing import FakeGitHub
from tests.e2e.harness import Act, Registry, git
from tests.e2e.test_branch_deploy_flow import jobs
from tests.e2e.world import APP, APP_TOKEN, FEATURE_BRANCH, STAGING_BRANCH, World, write

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

    # A push to the pull request updates the preview and its Deployment.
    git("switch", "-q", FEATURE_BRANCH, cwd=world.app)
    write(world.app, {"hello.txt": "hello again from feature-x\n"})
    git("commit", "-q", "-am", "web: feature x, take 2", cwd=world.app)
    git("push", "-q", world.github.clone_url(APP, APP_TOKEN), FEATURE_BRANCH, cwd=world.app)
    pushed = git("rev-parse", "HEAD", cwd=world.app)
    git("switch", "-q", "master", cwd=world.app)
    started = time.monotonic()
    synchronized = world.pull_request(number, "synchronize")
    push_seconds = time.monotonic() - started
    assert synchronized.returncode == 0, synchronized.text()[-12000:]
    assert jobs(synchronized) == dict.fromkeys(UP_JOBS, "success"), synchronized.job_ids()
    assert synchronized.outputs("up").get("action") == "updated", synchronized.text()[-12000:]
    kustomization = YAML(typ="safe").load(world.show(STAGING_BRANCH, f"{path}/kustomization.yaml"))
    assert kustomization["images"][0]["newTag"].startswith(f"{FEATURE_BRANCH}-{pushed[:7]}-")
    sticky = [c for c in world.app_comments(number) if c.startswith(marker("web"))]
    assert len(sticky) == 1, world.app_comments(number)
    assert kustomization["images"][0]["newTag"] in sticky[0]
    first, second = world.github.deployments(APP)
    assert (first.states[-1], second.states[-1], second.sha) == ("inactive", "success", pushed)

    world.app_api("PATCH", f"/pulls/{number}", json={"state": "closed"})
    started = time.monotonic()
    closed = world.pull_request(number, "closed")
    down_seconds = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\n[e2e] labelled PR opened → preview up: {up_seconds:.1f} s; "
            f"push → preview updated: {push_seconds:.1f} s; "
            f"closed → preview removed: {down_seconds:.1f} s wall time"
        )
    assert closed.returncode == 0, closed.text()[-12000:]
    assert jobs(closed) == dict.fromkeys(DOWN_JOBS, "success"), closed.job_ids()
    with pytest.raises(Exception, match="does not exist|exists on disk"):
        world.show(STAGING_BRANCH, f"{path}/kustomization.yaml")
    sticky = [c for c in world.app_comments(number) if c.startswith(marker("web"))]
    assert len(sticky) == 1, world.app_comments(number)
    assert "Preview environment removed" in sticky[0]
    assert [d.states[-1] for d in world.github.deployments(APP)] == ["inactive", "inactive"]
