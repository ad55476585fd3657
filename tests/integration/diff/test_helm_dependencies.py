"""Charts render as Argo CD renders them: with their dependencies (vendored, `file://`, remote
HTTP and OCI), and charts that live only in a chart repository (single- and multi-source
Applications), served here by real repositories on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitops_release.render.checkout import render_revision
from tests.conftest import RunCli
from tests.e2e.harness import run_registry

from .chart_repos import ChartRepo, package, push_oci, serve_charts
from .repos import commit, init_repo
from .test_diff_argo import helm_on_this_machine

pytestmark = pytest.mark.integration

REDIS_TEMPLATE = """
    apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: "{{ .Release.Name }}-redis"}
    spec:
      replicas: {{ .Values.replicas }}
      template:
        spec:
          containers:
            - name: redis
              image: "redis:{{ .Chart.AppVersion | default .Chart.Version }}"
"""
REDIS = {"values.yaml": "replicas: 1\n", "templates/redis.yaml": REDIS_TEMPLATE}
APP_TEMPLATE = """
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: "{{ .Release.Name }}-app"}
    data: {greeting: "{{ .Values.greeting }}"}
"""


def _renderers() -> list[object]:
    binary = helm_on_this_machine()
    return [
        "sdk",
        pytest.param(
            binary or "helm",
            id="helm-binary",
            marks=pytest.mark.skipif(binary is None, reason="no helm binary installed"),
        ),
    ]


@pytest.fixture(params=_renderers(), ids=lambda p: "sdk" if p == "sdk" else "helm-binary")
def renderer(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> str:
    monkeypatch.setenv("GITOPS_RELEASE_HELM", str(request.param))
    monkeypatch.setenv("GITOPS_RELEASE_CHART_CACHE", str(tmp_path / "chart-cache"))
    return str(request.param)


@pytest.fixture
def charts(tmp_path: Path) -> Iterator[ChartRepo]:
    with serve_charts(tmp_path / "served") as repo:
        repo.add("redis", "17.3.1", REDIS)
        repo.add("redis", "17.4.0", REDIS)
        repo.add("redis", "18.0.0-rc.1", REDIS)
        yield repo


def _chart(dependencies: str) -> dict[str, str]:
    return {
        "charts/app/Chart.yaml": f"apiVersion: v2\nname: app\nversion: 1.0.0\n{dependencies}",
        "charts/app/values.yaml": "greeting: hello\nredis: {replicas: 2}\n",
        "charts/app/templates/cm.yaml": APP_TEMPLATE,
    }


def _kinds(repo: Path) -> dict[str, list[str]]:
    rendered = render_revision(repo, "HEAD")
    out = {}
    for key, result in rendered.rendered.items():
        assert result.ok, result.error
        out[key] = sorted(
            line.split(": ", 1)[1]
            for line in (result.text or "").splitlines()
            if line.startswith("kind: ")
        )
    return out


@pytest.mark.usefixtures("renderer")
def test_a_remote_dependency_is_fetched_once_and_rendered(
    charts: ChartRepo, tmp_path: Path
) -> None:
    deps = f"dependencies:\n- name: redis\n  version: ^17.3.0\n  repository: {charts.url}\n"
    repo = init_repo(tmp_path / "repo", _chart(deps))
    assert _kinds(repo) == {"helm:charts/app": ["ConfigMap", "StatefulSet"]}
    text = render_revision(repo, "HEAD").rendered["helm:charts/app"].text or ""
    assert "redis:17.4.0" in text  # the highest 17.x, never the 18.0.0 prerelease
    assert "replicas: 2" in text  # the parent's values reach the dependency
    fetched = [r for r in charts.requests if r.endswith(".tgz")]
    assert fetched == ["/charts/redis-17.4.0.tgz"]
    charts.requests.clear()
    _kinds(repo)  # a constraint asks the index again; the package comes from the cache
    assert [r for r in charts.requests if r.endswith(".tgz")] == []


@pytest.mark.usefixtures("renderer")
def test_vendored_dependencies_render_without_the_network(tmp_path: Path) -> None:
    deps = "dependencies:\n- name: redis\n  version: 17.3.1\n  repository: https://charts.invalid\n"
    files = _chart(deps)
    repo = init_repo(tmp_path / "repo", files)
    (repo / "charts/app/charts").mkdir()
    (repo / "charts/app/charts/redis-17.3.1.tgz").write_bytes(package("redis", "17.3.1", REDIS))
    commit(repo, {"charts/app/templates/cm.yaml": APP_TEMPLATE})  # adds the package too
    assert _kinds(repo) == {"helm:charts/app": ["ConfigMap", "StatefulSet"]}
    unpacked = init_repo(
        tmp_path / "unpacked",
        {
            **files,
            "charts/app/charts/redis/Chart.yaml": "apiVersion: v2\nname: redis\nversion: 17.3.1\n",
            "charts/app/charts/redis/values.yaml": "replicas: 1\n",
            "charts/app/charts/redis/templates/redis.yaml": REDIS_TEMPLATE,
        },
    )
    assert _kinds(unpacked) == {"helm:charts/app": ["ConfigMap", "StatefulSet"]}


@pytest.mark.usefixtures("renderer")
def test_file_dependencies_are_built_from_the_repository(tmp_path: Path) -> None:
    # argocd-example-apps' kustomized-helm pattern: a chart depending on a sibling chart
    files = _chart(
        "dependencies:\n- name: redis\n  version: 17.3.1\n  repository: file://../redis\n"
    )
    files.update(
        {
            "charts/redis/Chart.yaml": "apiVersion: v2\nname: redis\nversion: 17.3.1\n",
            "charts/redis/values.yaml": "replicas: 1\n",
            "charts/redis/templates/redis.yaml": REDIS_TEMPLATE,
        }
    )
    repo = init_repo(tmp_path / "repo", files)
    kinds = _kinds(repo)
    assert kinds["helm:charts/app"] == ["ConfigMap", "StatefulSet"]
    assert not (repo / "charts/app/charts").exists()  # the checkout is never written to


@pytest.mark.usefixtures("renderer")
def test_a_dependency_that_cannot_be_had_fails_the_root_naming_it(
    charts: ChartRepo, tmp_path: Path
) -> None:
    cases = {
        "missing-version": f"- name: redis\n  version: ^19.0.0\n  repository: {charts.url}\n",
        "missing-chart": f"- name: postgres\n  version: 1.0.0\n  repository: {charts.url}\n",
        "unreachable": "- name: redis\n  version: 1.0.0\n  repository: http://127.0.0.1:9/x\n",
        "no-repository": "- name: redis\n  version: 1.0.0\n",
        "helm-repo-alias": "- name: redis\n  version: 1.0.0\n  repository: '@bitnami'\n",
    }
    for case, dependency in cases.items():
        repo = init_repo(tmp_path / case, _chart(f"dependencies:\n{dependency}"))
        result = render_revision(repo, "HEAD").rendered["helm:charts/app"]
        assert not result.ok, case
        assert result.text is None, case
        assert result.error is not None
        assert "charts/app: dependency" in result.error, (case, result.error)
        assert ("redis" in result.error) or ("postgres" in result.error), result.error


def test_a_download_that_does_not_match_its_digest_is_refused(
    charts: ChartRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITOPS_RELEASE_HELM", "sdk")
    monkeypatch.setenv("GITOPS_RELEASE_CHART_CACHE", str(tmp_path / "cache"))
    (charts.root / "redis-17.4.0.tgz").write_bytes(package("redis", "17.4.0", {"x.yaml": "a: 1"}))
    deps = f"dependencies:\n- name: redis\n  version: 17.4.0\n  repository: {charts.url}\n"
    repo = init_repo(tmp_path / "repo", _chart(deps))
    result = render_revision(repo, "HEAD").rendered["helm:charts/app"]
    assert result.error is not None
    assert "does not match the digest" in result.error


REMOTE_APP = """
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata: {{name: cache, namespace: argocd}}
    spec:
      project: default
      source:
        repoURL: {url}
        chart: redis
        targetRevision: {version}
        helm:
          releaseName: cache
          valuesObject: {{replicas: 3}}
      destination:
        server: https://kubernetes.default.svc
        namespace: cache
