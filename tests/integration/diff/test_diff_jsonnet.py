"""Jsonnet directory Applications render as Argo CD renders them (go-jsonnet with TLAs, extVars
and libs; include/exclude), imports stay inside the repository, plugins say "not rendered"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_release.render.checkout import render_revision
from tests.conftest import RunCli

from .repos import commit, init_repo

pytestmark = pytest.mark.integration

APP = """
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata: {name: guestbook-jsonnet, namespace: argocd}
    spec:
      project: default
      source:
        repoURL: https://github.com/acme/manifests.git
        path: jsonnet-guestbook
        directory:
          exclude: "{skipped.yaml,*-test.jsonnet}"
          jsonnet:
            libs: [vendor]
            tlas:
              - {name: replicas, value: "2", code: true}
              - {name: image, value: "gcr.io/heptio-images/ks-guestbook-demo:0.2"}
            extVars:
              - {name: env, value: staging}
      destination:
        server: https://kubernetes.default.svc
        namespace: guestbook
"""
# argocd-example-apps' jsonnet-guestbook, with TLAs (`tla-guestbook`) and a shared library
FILES = {
    "apps/guestbook.yaml": APP,
    "vendor/k.libsonnet": """
        {
          deployment(name, image, replicas):: {
            apiVersion: 'apps/v1', kind: 'Deployment',
            metadata: {name: name, labels: {env: std.extVar('env')}},
            spec: {replicas: replicas, template: {spec: {containers: [{name: name, image: image}]}}},
          },
        }
    """,
    "jsonnet-guestbook/guestbook-ui.jsonnet": """
        local k = import 'k.libsonnet';
        local params = import 'params.libsonnet';
        function(replicas, image) [
          k.deployment(params.name, image, replicas),
          {apiVersion: 'v1', kind: 'Service', metadata: {name: params.name},
           spec: {ports: [{port: params.port}]}},
        ]
    """,
    "jsonnet-guestbook/params.libsonnet": "{name: 'guestbook-ui', port: 80}\n",
    "jsonnet-guestbook/unit-test.jsonnet": "error 'tests are not manifests'\n",
    "jsonnet-guestbook/skipped.yaml": "kind: ConfigMap\nmetadata: {name: skipped}\n",
    "jsonnet-guestbook/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
}


def test_a_jsonnet_application_renders_with_its_arguments(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo", FILES)
    (result,) = render_revision(repo, "HEAD").rendered.values()
    assert result.ok, result.error
    docs = [
        json.loads(d) if d.lstrip().startswith("{") else d
        for d in (result.text or "").split("---\n")
    ]
    objects = [d for d in docs if isinstance(d, dict)]
    assert sorted((o["kind"], o["metadata"]["name"]) for o in objects) == [
        ("Deployment", "guestbook-ui"),
        ("Service", "guestbook-ui"),
    ]
    deployment = next(o for o in objects if o["kind"] == "Deployment")
    assert deployment["spec"]["replicas"] == 2  # tla code
    assert deployment["metadata"]["labels"] == {"env": "staging"}  # extVar
    assert "name: extra" in (result.text or "")  # YAML beside the jsonnet still counts
    assert "skipped" not in (result.text or "")  # excluded


def test_a_change_to_a_library_the_jsonnet_imports_re_renders_the_application(
    tmp_path: Path, run_cli: RunCli
) -> None:
    repo = init_repo(tmp_path / "repo", FILES)
    library = FILES["vendor/k.libsonnet"].replace("replicas: replicas", "replicas: replicas + 1")
    commit(repo, {"vendor/k.libsonnet": library})
    result = run_cli(
        "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    (root,) = json.loads(result.stdout)["roots"]
    assert root["name"] == "guestbook-jsonnet"
    (change,) = root["resources"]
    assert (change["kind"], change["namespace"]) == ("Deployment", "guestbook")
    assert "-  replicas: 2\n" in change["diff"]
    assert "+  replicas: 3\n" in change["diff"]


@pytest.mark.parametrize(
    "source",
    [
        "importstr '/proc/self/environ'",
        "importstr '../../outside.txt'",
        "importstr 'link.txt'",  # a link in the repository pointing outside it
    ],
)
def test_imports_cannot_leave_the_repository(tmp_path: Path, source: str) -> None:
    (tmp_path / "outside.txt").write_text("OUTSIDE-SECRET-VALUE\n")
    files = {
        "apps/guestbook.yaml": APP,
        "jsonnet-guestbook/leak.jsonnet": f"{{apiVersion: 'v1', kind: 'ConfigMap', "
        f"metadata: {{name: 'leak'}}, data: {{v: {source}}}}}\n",
    }
    repo = init_repo(tmp_path / "repo", files)
    (repo / "jsonnet-guestbook/link.txt").symlink_to(tmp_path / "outside.txt")
    commit(repo, {"jsonnet-guestbook/params.libsonnet": "{}\n"})
    (result,) = render_revision(repo, "HEAD").rendered.values()
    assert not result.ok
    assert result.error is not None
    assert "OUTSIDE-SECRET-VALUE" not in result.error
    assert "PATH=" not in result.error
    assert "outside the repository" in result.error or "absolute paths" in result.error


def test_a_plugin_application_says_not_rendered_everywhere(tmp_path: Path, run_cli: RunCli) -> None:
    app = APP.replace("        directory:", "        plugin: {name: tanka}\n        directory:")
    repo = init_repo(tmp_path / "repo", {**FILES, "apps/guestbook.yaml": app})
    commit(repo, {"jsonnet-guestbook/params.libsonnet": "{name: 'guestbook-ui', port: 8080}\n"})
    for fmt in ("text", "json", "markdown"):
        result = run_cli(
            "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", fmt
        )
        assert result.exit_code == 1, (fmt, result.output)
        assert "not rendered" in result.stdout, (fmt, result.stdout)
        assert "Config Management Plugin (tanka)" in result.stdout, fmt
