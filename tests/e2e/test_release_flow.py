"""The GitHub Actions surface end to end: our reusable workflows and composite actions run under
act, called from separate app and manifest repos exactly as users call them, against the GitHub
emulator, a real registry and real image builds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gitops_release.testing import FakeGitHub
from tests.e2e.harness import Act, Registry
from tests.e2e.world import APP, PRODUCTION_BRANCH, STAGING_BRANCH, World

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PREVIEW_MARKER = "<!-- gitops-release:preview -->"

STAGING_OVERLAY = "apps/web/overlays/staging/kustomization.yaml"
PRODUCTION_OVERLAY = "apps/web/overlays/production/kustomization.yaml"


@pytest.fixture
def world(fake_github: FakeGitHub, act: Act, registry: Registry, tmp_path: Path) -> World:
    return World.create(fake_github, act, registry, tmp_path)


def test_app_release_builds_pushes_and_opens_the_staging_pr(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    run = world.release_app().check()
    pulls = world.pulls()
    elapsed = time.monotonic() - started
    with capsys.disabled():
        print(f"\n[e2e] app push → staging PR open: {elapsed:.1f} s wall time")

    build = run.outputs("build")
    image, digest = build["image"], build["digest"]
    repository = f"{world.registry.host}/acme/web"
    assert image == f"{repository}:{build['tag']}@{digest}"
    for tag in build["tags"].splitlines():
        answer = world.registry.manifest("acme/web", tag)
        assert answer.status_code == 200, (tag, answer.text)
        assert answer.headers["Docker-Content-Digest"] == digest
    assert world.registry.manifest("acme/web", digest).status_code == 200
    # Exactly these tags name this image (the registry is shared by the session's tests).
    ours = {
        tag
        for tag in world.registry.tags("acme/web")
        if world.registry.manifest("acme/web", tag).headers["Docker-Content-Digest"] == digest
    }
    assert ours == set(build["tags"].splitlines())
    labels = world.registry.labels("acme/web", digest)
    assert labels["org.opencontainers.image.revision"] == world.app_sha()
    assert labels["org.opencontainers.image.source"] == f"{world.github.git_url}/{APP}"
    assert labels["org.opencontainers.image.version"] == build["tag"]
    assert labels["org.opencontainers.image.created"].endswith("Z")

    assert len(pulls) == 1
    pull = pulls[0]
    assert pull["base"]["ref"] == STAGING_BRANCH
    assert run.outputs("update")["pr-url"] == pull["html_url"]
    images = world.kustomize_images(pull["head"]["sha"], STAGING_OVERLAY)
    assert images == [{"name": repository, "newTag": build["tag"], "digest": digest}]
    assert world.kustomize_images(STAGING_BRANCH, STAGING_OVERLAY)[0]["newTag"] == "0.1.0"


def test_rerunning_the_release_changes_nothing(world: World) -> None:
    first = world.release_app().check()
    pull = world.pulls()[0]
    head = world.ref(pull["head"]["ref"])
    develop = world.ref(STAGING_BRANCH)

    again = world.release_app().check()

    assert again.outputs("build")["image"] == first.outputs("build")["image"]  # same digest
    assert again.outputs("update")["action"] == "unchanged"
    assert again.outputs("update")["changed"] == "false"
    assert [p["number"] for p in world.pulls(state="all")] == [pull["number"]]
    assert world.ref(pull["head"]["ref"]) == head
    assert world.ref(STAGING_BRANCH) == develop


def test_a_staging_merge_opens_the_production_pr(world: World) -> None:
    build = world.release_app().check().outputs("build")
    staging = world.pulls()[0]
    before = world.ref(STAGING_BRANCH)
    assert before is not None
    merged = world.merge(staging["number"])

    run = world.promote(before, merged).check()

    production = [p for p in world.pulls() if p["base"]["ref"] == PRODUCTION_BRANCH]
    assert len(production) == 1
    pull = production[0]
    assert run.outputs("promote")["pr-url"] == pull["html_url"]
    assert run.outputs("promote")["action"] == "created"
    images = world.kustomize_images(pull["head"]["sha"], PRODUCTION_OVERLAY)
    assert images == [
        {
            "name": f"{world.registry.host}/acme/web",
            "newTag": build["tag"],
            "digest": build["digest"],
        }
    ]
    assert world.kustomize_images(PRODUCTION_BRANCH, PRODUCTION_OVERLAY)[0]["newTag"] == "0.1.0"


def test_the_production_pr_gets_the_rendered_diff_and_a_passing_status(world: World) -> None:
    build = world.release_app().check().outputs("build")
    before = world.ref(STAGING_BRANCH)
    assert before is not None
    merged = world.merge(world.pulls()[0]["number"])
    world.promote(before, merged).check()
    pull = next(p for p in world.pulls() if p["base"]["ref"] == PRODUCTION_BRANCH)

    world.preview(pull["number"]).check()

    comments = [c for c in world.comments(pull["number"]) if PREVIEW_MARKER in c]
    assert len(comments) == 1, comments  # one sticky comment, edited in place
    comment = comments[0]
    assert "apps/web/overlays/production" in comment
    assert f"{world.registry.host}/acme/web:0.1.0" in comment
    assert build["digest"] in comment
    assert "gate" in comment.lower()
    statuses = world.statuses(pull["head"]["sha"])
    latest = next(s for s in statuses if s["context"] == "gitops-release/preview")
    assert latest["state"] == "success", statuses


REMOVED_API_PDB = """\
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: web}
"""


def test_a_removed_api_and_a_foreign_registry_fail_the_gates(world: World) -> None:
    files = {
        "apps/web/base/pdb.yaml": REMOVED_API_PDB,
        "apps/web/base/kustomization.yaml": (
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            "resources:\n  - deployment.yaml\n  - pdb.yaml\n"
        ),
        "apps/web/overlays/staging/kustomization.yaml": (
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            "namespace: web-staging\nresources:\n  - ../../base\nimages:\n"
            f"  - name: {world.registry.host}/acme/web\n"
            "    newName: docker.io/someone/web\n    newTag: latest-build\n"
        ),
    }
    number = world.open_pull(
        "feature/pdb", files, base=STAGING_BRANCH, title="web: PDB and a new image"
    )

    run = world.preview(number)

    assert run.returncode != 0, "the gates should fail the job"
    assert set(run.job_results().values()) == {"failure"}
    comment = next(c for c in world.comments(number) if PREVIEW_MARKER in c)
    assert "policy/v1beta1" in comment
    assert "PodDisruptionBudget" in comment
    assert "imageRegistryAllowlist" in comment or "allowed registry" in comment
    assert "docker.io/someone/web" in comment
    head = world.api("GET", f"/repos/acme/manifests/pulls/{number}")["head"]["sha"]
    latest = next(s for s in world.statuses(head) if s["context"] == "gitops-release/preview")
    assert latest["state"] == "failure"


def test_a_release_trailer_opens_a_canary_staging_pr(
    fake_github: FakeGitHub, act: Act, registry: Registry, tmp_path: Path
) -> None:
    world = World.create(fake_github, act, registry, tmp_path, strategies=True)
    run = world.release_app(message="web: risky change\n\nRelease-Strategy: canary\n").check()
    assert run.outputs("update")["strategy"] == "canary"
    (pull,) = world.pulls()
    assert pull["title"].endswith("(canary)")
    assert "**Release strategy: `canary`**" in pull["body"]
    patch = world.show(pull["head"]["sha"], "apps/web/overlays/staging/rollout-patch.yaml")
    assert "      steps:\n      - setWeight: 25\n      - pause: {}\n" in patch
    assert world.show(pull["head"]["sha"], "apps/web/base/rollout.yaml") == world.show(
        STAGING_BRANCH, "apps/web/base/rollout.yaml"
    )
