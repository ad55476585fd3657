"""A hostile pull request against the renderers: what `diff` and `check --repo` do with it.

Each test builds the repository such a pull request produces (real git, symbolic links committed
as git keeps them), runs the CLI on it the three ways it renders (`diff` of base and head
revisions; `check --repo` of a git checkout; `check --repo` of a plain directory) and asserts
the defence: nothing outside the repository is read, nothing from the checkout is executed, the
renderers get no credentials, secrets are not echoed, and every output stays clean of the token
(plain, base64, reversed, ...). Links in a plain directory are also rendered through
`render_directory` (the documented API for a checkout without git), which `check --repo` does
not reach for a directory that is not a git checkout.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from gitops_release.render.checkout import render_directory, write_rendered
from gitops_release.render.run import Rendered

from .conftest import KUBECTL, REAL_HELM, Cli, Hostile, needs_real_helm
from .hostile import (
    REMOVED_PDB,
    Files,
    Outputs,
    argo_application,
    assert_absent,
    assert_no_leaks,
    assert_no_scratch_paths,
    chart_yaml,
    commit_all,
    config_map,
    credential_problems,
    disk_state,
    env_dumping_wrapper,
    gitops_config,
    good_root,
    init_repo,
    link_to,
    load_json,
    read_dumps,
    tracked_mode,
    unique,
    write_tree,
)

pytestmark = pytest.mark.integration

# `check --repo` renders a revision of a git checkout; a plain directory is rendered through
# `render_directory` (the *_plain_directory tests below).
MODES = ("diff", "check-git")
GOOD = "apps/good"
DEPRECATED_HPA = """\
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}
  minReplicas: 1
  maxReplicas: 3
"""


# -- the repository of a pull request, and running the CLI on it --------------------------------


@dataclass(frozen=True)
class Snapshot:
    repo: Path  # git: HEAD~1 is the base, HEAD the pull request
    plain: Path  # the pull request's files as a plain directory (no git)


def make_snapshot(
    tmp_path: Path, base: Files, head: Files, links: dict[str, str] | None = None
) -> Snapshot:
    repo = init_repo(tmp_path / "repo", base)
    write_tree(repo, head, links)
    commit_all(repo, "hostile pull request")
    plain = write_tree(tmp_path / "plain", {**base, **head}, links)
    return Snapshot(repo, plain)


@dataclass
class Run:
    mode: str
    code: int
    outputs: Outputs
    roots: dict[str, dict[str, Any]] = field(default_factory=dict)  # diff: name → root
    report: dict[str, Any] = field(default_factory=dict)  # check: the JSON report

    def errors(self) -> list[str]:
        if self.mode == "diff":
            return [f"{n}: {r['error']}" for n, r in self.roots.items() if r["status"] == "error"]
        return [e["message"] for e in self.report.get("errors", [])]

    def describe(self) -> str:
        return f"exit code {self.code}\n" + self.outputs.everything()[:6000]


def render(
    cli: Cli,
    hostile: Hostile,
    snap: Snapshot,
    mode: str,
    *,
    here: bool = False,
    check_args: Sequence[str] = (),
) -> Run:
    """Run the mode's command(s); with `here`, as `--repo .` from inside the checkout."""
    out = snap.repo.parent / "out"
    out.mkdir(exist_ok=True)
    outputs = Outputs()
    if mode == "diff":
        repo = Path() if here else snap.repo
        revs = ("--base", "HEAD~1", "--head", "HEAD")
        data_file = out / "diff.json"
        first = cli("diff", "--repo", repo, *revs, "--format", "json", "--output", data_file)
        outputs.add_result("diff --format json", first)
        outputs.add_file("diff --output", data_file)
        second = cli("diff", "--repo", repo, *revs, "--format", "markdown")
        outputs.add_result("diff --format markdown", second)
        outputs.texts.update(hostile.outputs().texts)
        assert first.exit_code == second.exit_code, outputs.everything()
        data = load_json(data_file.read_text("utf-8")) if data_file.is_file() else None
        roots = {r["name"]: r for r in data["roots"]} if data else {}
        return Run(mode, first.exit_code, outputs, roots=roots)
    target = snap.repo if mode == "check-git" else snap.plain
    report_file = out / "check.json"
    result = cli(
        "check",
        "--repo",
        Path() if here else target,
        "--format",
        "json",
        "--output",
        report_file,
        *check_args,
    )
    outputs.add_result("check", result)
    outputs.add_file("check --output", report_file)
    outputs.texts.update(hostile.outputs().texts)
    report = load_json(report_file.read_text("utf-8")) if report_file.is_file() else None
    return Run(mode, result.exit_code, outputs, report=report or {})


