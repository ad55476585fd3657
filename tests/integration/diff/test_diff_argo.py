"""Roots defined by Argo CD Applications: Helm charts with value files, kustomize overrides."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from gitops_release.diff.resources import normalize, parse_manifests
from gitops_release.render.checkout import render_revision
from tests.conftest import RunCli

from .repos import commit, git, init_repo, overlay

pytestmark = pytest.mark.integration

CHART = {
    "charts/api/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
    "charts/api/values.yaml": """
        image: {repository: ghcr.io/acme/api, tag: "1.0.0"}
        replicas: 1
        env: dev
    """,
    "charts/api/templates/deployment.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ .Release.Name }}
          namespace: {{ .Release.Namespace }}
          labels: {env: {{ .Values.env | quote }}}
        spec:
          replicas: {{ .Values.replicas }}
          selector: {matchLabels: {app: {{ .Release.Name }}}}
          template:
            metadata: {labels: {app: {{ .Release.Name }}}}
            spec:
              containers:
                - name: api
                  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
    """,
    "charts/api/templates/NOTES.txt": "Thanks for installing {{ .Release.Name }}\n",
    "charts/api/templates/tests/test-connection.yaml": """
        apiVersion: v1
        kind: Pod
        metadata:
          name: test
          annotations: {helm.sh/hook: test}
        spec:
          containers: [{name: t, image: busybox}]
    """,
    "envs/production/api-values.yaml": 'image: {tag: "2.0.0"}\nreplicas: 3\n',
    "argocd/api-production.yaml": """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: api-production, namespace: argocd}
        spec:
          project: default
          source:
            repoURL: https://github.com/acme/manifests.git
            path: charts/api
            helm:
              releaseName: api
              valueFiles: [../../envs/production/api-values.yaml]
              parameters:
                - {name: env, value: production}
          destination: {server: "https://kubernetes.default.svc", namespace: api-prod}
    """,
}


