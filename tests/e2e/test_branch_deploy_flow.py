"""Branch deploys end to end: the app repo's branch-deploy workflow (the starter, calling our
reusable workflow) runs under act for `/deploy` and `/undeploy` comments on an app pull
request, against the emulator, a real registry and a real buildah build."""

from __future__ import annotations

import io
import tarfile
import time
from pathlib import Path

import pytest
import requests

from gitops_release.flows.branch_report import MARKER
from gitops_release.testing import FakeGitHub
from tests.e2e.harness import Act, ActResult, Registry, git
from tests.e2e.world import APP, FEATURE_BRANCH, STAGING_BRANCH, World

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

STAGING_OVERLAY = "apps/web/overlays/staging/kustomization.yaml"
LOCK = ".gitops-release/locks/staging/web.yaml"
DEPLOY_JOBS = {"parse", "build", "deploy", "deploy-feedback"}
UNDEPLOY_JOBS = {"parse", "undeploy", "undeploy-feedback"}


@pytest.fixture
def world(fake_github: FakeGitHub, act: Act, registry: Registry, tmp_path: Path) -> World:
    return World.create(fake_github, act, registry, tmp_path, branch_deploys=True)


def jobs(run: ActResult) -> dict[str, str]:
    """Result by job id of the called workflow (act names its jobs `caller/job`); jobs whose
    `if:` is false are not reported."""
    return {job.rpartition("/")[2]: result for job, result in run.job_ids().items()}


def image_file(registry: Registry, repository: str, digest: str, name: str) -> str:
    """A file's text in the image's (single, FROM scratch) layer."""
    manifest = registry.manifest(repository, digest)
    manifest.raise_for_status()
    layer = manifest.json()["layers"][-1]["digest"]
    blob = requests.get(f"http://{registry.host}/v2/{repository}/blobs/{layer}", timeout=10)
    blob.raise_for_status()
    with tarfile.open(fileobj=io.BytesIO(blob.content)) as tar:
        member = tar.extractfile(name)
        assert member is not None, name
        return member.read().decode()


def test_deploy_then_undeploy_lends_staging_and_gives_it_back(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    number = world.open_app_pull()
    feature = git("rev-parse", FEATURE_BRANCH, cwd=world.app)
    repository = f"{world.registry.host}/acme/web"
    before = world.kustomize_images(STAGING_BRANCH, STAGING_OVERLAY)
    assert before == [{"name": repository, "newTag": "0.1.0"}]

    started = time.monotonic()
    comment_id, deployed = world.comment(number, "/deploy")
    deploy_seconds = time.monotonic() - started

    assert deployed.returncode == 0, deployed.text()[-12000:]
    assert jobs(deployed) == dict.fromkeys(DEPLOY_JOBS, "success"), deployed.job_ids()
    assert world.github.reactions(APP, comment_id) == (("app-ci", "eyes"),)
    # The image of the commented commit, tagged with the branch name, is in the registry.
    tags = world.registry.tags("acme/web")
    branch_tags = [t for t in tags if t.startswith(f"{FEATURE_BRANCH}-{feature[:7]}-")]
    assert len(branch_tags) == 1, tags
    tag = branch_tags[0]
    manifest = world.registry.manifest("acme/web", tag)
    assert manifest.status_code == 200, manifest.text
    digest = manifest.headers["Docker-Content-Digest"]
    assert world.registry.labels("acme/web", digest)["org.opencontainers.image.revision"] == (
        feature
    )
    assert image_file(world.registry, "acme/web", digest, "hello.txt") == "hello from feature-x\n"
    # Staging's branch runs it, locked to the pull request.
    images = world.kustomize_images(STAGING_BRANCH, STAGING_OVERLAY)
    assert images == [{"name": repository, "newTag": tag, "digest": digest}]
    lock = world.show(STAGING_BRANCH, LOCK)
    assert f"{APP}#{number}" in lock
    assert tag in lock
    # The pull request says so: one sticky comment and a successful deployment.
    sticky = [c for c in world.app_comments(number) if MARKER in c]
    assert len(sticky) == 1, sticky
    assert "Deployed" in sticky[0]
    assert tag in sticky[0]
    deployments = world.github.deployments(APP)
    assert len(deployments) == 1, deployments
    assert deployments[0].environment == "staging"
    assert deployments[0].sha == feature
    assert deployments[0].states[-1] == "success"

    # Another pull request's /deploy is refused while staging is lent: the deploy step fails
    # (`locked`), the job goes on (continue-on-error) and the pull request is told why.
    other = world.open_app_pull("feature-y")
    started = time.monotonic()
    _, refused = world.comment(other, "/deploy")
    refused_seconds = time.monotonic() - started
    assert refused.returncode == 0, refused.text()[-12000:]
    assert jobs(refused) == dict.fromkeys(DEPLOY_JOBS, "success"), refused.job_ids()
    assert world.kustomize_images(STAGING_BRANCH, STAGING_OVERLAY) == images
    assert f"{APP}#{number}" in world.show(STAGING_BRANCH, LOCK)
    told = [c for c in world.app_comments(other) if MARKER in c]
    assert len(told) == 1, told
    assert "Refused" in told[0] or "refused" in told[0], told[0]
    assert f"lent to {APP}#{number}" in told[0], told[0]
    assert len(world.github.deployments(APP)) == 1

    started = time.monotonic()
    _, undeployed = world.comment(number, "/undeploy")
    undeploy_seconds = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\n[e2e] /deploy → staging lent: {deploy_seconds:.1f} s; "
            f"/deploy while lent → refused: {refused_seconds:.1f} s; "
            f"/undeploy → given back: {undeploy_seconds:.1f} s wall time"
        )

    assert undeployed.returncode == 0, undeployed.text()[-12000:]
    assert jobs(undeployed) == dict.fromkeys(UNDEPLOY_JOBS, "success"), undeployed.job_ids()
    assert world.kustomize_images(STAGING_BRANCH, STAGING_OVERLAY) == before
    with pytest.raises(Exception, match="does not exist|exists on disk"):
        world.show(STAGING_BRANCH, LOCK)
    sticky = [c for c in world.app_comments(number) if MARKER in c]
    assert len(sticky) == 1, sticky
    assert "Undeployed" in sticky[0]
    deployments = world.github.deployments(APP)
    assert deployments[-1].states[-1] == "inactive", deployments