"""
MULTI_SOURCE_APP = """
    apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata: {{name: cache-prod, namespace: argocd}}
    spec:
      project: default
      sources:
        - repoURL: {url}
          chart: redis
          targetRevision: 17.3.1
          helm:
            valueFiles: [$values/envs/production/redis.yaml]
        - repoURL: https://github.com/acme/manifests.git
          targetRevision: HEAD
          ref: values
      destination:
        server: https://kubernetes.default.svc
        namespace: cache-prod
"""


@pytest.mark.usefixtures("renderer")
def test_an_application_of_a_remote_chart_renders_and_a_version_bump_shows(
    charts: ChartRepo, tmp_path: Path, run_cli: RunCli
) -> None:
    repo = init_repo(
        tmp_path / "repo", {"apps/cache.yaml": REMOTE_APP.format(url=charts.url, version="17.3.1")}
    )
    commit(repo, {"apps/cache.yaml": REMOTE_APP.format(url=charts.url, version="17.4.0")})
    result = run_cli(
        "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    (root,) = json.loads(result.stdout)["roots"]
    assert (root["name"], root["kind"], root["status"]) == ("cache", "helm", "changed")
    assert root["images"] == [
        {
            "resource": "StatefulSet cache/cache-redis",
            "container": "redis",
            "from": "redis:17.3.1",
            "to": "redis:17.4.0",
        }
    ]
    (head,) = render_revision(repo, "HEAD").rendered.values()
    assert "replicas: 3" in (head.text or "")  # valuesObject applied


@pytest.mark.usefixtures("renderer")
def test_a_multi_source_application_takes_its_values_from_the_repository(
    charts: ChartRepo, tmp_path: Path, run_cli: RunCli
) -> None:
    config = (
        "environments:\n  production: {branch: master}\n"
        "apps:\n  cache:\n    image: redis\n"
        "    targets: [{helm: envs/production/redis.yaml, key: image}]\n"
    )
    repo = init_repo(
        tmp_path / "repo",
        {
            "apps/cache.yaml": MULTI_SOURCE_APP.format(url=charts.url),
            "envs/production/redis.yaml": "replicas: 2\n",
            ".gitops-release.yaml": config,
        },
    )
    commit(repo, {"envs/production/redis.yaml": "replicas: 5\n"})
    result = run_cli(
        "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["name"] for r in data["roots"]] == ["cache-prod"]  # the helm target adds no root
    assert data["unrendered_files"] == []
    (change,) = data["roots"][0]["resources"]
    assert change["kind"] == "StatefulSet"
    assert "-  replicas: 2\n" in change["diff"]
    assert "+  replicas: 5\n" in change["diff"]


@pytest.mark.skipif(shutil.which("docker-registry") is None, reason="docker-registry not installed")
@pytest.mark.usefixtures("renderer")
def test_an_oci_chart_renders(tmp_path: Path, run_cli: RunCli) -> None:
    with run_registry(tmp_path / "registry") as registry:
        push_oci(registry.host, "charts/redis", "17.3.1", package("redis", "17.3.1", REDIS))
        repo = init_repo(
            tmp_path / "repo",
            {
                "apps/cache.yaml": REMOTE_APP.format(
                    url=f"oci://{registry.host}/charts", version="17.3.1"
                )
            },
        )
        commit(
            repo,
            {"apps/cache.yaml": REMOTE_APP.format(url=f"{registry.host}/charts", version="~17.3")},
        )
        result = run_cli(
            "diff",
            "--repo",
            repo,
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--all",
            "--format",
            "json",
        )
    assert result.exit_code == 0, result.output
    (root,) = json.loads(result.stdout)["roots"]
    assert root["status"] == "changed", root  # only the Application's own spec changed
    assert [r["kind"] for r in root["resources"]] == ["Application"]


@pytest.mark.usefixtures("renderer")
@pytest.mark.parametrize("declared_in", ["Chart.yaml", "requirements.yaml"])
def test_nested_file_dependencies_cannot_read_outside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, declared_in: str
) -> None:
    # a → b → c, and c's template reads a link to the process environment
    monkeypatch.setenv("GITOPS_RELEASE_TOKEN", "ghp_" + "N" * 36)
    leak = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: leak}\ndata: {env: {{ .Files.Get "files/env" | quote }}}\n'
    dependency = "dependencies:\n- name: {name}\n  version: 0.1.0\n  repository: file://../{name}\n"
    files = {
        "charts/a/Chart.yaml": "apiVersion: v2\nname: a\nversion: 0.1.0\n"
        + dependency.format(name="b"),
        "charts/a/templates/cm.yaml": APP_TEMPLATE,
        "charts/a/values.yaml": "greeting: hi\n",
        "charts/b/Chart.yaml": "apiVersion: v2\nname: b\nversion: 0.1.0\n"
        + ("" if declared_in == "requirements.yaml" else dependency.format(name="c")),
        "charts/c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
        "charts/c/templates/leak.yaml": leak,
    }
    if declared_in == "requirements.yaml":
        files["charts/b/requirements.yaml"] = dependency.format(name="c")
    repo = tmp_path / "repo"
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    (repo / "charts/c/files").mkdir()
    (repo / "charts/c/files/env").symlink_to("/proc/self/environ")
    init_repo(repo, {})
    rendered = render_revision(repo, "HEAD").rendered
    for key, result in rendered.items():
        assert "ghp_" not in (result.text or "") + (result.error or ""), key
    assert rendered["helm:charts/a"].error is not None
    assert "charts/c/files/env is a symbolic link" in rendered["helm:charts/a"].error


@pytest.mark.usefixtures("renderer")
def test_a_malformed_index_fails_only_that_root(charts: ChartRepo, tmp_path: Path) -> None:
    (charts.root / "index.yaml").write_text("apiVersion: v1\nentries: [1, 2]\n", encoding="utf-8")
    deps = f"dependencies:\n- name: redis\n  version: ^17.3.0\n  repository: {charts.url}\n"
    repo = init_repo(tmp_path / "repo", {**_chart(deps), "plain/cm.yaml": APP_TEMPLATE})
    result = render_revision(repo, "HEAD").rendered["helm:charts/app"]
    assert result.error is not None
    assert "has no chart named redis" in result.error


def test_downloads_carry_no_ambient_credentials(
    charts: ChartRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".netrc").write_text("machine 127.0.0.1 login alice password s3cr3t\n", "utf-8")
    (home / ".netrc").chmod(0o600)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("NETRC", str(home / ".netrc"))
    monkeypatch.setenv("GITOPS_RELEASE_HELM", "sdk")
    monkeypatch.setenv("GITOPS_RELEASE_CHART_CACHE", str(tmp_path / "cache"))
    deps = f"dependencies:\n- name: redis\n  version: 17.4.0\n  repository: {charts.url}\n"
    repo = init_repo(tmp_path / "repo", _chart(deps))
    assert render_revision(repo, "HEAD").rendered["helm:charts/app"].ok
    assert charts.authorizations == [None] * len(charts.authorizations)
    assert charts.authorizations  # the server was asked