def assert_good_root_rendered(run: Run, *, removed_api: bool = True) -> None:
    """The root the attack does not touch renders as always."""
    if run.mode == "diff":
        good = run.roots.get(GOOD)
        assert good is not None, run.describe()
        assert good["status"] == "changed", good
        assert any("version" in r["diff"] for r in good["resources"]), good
        return
    assert not [m for m in run.errors() if m.startswith(GOOD)], run.errors()
    if removed_api:  # a finding on its output proves it was rendered and gated
        found = [
            f
            for f in run.report.get("findings", [])
            if f["check"] == "removed-api" and f["file"] == f"{GOOD}/kustomization.yaml"
        ]
        assert found, run.describe()


def secrets_of(hostile: Hostile, **more: str) -> dict[str, str]:
    return {"token": hostile.token, **more}


# -- a. modules planted in the checkout -------------------------------------------------------

PLANTED_MODULE = """\
import os
import pathlib

pathlib.Path({marker!r}).write_text("imported from " + os.getcwd())
raise RuntimeError("planted module: " + os.environ.get("GITOPS_RELEASE_TOKEN", "")[::-1])
"""
PLANTED = {
    "helm_python": ("helm_python.py",),
    "gitops_release": (
        "gitops_release/__init__.py",
        "gitops_release/render/__init__.py",
        "gitops_release/render/helm_sdk.py",
    ),
    "sitecustomize": ("sitecustomize.py",),
}


