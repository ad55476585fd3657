"""Kustomize roots rendered together in one build give exactly what each gives alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_release.diff.resources import normalize, parse_manifests
from gitops_release.render.discover import RepoIndex
from gitops_release.render.kustomize import plan_batches, render_batch
from gitops_release.render.run import render_one, render_roots
from gitops_release.render.tree import tree_from_directory

from .repos import deployment, write

pytestmark = pytest.mark.integration


def overlay_files(app: str, env: str, namespace: str | None) -> dict[str, str | None]:
    ns = f"namespace: {namespace}\n" if namespace else ""
    return {
        f"apps/{app}/overlays/{env}/kustomization.yaml": ns
        + f"namePrefix: {env}-\n"
        + "resources: [../../base]\n"
        + "components: [../../../../components/probes]\n"
        + "patches:\n  - path: replicas.yaml\n"
        + f"configMapGenerator:\n  - name: settings\n    literals: [ENV={env}, APP={app}]\n"
        + f'images:\n  - name: ghcr.io/acme/{app}\n    newTag: "{env}-1"\n',
        f"apps/{app}/overlays/{env}/replicas.yaml": f"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {{name: {app}}}
            spec: {{replicas: 2}}
        """,
    }


def make_repo(root: Path) -> None:
    files: dict[str, str | None] = {
        "components/probes/kustomization.yaml": """
            apiVersion: kustomize.config.k8s.io/v1alpha1
            kind: Component
            commonLabels: {probed: "yes"}
        """,
    }
    for app in ("web", "api", "worker"):
        files[f"apps/{app}/base/kustomization.yaml"] = "resources: [deployment.yaml]\n"
        files[f"apps/{app}/base/deployment.yaml"] = deployment(app, f"ghcr.io/acme/{app}:1")
        files[f"apps/{app}/base/deployment.yaml"] += (
            "          envFrom:\n            - configMapRef: {name: settings}\n"
        )
    files |= overlay_files("web", "staging", "web-staging")
    files |= overlay_files("web", "production", "web-production")
    files |= overlay_files("api", "staging", "shared")
    files |= overlay_files("worker", "staging", "shared")  # same namespace as api: not independent
    files |= overlay_files("api", "production", None)  # no namespace: never batched
    write(root, files)


def resources(text: str) -> dict[object, str]:
    return {r.key: normalize(r.body) for r in parse_manifests(text, source="test")}


def test_batched_renders_equal_single_renders(tmp_path: Path, scratch: Path) -> None:
    repo = tmp_path / "repo"
    make_repo(repo)
    index = RepoIndex(tree_from_directory(repo))
    roots = index.roots(index.all_keys())
    assert len(roots) == 5
    alone = {r.key: render_one(r, repo, timeout=60, scratch=scratch) for r in roots}
    assert all(r.ok for r in alone.values()), [r.error for r in alone.values()]

    by_key = {r.key: r for r in roots}
    web = [by_key[f"kustomize:apps/web/overlays/{env}"] for env in ("staging", "production")]
    api, worker = (by_key[f"kustomize:apps/{a}/overlays/staging"] for a in ("api", "worker"))
    assert [len(b) for b in plan_batches([*web, api, worker], 8)] == [3, 1]

    outcome = render_batch([*web, api], repo, timeout=60, scratch=scratch)
    assert outcome.retry == ()
    assert set(outcome.texts) == {r.key for r in (*web, api)}
    for key, text in outcome.texts.items():
        assert resources(text) == resources(alone[key].text or "")
        assert "gitops-release.io" not in text
        assert "staging-settings-" in text or "production-settings-" in text

    # Two roots in one namespace collide (same generated ConfigMap): both are rendered alone.
    clash = render_batch([api, worker], repo, timeout=60, scratch=scratch)
    assert (clash.texts, set(clash.retry)) == ({}, {api, worker})

    together = render_roots(repo, roots, timeout=60, scratch=scratch, workers=1)
    assert {k: resources(v.text or "") for k, v in together.items()} == {
        k: resources(v.text or "") for k, v in alone.items()
    }