def test_helm_values_change_through_an_application(run_cli: RunCli, tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo", CHART)
    commit(repo, {"envs/production/api-values.yaml": 'image: {tag: "2.1.0"}\nreplicas: 3\n'})
    result = run_cli(
        "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(r["name"], r["kind"], r["path"]) for r in data["roots"]] == [
        ("api-production", "helm", "charts/api")
    ]
    root = data["roots"][0]
    assert [(r["kind"], r["namespace"], r["name"]) for r in root["resources"]] == [
        ("Deployment", "api-prod", "api")
    ]
    assert root["images"] == [
        {
            "resource": "Deployment api-prod/api",
            "container": "api",
            "from": "ghcr.io/acme/api:2.0.0",
            "to": "ghcr.io/acme/api:2.1.0",
        }
    ]
    everything = run_cli(
        "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--all", "--format", "json"
    )
    rendered = json.loads(everything.stdout)["roots"]
    assert [r["name"] for r in rendered] == ["api-production"]  # no extra root for the chart


def test_chart_edit_affects_the_application_and_parameters_apply(
    run_cli: RunCli, tmp_path: Path
) -> None:
    repo = init_repo(tmp_path / "repo", CHART)
    template = CHART["charts/api/templates/deployment.yaml"].replace(
        "replicas: {{ .Values.replicas }}", "replicas: {{ add .Values.replicas 1 }}"
    )
    commit(repo, {"charts/api/templates/deployment.yaml": template})
    result = run_cli("diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD")
    assert result.exit_code == 0, result.output
    assert "-  replicas: 3\n+  replicas: 4" in result.stdout
    rendered = render_revision(repo, "HEAD")
    [root] = rendered.roots
    text = rendered.rendered[root.key].text or ""
    assert 'env: "production"' in text  # the parameter overrides values.yaml
    assert "replicas: 4" in text  # value file, then template
    assert "Thanks for installing" not in text  # NOTES.txt dropped
    assert "kind: Pod" not in text  # test hooks dropped


def test_chart_without_application_renders_with_its_own_values(
    run_cli: RunCli, tmp_path: Path
) -> None:
    files = {k: v for k, v in CHART.items() if not k.startswith(("argocd/", "envs/"))}
    repo = init_repo(tmp_path / "repo", files)
    commit(repo, {"charts/api/values.yaml": CHART["charts/api/values.yaml"].replace("dev", "qa")})
    result = run_cli(
        "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    root = json.loads(result.stdout)["roots"][0]
    assert (root["name"], root["kind"]) == ("charts/api", "helm")
    assert "-    env: dev\n+    env: qa" in root["resources"][0]["diff"]


def test_application_change_alone_affects_its_root(run_cli: RunCli, tmp_path: Path) -> None:
    files = {
        "apps/web/base/kustomization.yaml": "resources: [deployment.yaml]\n",
        "apps/web/base/deployment.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              template:
                spec:
                  containers: [{name: web, image: "ghcr.io/acme/web:1.0.0"}]
        """,
        "apps/web/overlays/staging/kustomization.yaml": overlay("web-staging"),
        "argocd/web-staging.yaml": """
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata: {name: web-staging}
            spec:
              source:
                path: apps/web/overlays/staging
                kustomize:
                  images: ["ghcr.io/acme/web:1.5.0"]
              destination: {namespace: web-staging}
        """,
    }
    repo = init_repo(tmp_path / "repo", files)
    app = files["argocd/web-staging.yaml"].replace("1.5.0", "1.6.0")
    commit(repo, {"argocd/web-staging.yaml": app})
    result = run_cli(
        "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    roots = json.loads(result.stdout)["roots"]
    assert [r["name"] for r in roots] == ["web-staging"]
    assert roots[0]["images"][0]["from"] == "ghcr.io/acme/web:1.5.0"
    assert roots[0]["images"][0]["to"] == "ghcr.io/acme/web:1.6.0"
    assert git(repo, "status", "--porcelain") == ""


def helm_on_this_machine() -> str | None:
    # .ci/run provides one in GITOPS_RELEASE_TEST_HELM (read at import: tests clear the env).
    for variable in ("GITOPS_RELEASE_TEST_HELM", "GITOPS_RELEASE_HELM"):
        value = os.environ.get(variable)
        if value and value != "sdk":
            return value
    return shutil.which("helm")


@pytest.mark.skipif(helm_on_this_machine() is None, reason="no helm binary installed")
def test_helm_binary_and_sdk_render_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = init_repo(tmp_path / "repo", CHART)
    binary = helm_on_this_machine()
    assert binary is not None
    monkeypatch.setenv("GITOPS_RELEASE_HELM", binary)
    with_binary = render_revision(repo, "HEAD")
    monkeypatch.setenv("GITOPS_RELEASE_HELM", "sdk")
    with_sdk = render_revision(repo, "HEAD")
    [key] = with_binary.rendered
    texts = [r.rendered[key].text or "" for r in (with_binary, with_sdk)]
    parsed = [{x.key: normalize(x.body) for x in parse_manifests(t, source="t")} for t in texts]
    assert parsed[0] == parsed[1]
    assert len(parsed[0]) == 1


GUESTBOOK_APP = """
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata: {{name: guestbook, namespace: argocd}}
    spec:
      project: default
      source:
        repoURL: https://github.com/acme/manifests.git
        path: guestbook
      destination:
        server: https://kubernetes.default.svc
        namespace: {namespace}
"""
GUESTBOOK = {
    # argocd-example-apps' guestbook: plain manifests without a namespace
    "guestbook/deployment.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: guestbook-ui}
        spec:
          selector: {matchLabels: {app: guestbook-ui}}
          template:
            metadata: {labels: {app: guestbook-ui}}
            spec:
              containers:
                - name: ui
                  image: gcr.io/heptio-images/ks-guestbook-demo:0.2
    """,
    "guestbook/service.yaml": """
        apiVersion: v1
        kind: Service
        metadata: {name: guestbook-ui}
        spec: {ports: [{port: 80}], selector: {app: guestbook-ui}}
    """,
    "guestbook/namespace-reader.yaml": """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: guestbook-reader}
        rules: []
    """,
}


def test_a_destination_namespace_move_shows_on_the_application_and_its_resources(
    run_cli: RunCli, tmp_path: Path
) -> None:
    repo = init_repo(
        tmp_path / "repo",
        {**GUESTBOOK, "apps/guestbook.yaml": GUESTBOOK_APP.format(namespace="guestbook")},
    )
    commit(repo, {"apps/guestbook.yaml": GUESTBOOK_APP.format(namespace="guestbook-2")})
    result = run_cli(
        "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    (root,) = json.loads(result.stdout)["roots"]
    assert root["status"] == "changed", root
    changes = {(r["kind"], r["namespace"], r["name"], r["change"]) for r in root["resources"]}
    assert changes == {
        ("Application", "argocd", "guestbook", "changed"),
        ("Deployment", "guestbook", "guestbook-ui", "removed"),
        ("Service", "guestbook", "guestbook-ui", "removed"),
        ("Deployment", "guestbook-2", "guestbook-ui", "added"),
        ("Service", "guestbook-2", "guestbook-ui", "added"),
    }  # the ClusterRole has no namespace to move: unchanged
    application = next(r for r in root["resources"] if r["kind"] == "Application")
    assert "-    namespace: guestbook\n" in application["diff"]
    assert "+    namespace: guestbook-2\n" in application["diff"]


def test_only_the_application_whose_document_changed_is_listed(
    run_cli: RunCli, tmp_path: Path
) -> None:
    # apps-of-apps: one file holds several Applications
    two = (
        GUESTBOOK_APP.format(namespace="guestbook")
        + "---"
        + GUESTBOOK_APP.format(namespace="other").replace("name: guestbook,", "name: other,")
    )
    repo = init_repo(tmp_path / "repo", {**GUESTBOOK, "apps/all.yaml": two})
    commit(repo, {"apps/all.yaml": two.replace("namespace: other", "namespace: other-2")})
    result = run_cli(
        "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    assert [r["name"] for r in json.loads(result.stdout)["roots"]] == ["other"]
    everything = run_cli(
        "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--all", "--format", "json"
    )
    statuses = {r["name"]: r["status"] for r in json.loads(everything.stdout)["roots"]}
    assert statuses == {"guestbook": "unchanged", "other": "changed"}
