"""Preview environments through the emulator: up renders the template in the PR's namespace
with its image and host; up again updates; `max` refuses naming the oldest; a template the
gates fail is refused with nothing committed; down removes; expire removes what is due."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from gitops_release import proc, trailers
from gitops_release.errors import ConfigError
from gitops_release.flows.preview_env import (
    PreviewTarget,
    UpRequest,
    UpResult,
    down,
    expire,
    list_previews,
    up,
)
from gitops_release.flows.promote import PromoteRequest, promote
from gitops_release.image import parse
from gitops_release.previews.meta import META_FILE, parse_meta
from tests.integration.conftest import ManifestRepo, git
from tests.integration.preview_env.conftest import NOW, WEB, commit_files

pytestmark = pytest.mark.integration

KUBECTL = Path(sys.executable).parent / "kubectl"
PATH = "previews/web/pr-7"


def target(repo: ManifestRepo, pr: int, source: str = "acme/web") -> PreviewTarget:
    return PreviewTarget(repo.name, repo.git_url, source, pr, token=repo.token)


def run_up(repo: ManifestRepo, pr: int, tag: str, *, now=NOW, source="acme/web") -> UpResult:  # type: ignore[no-untyped-def]
    request = UpRequest(target(repo, pr, source), parse(f"{WEB}:{tag}"), "octocat", now)
    return up(request, repo.connect())


def rendered(repo: ManifestRepo, tmp_path: Path, path: str) -> list[dict]:  # type: ignore[type-arg]
    """What Argo CD would apply: `kubectl kustomize` of the preview directory on develop."""
    checkout = tmp_path / "render"
    if checkout.exists():
        git("fetch", "-q", "origin", cwd=checkout)
        git("checkout", "-q", "origin/develop", cwd=checkout)
    else:
        git("clone", "-q", "-b", "develop", repo.git_url, checkout, cwd=tmp_path)
    out = proc.run([str(KUBECTL), "kustomize", str(checkout / path)], timeout=120).out
    return [d for d in yaml.safe_load_all(out) if d]


def test_up_renders_the_template_in_the_previews_namespace(
    repo: ManifestRepo, tmp_path: Path
) -> None:
    before = repo.ref("refs/heads/develop")
    result = run_up(repo, 7, "pr-7-abc1234")
    assert result.action == "created"
    assert (result.path, result.namespace) == (PATH, "web-pr-7")
    assert result.url == "https://web-pr-7.preview.example.com"
    assert result.expires_at == NOW + timedelta(hours=72)
    # One commit on develop, directly on top of what was there, with trailers.
    head = repo.ref("refs/heads/develop")
    assert head == result.commit
    assert git("--git-dir", repo.bare, "rev-parse", f"{head}^", cwd=repo.bare).strip() == before
    message = git("--git-dir", repo.bare, "log", "-1", "--format=%B", head, cwd=repo.bare)
    found = trailers.parse_trailers(message)
    assert found[trailers.PREVIEW] == ["acme/web#7"]
    assert found[trailers.PREVIEW_IMAGE] == [f"{WEB}:pr-7-abc1234"]
    changed = git("--git-dir", repo.bare, "show", "--name-only", "--format=", head, cwd=repo.bare)
    assert sorted(changed.split()) == [f"{PATH}/{META_FILE}", f"{PATH}/kustomization.yaml"]
    # Real kustomize renders the template's resources in the namespace, image and host.
    docs = rendered(repo, tmp_path, PATH)
    kinds = sorted((d["kind"], d["metadata"]["name"]) for d in docs)
    assert kinds == [("Deployment", "web"), ("Ingress", "web"), ("Service", "web")]
    assert {d["metadata"]["namespace"] for d in docs} == {"web-pr-7"}
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert containers[0]["image"] == f"{WEB}:pr-7-abc1234"
    # Labels name the preview; selectors are left alone.
    assert deployment["metadata"]["labels"]["gitops-release.dev/preview-pr"] == "7"
    assert "gitops-release.dev/preview-pr" not in deployment["spec"]["selector"]["matchLabels"]
    ingress = next(d for d in docs if d["kind"] == "Ingress")
    assert [r["host"] for r in ingress["spec"]["rules"]] == ["web-pr-7.preview.example.com"]
    assert ingress["spec"]["tls"][0]["hosts"] == ["web-pr-7.preview.example.com"]
    # The record reads back.
    record = parse_meta(PATH, repo.show("develop", f"{PATH}/{META_FILE}"))
    assert (record.source, record.pr, record.image, record.actor) == (
        "acme/web",
        7,
        f"{WEB}:pr-7-abc1234",
        "octocat",
    )


def test_up_again_updates_then_is_unchanged(repo: ManifestRepo, tmp_path: Path) -> None:
    run_up(repo, 7, "pr-7-abc1234")
    later = NOW + timedelta(hours=1)
    second = run_up(repo, 7, "pr-7-def5678", now=later)
    assert second.action == "updated"
    assert second.expires_at == later + timedelta(hours=72)
    record = parse_meta(PATH, repo.show("develop", f"{PATH}/{META_FILE}"))
    assert (record.created_at, record.updated_at) == (NOW, later)
    deployment = next(d for d in rendered(repo, tmp_path, PATH) if d["kind"] == "Deployment")
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"].endswith("def5678")
    head = repo.ref("refs/heads/develop")
    third = run_up(repo, 7, "pr-7-def5678", now=later + timedelta(hours=1))
    assert (third.action, third.commit) == ("unchanged", None)
    assert third.expires_at == second.expires_at
    assert repo.ref("refs/heads/develop") == head


def test_max_refuses_naming_the_oldest(repo: ManifestRepo) -> None:
    assert run_up(repo, 3, "pr-3-a").action == "created"
    assert run_up(repo, 4, "pr-4-b", now=NOW + timedelta(minutes=5)).action == "created"
    head = repo.ref("refs/heads/develop")
    refused = run_up(repo, 9, "pr-9-c")
    assert refused.action == "refused"
    assert "2 open previews" in refused.reason
    assert refused.reason.index("acme/web#3") < refused.reason.index("acme/web#4")
    assert [p.pr for p in refused.oldest] == [3, 4]
    assert repo.ref("refs/heads/develop") == head
    # An existing preview is still updated at the limit.
    assert run_up(repo, 4, "pr-4-d").action == "updated"
    listed = list_previews(repo.name, repo.git_url, repo.connect(), token=repo.token)
    assert [(p.app, p.pr, p.image) for p in listed] == [
        ("web", 3, f"{WEB}:pr-3-a"),
        ("web", 4, f"{WEB}:pr-4-d"),
    ]


def test_a_template_failing_a_gate_is_refused_and_nothing_committed(
    repo: ManifestRepo, work: Path
) -> None:
    # The registry allowlist (polaris.yaml) refuses an image from docker.io.
    sidecar = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: cache}
spec:
  replicas: 1
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers:
        - name: redis
          image: docker.io/library/redis:7
          resources: {requests: {cpu: 10m, memory: 16Mi}, limits: {cpu: 10m, memory: 16Mi}}
"""
    template = repo.show("develop", "apps/web/overlays/preview/kustomization.yaml")
    commit_files(
        repo,
        work,
        "develop",
        {
            "apps/web/overlays/preview/cache.yaml": sidecar,
            "apps/web/overlays/preview/kustomization.yaml": template.replace(
                "  - ingress.yaml\n", "  - ingress.yaml\n  - cache.yaml\n"
            ),
        },
    )
    head, branches = repo.ref("refs/heads/develop"), repo.branches()
    result = run_up(repo, 7, "pr-7-abc1234")
    assert result.action == "refused"
    assert "gates failed" in result.reason
    assert "imageRegistryAllowlist" in result.reason
    assert result.commit is None
    assert (repo.ref("refs/heads/develop"), repo.branches()) == (head, branches)