def web_chart(tag: str) -> dict[str, str]:
    return {
        "charts/web/Chart.yaml": chart_yaml("web"),
        "charts/web/values.yaml": f'tag: "{tag}"\n',
        "charts/web/templates/hpa.yaml": DEPRECATED_HPA.format(name="web-{{ .Values.tag }}"),
    }


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("planted", sorted(PLANTED))
def test_modules_planted_in_the_checkout_are_never_imported(
    planted: str,
    mode: str,
    cli: Cli,
    hostile: Hostile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marker = tmp_path / "planted-module-was-imported"
    module = PLANTED_MODULE.format(marker=str(marker))
    snap = make_snapshot(
        tmp_path, web_chart("1"), {**web_chart("2"), **dict.fromkeys(PLANTED[planted], module)}
    )
    monkeypatch.chdir(snap.plain if mode == "check-plain" else snap.repo)

    run = render(cli, hostile, snap, mode, here=True, check_args=("--k8s-version", "v1.24"))

    assert not marker.exists(), f"{PLANTED[planted][0]} was imported: {marker.read_text()}"
    assert_no_leaks(run.outputs, secrets_of(hostile))
    assert run.code == 0, run.describe()
    if mode == "diff":
        chart = run.roots["charts/web"]
        assert chart["status"] == "changed", chart
        assert any("name: web-2" in r["diff"] for r in chart["resources"]), chart
    else:
        names = {f["resource"]["name"] for f in run.report["findings"]}
        assert names == {"web-2"}, run.report


# -- b. symbolic links out of the repository ----------------------------------------------------

ENVIRON_TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: environ
data:
  env: {{ .Files.Get "files/env" | quote }}
"""
VALUES_TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: values
data:
  leak: {{ .Values.leak | quote }}
"""


@dataclass(frozen=True)
class Outside:
    """Files outside the repository, each holding `marker`."""

    dir: Path
    marker: str

    @property
    def manifest(self) -> Path:
        return self.dir / "stolen.yaml"

    @property
    def values(self) -> Path:
        return self.dir / "values.yaml"

    @property
    def kustomization(self) -> Path:
        return self.dir / "kustomization"

    @property
    def templates(self) -> Path:
        return self.dir / "templates"


@pytest.fixture
def outside(tmp_path: Path) -> Outside:
    marker = unique("OUTSIDE-SECRET")
    stolen = config_map("stolen", {"secret": marker})
    root = write_tree(
        tmp_path / "outside",
        {
            "stolen.yaml": stolen,
            "values.yaml": f"leak: {marker}\n",
            "kustomization/kustomization.yaml": "resources: [stolen.yaml]\n",
            "kustomization/stolen.yaml": stolen,
            "templates/stolen.yaml": stolen,
        },
    )
    return Outside(root, marker)


@dataclass(frozen=True)
class Escape:
    """A root of the pull request with one link out of the repository."""

    root: str  # the root that must fail (its name in the diff)
    link: str  # the link's path in the repository
    target: str  # where the link points (absolute)
    files: dict[str, str]
    render_paths: tuple[str, ...] = ()


def escape(case: str, outside: Outside) -> Escape:
    if case == "chart-file-to-proc-environ":
        files = {
            "charts/leaky/Chart.yaml": chart_yaml("leaky"),
            "charts/leaky/values.yaml": "replicas: 1\n",
            "charts/leaky/templates/environ.yaml": ENVIRON_TEMPLATE,
        }
        return Escape("charts/leaky", "charts/leaky/files/env", "/proc/self/environ", files)
    if case == "chart-template":
        files = {
            "charts/tpl/Chart.yaml": chart_yaml("tpl"),
            "charts/tpl/values.yaml": "replicas: 1\n",
            "charts/tpl/templates/ok.yaml": config_map("tpl-ok", {"a": "b"}),
        }
        return Escape(
            "charts/tpl", "charts/tpl/templates/stolen.yaml", str(outside.manifest), files
        )
    if case == "chart-templates-directory":
        files = {
            "charts/tdir/Chart.yaml": chart_yaml("tdir"),
            "charts/tdir/values.yaml": "replicas: 1\n",
        }
        return Escape("charts/tdir", "charts/tdir/templates", str(outside.templates), files)
    if case == "helm-value-file":
        helm = "    helm:\n      valueFiles: [values-extra.yaml]\n"
        files = {
            "argocd/values-app.yaml": argo_application("values-app", "charts/vals", helm),
            "charts/vals/Chart.yaml": chart_yaml("vals"),
            "charts/vals/values.yaml": "leak: none\n",
            "charts/vals/templates/values.yaml": VALUES_TEMPLATE,
        }
        return Escape("values-app", "charts/vals/values-extra.yaml", str(outside.values), files)
    if case == "manifest-file":
        return Escape(
            "clusters/stolen.yaml",
            "clusters/stolen.yaml",
            str(outside.manifest),
            {"clusters/README.md": "plain manifests\n"},
            render_paths=("clusters/stolen.yaml",),
        )
    if case == "argo-directory-file":
        files = {
            "argocd/dir-app.yaml": argo_application("dir-app", "argo/dir"),
            "argo/dir/ok.yaml": config_map("dir-ok", {"a": "b"}),
        }
        return Escape("dir-app", "argo/dir/stolen.yaml", str(outside.manifest), files)
    if case == "kustomize-resource-directory":
        files = {"apps/evil/kustomization.yaml": "namespace: evil\nresources: [ext]\n"}
        return Escape("apps/evil", "apps/evil/ext", str(outside.kustomization), files)
    if case == "kustomize-resource-file":
        files = {"apps/evilfile/kustomization.yaml": "resources: [ext.yaml]\n"}
        return Escape("apps/evilfile", "apps/evilfile/ext.yaml", str(outside.manifest), files)
    raise ValueError(case)


ESCAPES = (
    "chart-file-to-proc-environ",
    "chart-template",
    "chart-templates-directory",
    "helm-value-file",
    "manifest-file",
    "argo-directory-file",
    "kustomize-resource-directory",
    "kustomize-resource-file",
)


def escape_snapshot(tmp_path: Path, attack: Escape, style: str) -> Snapshot:
    base = {".gitops-release.yaml": gitops_config(), **good_root("1", removed_api=True)}
    head = {
        ".gitops-release.yaml": gitops_config(render_paths=attack.render_paths),
        **good_root("2", removed_api=True),
        **attack.files,
    }
    snap = make_snapshot(tmp_path, base, head, {attack.link: link_to(attack.target, style)})
    assert tracked_mode(snap.repo, "HEAD", attack.link) == "120000"
    return snap


def assert_refused(run: Run, attack: Escape) -> None:
    """The root fails with an error naming the link and why it was not followed."""
    if run.mode == "diff":
        root = run.roots.get(attack.root)
        assert root is not None, f"no root {attack.root}: {sorted(run.roots)}\n{run.describe()}"
        assert root["status"] == "error", root
        messages = [root["error"] or ""]
    else:
        messages = run.errors()
    wanted = (attack.link, "symbolic link", "outside the repository")
    assert any(all(w in m for w in wanted) for m in messages), (wanted, messages, run.describe())
    assert run.code == 1, run.describe()


def check_escape(
    cli: Cli, hostile: Hostile, outside: Outside, tmp_path: Path, case: str, style: str, mode: str
) -> None:
    attack = escape(case, outside)
    snap = escape_snapshot(tmp_path, attack, style)
    before = disk_state(outside.dir)

    run = render(cli, hostile, snap, mode)

    assert_no_leaks(run.outputs, secrets_of(hostile, outside=outside.marker))
    assert_absent(run.outputs, "GITOPS_RELEASE_TOKEN=", "PATH=", "HOME=")  # /proc/self/environ
    assert_refused(run, attack)
    assert_good_root_rendered(run)
    assert_no_scratch_paths(run.outputs)
    assert disk_state(outside.dir) == before


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("style", ["absolute", "relative"])
@pytest.mark.parametrize("case", ESCAPES)
def test_link_out_of_the_repository_is_refused(
    case: str,
    style: str,
    mode: str,
    cli: Cli,
    hostile: Hostile,
    outside: Outside,
    tmp_path: Path,
) -> None:
    check_escape(cli, hostile, outside, tmp_path, case, style, mode)


def render_plain_directory(directory: Path, out: Path) -> tuple[dict[str, Rendered], Outputs]:
    """`render_directory` (a plain checkout, rendered in place) and what it would show: each
    root's output or error, and the files `write_rendered` writes."""
    rendered = render_directory(directory)
    outputs = Outputs()
    for result in rendered.rendered.values():
        outputs.add(f"{result.name}: output", result.text)
        outputs.add(f"{result.name}: error", result.error)
    for name, path in write_rendered(rendered.rendered, out).items():
        outputs.add_file(f"written {name}", path)
    return {r.name: r for r in rendered.rendered.values()}, outputs


@pytest.mark.parametrize("style", ["absolute", "relative"])
@pytest.mark.parametrize("case", ESCAPES)
def test_link_out_of_a_plain_directory_is_refused(
    case: str, style: str, hostile: Hostile, outside: Outside, tmp_path: Path
) -> None:
    attack = escape(case, outside)
    snap = escape_snapshot(tmp_path, attack, style)
    before = disk_state(outside.dir)

    results, outputs = render_plain_directory(snap.plain, tmp_path / "rendered")

    assert_no_leaks(outputs, secrets_of(hostile, outside=outside.marker))
    assert_absent(outputs, "GITOPS_RELEASE_TOKEN=", "PATH=", "HOME=")
    failed = results.get(attack.root)
    assert failed is not None, sorted(results)
    wanted = (attack.link, "symbolic link", "outside the repository")
    assert failed.error is not None, failed
    assert all(w in failed.error for w in wanted), (wanted, failed.error)
    assert results[GOOD].ok, results[GOOD].error
    assert 'version: "2"' in (results[GOOD].text or ""), results[GOOD].text
    assert disk_state(outside.dir) == before


@needs_real_helm
@pytest.mark.parametrize("mode", MODES)
def test_link_to_proc_environ_is_refused_with_the_helm_binary(
    mode: str,
    cli: Cli,
    hostile: Hostile,
    outside: Outside,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert REAL_HELM is not None
    monkeypatch.setenv("GITOPS_RELEASE_HELM", REAL_HELM)
    check_escape(cli, hostile, outside, tmp_path, "chart-file-to-proc-environ", "absolute", mode)


INSIDE_HPA = DEPRECATED_HPA.format(name="{{ .Values.name }}")
INSIDE_FILES = {
    "base/kustomization.yaml": "resources: [hpa.yaml]\n",
    "base/hpa.yaml": DEPRECATED_HPA.format(name="from-base"),
    "overlays/copy/kustomization.yaml": "resources: [../../base]\n",
    "overlays/linked/kustomization.yaml": "resources: [base]\n",
    "shared/values.yaml": "name: from-shared-values\n",
    "charts/copy/Chart.yaml": chart_yaml("copy"),
    "charts/copy/values.yaml": "name: from-shared-values\n",
    "charts/copy/templates/hpa.yaml": INSIDE_HPA,
    "charts/linked/Chart.yaml": chart_yaml("linked"),
    "charts/linked/templates/hpa.yaml": INSIDE_HPA,
}
INSIDE_LINKS = {
    "overlays/linked/base": "../../base",
    "charts/linked/values.yaml": "../../shared/values.yaml",
}


@pytest.mark.parametrize("mode", MODES)
def test_link_inside_the_repository_renders_like_a_copy(
    mode: str, cli: Cli, hostile: Hostile, tmp_path: Path
) -> None:
    snap = make_snapshot(tmp_path, {"README.md": "manifests\n"}, INSIDE_FILES, INSIDE_LINKS)
    for link in INSIDE_LINKS:
        assert tracked_mode(snap.repo, "HEAD", link) == "120000"

    run = render(cli, hostile, snap, mode, check_args=("--k8s-version", "v1.24"))

    assert run.code == 0, run.describe()
    assert run.errors() == []
    assert_no_leaks(run.outputs, secrets_of(hostile))
    if mode == "diff":
        for kind in ("overlays", "charts"):
            copy, linked = run.roots[f"{kind}/copy"], run.roots[f"{kind}/linked"]
            assert linked["status"] == copy["status"] == "changed", (copy, linked)
            assert linked["resources"] == copy["resources"]
        names = {r["name"] for r in run.roots["charts/linked"]["resources"]}
        assert names == {"from-shared-values"}
    else:
        found = {(f["file"], f["resource"]["name"]) for f in run.report["findings"]}
        assert found == {
            ("overlays/copy/kustomization.yaml", "from-base"),
            ("overlays/linked/kustomization.yaml", "from-base"),
            ("charts/copy/templates/hpa.yaml", "from-shared-values"),
            ("charts/linked/templates/hpa.yaml", "from-shared-values"),
        }


def test_link_inside_a_plain_directory_renders_like_a_copy(tmp_path: Path) -> None:
    plain = write_tree(tmp_path / "plain", INSIDE_FILES, INSIDE_LINKS)

    results, _ = render_plain_directory(plain, tmp_path / "rendered")

    assert all(r.ok for r in results.values()), {n: r.error for n, r in results.items()}
    for kind in ("overlays", "charts"):
        copy, linked = results[f"{kind}/copy"].text or "", results[f"{kind}/linked"].text or ""
        assert copy.replace("copy/", "linked/") == linked
    assert "name: from-shared-values" in (results["charts/linked"].text or "")


# -- c. what the renderers are given -------------------------------------------------------------


def assert_no_credentials(dumps: Path, hostile: Hostile, home: str) -> None:
    envs = read_dumps(dumps)
    assert envs, "the renderer was never run"
    problems = {p for env in envs for p in credential_problems(env, hostile.token, home=home)}
    assert not problems, sorted(problems)


@pytest.mark.parametrize("mode", MODES)
def test_kustomize_gets_no_credentials(
    mode: str, cli: Cli, hostile: Hostile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dumps = tmp_path / "env-dumps"
    wrapper = env_dumping_wrapper(
        tmp_path / "bin" / "kustomize", dumps, [str(KUBECTL), "kustomize"], drop_first="build"
    )
    monkeypatch.setenv("GITOPS_RELEASE_KUSTOMIZE", str(wrapper))
    base = {".gitops-release.yaml": gitops_config(), **good_root("1")}
    snap = make_snapshot(tmp_path, base, good_root("2"))
    home = os.environ["HOME"]

    run = render(cli, hostile, snap, mode)

    assert run.code == 0, run.describe()
    assert_good_root_rendered(run, removed_api=False)
    assert_no_credentials(dumps, hostile, home)
    assert_no_leaks(run.outputs, secrets_of(hostile))


@needs_real_helm
@pytest.mark.parametrize("mode", MODES)
def test_helm_binary_gets_no_credentials(
    mode: str, cli: Cli, hostile: Hostile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert REAL_HELM is not None
    dumps = tmp_path / "env-dumps"
    wrapper = env_dumping_wrapper(tmp_path / "bin" / "helm", dumps, [REAL_HELM])
    monkeypatch.setenv("GITOPS_RELEASE_HELM", str(wrapper))
    snap = make_snapshot(tmp_path, web_chart("1"), web_chart("2"))
    home = os.environ["HOME"]

    run = render(cli, hostile, snap, mode, check_args=("--k8s-version", "v1.24"))

    assert run.code == 0, run.describe()
    assert_no_credentials(dumps, hostile, home)
    assert_no_leaks(run.outputs, secrets_of(hostile))
    if mode == "diff":
        assert run.roots["charts/web"]["status"] == "changed"
    else:
        assert {f["resource"]["name"] for f in run.report["findings"]} == {"web-2"}


# -- d. secret values in render errors -----------------------------------------------------------


def secret_snapshot(tmp_path: Path, base_extra: Files, head_extra: Files) -> Snapshot:
    base = {".gitops-release.yaml": gitops_config(), **good_root("1", removed_api=True)}
    head = {**good_root("2", removed_api=True), **head_extra}
    return make_snapshot(tmp_path, {**base, **base_extra}, head)


def assert_root_failed(run: Run, root: str) -> None:
    assert run.code == 1, run.describe()
    if run.mode == "diff":
        assert run.roots.get(root, {}).get("status") == "error", run.describe()
    else:
        assert any(m.startswith(root) for m in run.errors()), run.describe()


@pytest.mark.parametrize("mode", MODES)
def test_secret_literal_without_equals_sign_is_not_echoed(
    mode: str, cli: Cli, hostile: Hostile, tmp_path: Path
) -> None:
    value = unique("HUNTER2")
    kustomization = (
        f"namespace: gen\nsecretGenerator:\n  - name: credentials\n    literals: [{value}]\n"
    )
    snap = secret_snapshot(tmp_path, {}, {"apps/gen/kustomization.yaml": kustomization})

    run = render(cli, hostile, snap, mode)

    assert_no_leaks(run.outputs, secrets_of(hostile, literal=value))
    assert_root_failed(run, "apps/gen")
    assert_good_root_rendered(run)


@pytest.mark.parametrize("mode", MODES)
def test_secret_env_file_line_is_not_echoed(
    mode: str, cli: Cli, hostile: Hostile, tmp_path: Path
) -> None:
    value = unique("ENVFILE-S3CRET")
    # A line without `=`, with a byte that is not UTF-8: kustomize quotes the line it rejects.
    env_file = b"USER=admin\n" + value.encode() + b"\xff\n"
    kustomization = "namespace: envgen\nsecretGenerator:\n  - name: credentials\n"
    kustomization += "    envs: [credentials.env]\n"
    snap = secret_snapshot(
        tmp_path,
        {},
        {"apps/envgen/kustomization.yaml": kustomization, "apps/envgen/credentials.env": env_file},
    )

    run = render(cli, hostile, snap, mode)

    assert_no_leaks(run.outputs, secrets_of(hostile, env_line=value))
    assert_root_failed(run, "apps/envgen")
    assert_good_root_rendered(run)


@pytest.mark.parametrize("mode", MODES)
def test_secret_literal_of_a_root_failing_otherwise_is_not_shown(
    mode: str, cli: Cli, hostile: Hostile, tmp_path: Path
) -> None:
    value = unique("S3CRET")
    generator = f"secretGenerator:\n  - name: credentials\n    literals: [password={value}]\n"
    config = config_map("vault", {"a": "b"})
    base = {
        "apps/vault/kustomization.yaml": f"namespace: vault\nresources: [config.yaml]\n{generator}",
        "apps/vault/config.yaml": config,
    }
    head = {
        "apps/vault/kustomization.yaml": (
            f"namespace: vault\nresources: [config.yaml, missing.yaml]\n{generator}"
        ),
    }
    snap = secret_snapshot(tmp_path, base, head)

    run = render(cli, hostile, snap, mode)

    assert_no_leaks(run.outputs, secrets_of(hostile, literal=value))
    assert_root_failed(run, "apps/vault")
    assert_good_root_rendered(run)


# -- e. locations are repository paths ---------------------------------------------------------


def repository_path(location: str) -> str:
    """The repository path a location starts with (`manifests/x (rendered)` → `manifests/x`)."""
    return location.split(" ", 1)[0]


def within(location: str | None, root: str) -> bool:
    path = repository_path(location or "")
    return path == root or path.startswith(root + "/")


@pytest.mark.parametrize("mode", ["check-git"])
def test_check_names_repository_paths_only(
    mode: str, cli: Cli, hostile: Hostile, tmp_path: Path
) -> None:
    files = {
        ".gitops-release.yaml": gitops_config(render_paths=("manifests/broken", "manifests/pdb")),
        **good_root("1", removed_api=True),
        "manifests/broken/deploy.yaml": "kind: Deployment\nmetadata: [\n",
        "manifests/pdb/pdb.yaml": REMOVED_PDB.replace("name: good", "name: legacy"),
        "apps/broken/kustomization.yaml": "resources: [bad.yaml]\n",
        "apps/broken/bad.yaml": "kind: [\n",
        "charts/broken/Chart.yaml": chart_yaml("broken"),
        "charts/broken/values.yaml": "replicas: 1\n",
        "charts/broken/templates/config.yaml": (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\n"
            "data:\n  x: {{ .Values.missing.field }}\n"
        ),
    }
    snap = make_snapshot(tmp_path, {"README.md": "manifests\n"}, files)
    target = snap.repo if mode == "check-git" else snap.plain
    out = tmp_path / "out"

    run = render(cli, hostile, snap, mode, check_args=("--k8s-version", "v1.30"))
    sarif = cli(
        "check", "--repo", target, "--k8s-version", "v1.30", "--format", "sarif",
        "--output", out / "check.sarif",
    )  # fmt: skip
    text = cli("check", "--repo", target, "--k8s-version", "v1.30")
    run.outputs.add_result("check --format sarif", sarif)
    run.outputs.add_file("check --format sarif --output", out / "check.sarif")
    run.outputs.add_result("check --format text", text)

    assert run.code == sarif.exit_code == text.exit_code == 1, run.describe()
    assert_absent(run.outputs, str(tmp_path), str(tmp_path.resolve()))
    assert_no_scratch_paths(run.outputs)
    assert_no_leaks(run.outputs, secrets_of(hostile))
    report = run.report
    places = [f["file"] for f in report["findings"]] + [e["file"] for e in report["errors"]]
    for place in places:
        assert place, report
        assert not place.startswith("/"), report
        assert (snap.plain / repository_path(place)).exists(), (place, report)
    legacy = [f for f in report["findings"] if f["resource"]["name"] == "legacy"]
    assert [within(f["file"], "manifests/pdb") for f in legacy] == [True], report
    failed = ("manifests/broken", "apps/broken", "charts/broken")
    for root in failed:
        assert any(within(e["file"], root) for e in report["errors"]), (root, report)
    for error in report["errors"]:
        assert any(within(error["file"], root) for root in failed), (error, report)
    uris = [
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in json.loads((out / "check.sarif").read_text("utf-8"))["runs"][0]["results"]
        for loc in result.get("locations", [])
    ]
    assert uris, "the SARIF report lists no locations"
    for uri in uris:
        assert not uri.startswith(("/", "file:")), uris
        assert (snap.plain / repository_path(unquote(uri))).exists(), uris