def test_a_template_that_does_not_render_is_refused(repo: ManifestRepo, work: Path) -> None:
    commit_files(
        repo,
        work,
        "develop",
        {"apps/web/overlays/preview/kustomization.yaml": "resources: [missing.yaml]\n"},
    )
    head = repo.ref("refs/heads/develop")
    result = run_up(repo, 7, "pr-7-abc1234")
    assert result.action == "refused"
    assert "apps/web/overlays/preview" in result.reason
    assert "missing.yaml" in result.reason
    assert repo.ref("refs/heads/develop") == head


def test_down_removes_and_is_idempotent(repo: ManifestRepo) -> None:
    run_up(repo, 7, "pr-7-abc1234")
    removed = down(target(repo, 7), repo.connect())
    assert (removed.action, removed.path) == ("removed", PATH)
    assert removed.image == f"{WEB}:pr-7-abc1234"
    listing = git("--git-dir", repo.bare, "ls-tree", "-r", "--name-only", "develop", cwd=repo.bare)
    assert not [p for p in listing.split() if p.startswith("previews/")]
    message = git("--git-dir", repo.bare, "log", "-1", "--format=%B", "develop", cwd=repo.bare)
    assert trailers.parse_trailers(message)[trailers.PREVIEW] == ["acme/web#7"]
    head = repo.ref("refs/heads/develop")
    again = down(target(repo, 7), repo.connect())
    assert (again.action, again.commit) == ("absent", None)
    assert repo.ref("refs/heads/develop") == head


def test_another_repositorys_pr_of_the_same_number_is_not_touched(repo: ManifestRepo) -> None:
    run_up(repo, 7, "pr-7-abc1234")
    other = run_up(repo, 7, "pr-7-fff", source="acme/other")
    assert other.action == "refused"
    assert "acme/web#7" in other.reason
    assert down(target(repo, 7, "acme/other"), repo.connect()).action == "absent"
    assert repo.show("develop", f"{PATH}/kustomization.yaml")


def test_expire_removes_what_is_due(repo: ManifestRepo) -> None:
    run_up(repo, 3, "pr-3-a")
    run_up(repo, 4, "pr-4-b", now=NOW + timedelta(hours=10))
    done = expire(
        repo.name, repo.git_url, repo.connect(), now=NOW + timedelta(hours=73), token=repo.token
    )
    assert [(e.preview.pr, e.preview.source) for e in done] == [(3, "acme/web")]
    listed = list_previews(repo.name, repo.git_url, repo.connect(), token=repo.token)
    assert [p.pr for p in listed] == [4]


def test_no_preview_environments_section_is_a_clear_error(manifest_repo: ManifestRepo) -> None:
    with pytest.raises(ConfigError, match="no preview_environments: section") as caught:
        run_up(manifest_repo, 7, "pr-7-abc1234")
    assert "docs/preview-environments.md" in (caught.value.hint or "")
    assert (
        list_previews(
            manifest_repo.name,
            manifest_repo.git_url,
            manifest_repo.connect(),
            token=manifest_repo.token,
        )
        == ()
    )


def test_previews_are_never_promoted(repo: ManifestRepo) -> None:
    created = run_up(repo, 7, "pr-7-abc1234")
    assert created.commit is not None
    result = promote(
        PromoteRequest(repo.name, repo.git_url, created.commit, token=repo.token, preview=False),
        repo.connect(),
    )
    (only,) = result.promotions
    assert only.action == "skipped"
    assert "a preview environment (acme/web#7) is not promoted" in only.reason
    assert repo.branches() == ["develop", "master"]
