"""Adapters for the real binaries: command lines, and pure parsers over documented outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_release.gates import binaries, policy

# Exactly the upstream e2e example (GATES.md §1.3).
PLUTO_OUTPUT = (
    '{"items":[{"name":"test/test-helm3chart-v1beta1","namespace":"default","api":{"version":"extensions/v1beta1",'
    '"kind":"Deployment","deprecated-in":"v1.9.0","removed-in":"v1.16.0","replacement-api":"apps/v1",'
    '"replacement-available-in":"v1.9.0","component":"k8s"},"deprecated":true,"removed":true,'
    '"replacementAvailable":true},{"name":"test/test-helm3chart-v1beta1","namespace":"demo2","api":'
    '{"version":"extensions/v1beta1","kind":"Deployment","deprecated-in":"v1.9.0","removed-in":"v1.16.0",'
    '"replacement-api":"apps/v1","replacement-available-in":"v1.9.0","component":"k8s"},"deprecated":true,'
    '"removed":true,"replacementAvailable":true}],"target-versions":{"cert-manager":"v1.5.3","istio":"v1.11.0",'
    '"k8s":"v1.16.0"}}\n'
)

# The derived example of GATES.md §2.4, with the results in the "wrong" (random) order.
POLARIS_OUTPUT = {
    "PolarisOutputVersion": "1.0",
    "AuditTime": "2026-05-01T12:00:00Z",
    "SourceType": "Path",
    "SourceName": "rendered/",
    "DisplayName": "rendered/",
    "ClusterInfo": {"Version": "unknown", "Nodes": 0, "Pods": 0, "Namespaces": 0, "Controllers": 1},
    "Results": [
        {
            "Name": "web",
            "Namespace": "demo",
            "Kind": "Service",
            "Results": {},
            "PodResult": None,
            "CreatedTime": "0001-01-01T00:00:00Z",
        },
        {
            "Name": "web",
            "Namespace": "demo",
            "Kind": "Deployment",
            "Results": {
                "deploymentMissingReplicas": {
                    "ID": "deploymentMissingReplicas",
                    "Message": "Only one replica is scheduled",
                    "Details": None,
                    "Success": False,
                    "Severity": "warning",
                    "Category": "Reliability",
                    "Mutations": None,
                }
            },
            "PodResult": {
                "Name": "",
                "Results": {
                    "hostNetworkSet": {
                        "ID": "hostNetworkSet",
                        "Message": "Host network is not configured",
                        "Details": None,
                        "Success": True,
                        "Severity": "danger",
                        "Category": "Security",
                        "Mutations": None,
                    }
                },
                "ContainerResults": [
                    {
                        "Name": "app",
                        "Results": {
                            "tagNotSpecified": {
                                "ID": "tagNotSpecified",
                                "Message": "Image tag should be specified",
                                "Details": None,
                                "Success": False,
                                "Severity": "danger",
                                "Category": "Reliability",
                                "Mutations": None,
                            },
                            "pullPolicyNotAlways": {
                                "ID": "pullPolicyNotAlways",
                                "Message": 'Image pull policy should be "Always"',
                                "Details": None,
                                "Success": False,
                                "Severity": "warning",
                                "Category": "Reliability",
                                "Mutations": [
                                    {
                                        "Path": "/spec/template/spec/containers/0/imagePullPolicy",
                                        "Op": "add",
                                        "Value": "Always",
                                        "Comment": "",
                                    }
                                ],
                            },
                        },
                    }
                ],
            },
            "CreatedTime": "0001-01-01T00:00:00Z",
        },
    ],
    "Score": 57,
}


def test_pluto_command_only_signals_errors() -> None:
    args = binaries.pluto_command(
        Path("/r"), {"k8s": "v1.30.0", "istio": "v1.11.0"}, components=["k8s"]
    )
    assert args[:6] == ["pluto", "detect-files", "-d", "/r", "-o", "json"]
    assert "istio=v1.11.0,k8s=v1.30.0" in args
    for flag in ("--ignore-deprecations", "--ignore-removals", "--ignore-unavailable-replacements"):
        assert flag in args
    assert args[-2:] == ["--components", "k8s"]


def test_parse_pluto_json() -> None:
    usages, targets = binaries.parse_pluto_json(PLUTO_OUTPUT)
    assert targets["k8s"] == "v1.16.0"
    assert [(u.stub.name, u.stub.namespace, u.removed) for u in usages] == [
        ("test/test-helm3chart-v1beta1", "default", True),
        ("test/test-helm3chart-v1beta1", "demo2", True),
    ]
    findings = policy.deprecation_findings(usages, targets)
    assert {f.severity for f in findings} == {"failure"}
    assert findings[0].replacement == "apps/v1"
    empty, _ = binaries.parse_pluto_json('{"target-versions":{"k8s":"v1.30.0"}}\n')
    assert empty == []


@pytest.mark.parametrize(
    "bad",
    ["No output to display", "[]", '{"items": []}', '{"items":[{"api":{}}],"target-versions":{}}'],
)
def test_parse_pluto_json_rejects_undocumented_output(bad: str) -> None:
    with pytest.raises(binaries.ToolOutputError):
        binaries.parse_pluto_json(bad)


def test_map_staged_paths(tmp_path: Path) -> None:
    source = tmp_path / "src.yaml"
    source.write_text("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: x}\n")
    with binaries.staged_manifests([source]) as (root, staged):
        assert staged[0].staged.parent.parent == root
        doc = json.loads(PLUTO_OUTPUT)
        doc["items"][0]["filePath"] = "/cwd/" + str(staged[0].staged)
        usages, _ = binaries.parse_pluto_json(json.dumps(doc))
        mapped = binaries.map_staged_paths(usages, staged)
    assert mapped[0].file_path == str(source)


def test_json_manifests_are_staged_as_yaml_for_polaris(tmp_path: Path) -> None:
    source = tmp_path / "svc.json"
    source.write_text('{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}')
    with binaries.staged_manifests([source]) as (_, staged):
        assert staged[0].staged.name == "svc.json.yaml"


def test_polaris_command() -> None:
    assert binaries.polaris_command(Path("/r"), Path("/c.yaml")) == [
        "polaris",
        "audit",
        "--audit-path",
        "/r",
        "--config",
        "/c.yaml",
        "--format",
        "json",
    ]


def test_parse_polaris_json_sorts_and_yields_findings() -> None:
    parsed = binaries.parse_polaris_json(json.dumps(POLARIS_OUTPUT, indent=2))
    assert parsed.score == 57
    assert [r["Kind"] for r in parsed.results] == ["Deployment", "Service"]
    from gitops_release.gates.model import ResourceRef

    def resolve(kind: str, namespace: str, name: str) -> tuple[ResourceRef, str | None, int | None]:
        return (
            ResourceRef("apps/v1" if kind == "Deployment" else "v1", kind, namespace, name),
            "web.yaml",
            3,
        )

    findings = policy.polaris_findings(parsed.as_document(), resolve)
    assert sorted((f.check, f.severity, f.container) for f in findings) == [
        ("deploymentMissingReplicas", "warning", None),
        ("pullPolicyNotAlways", "warning", "app"),
        ("tagNotSpecified", "failure", "app"),
    ]
    assert binaries.check_plausible(parsed, 2, Path("/r")) == []


def test_polaris_plausibility_catches_empty_audits() -> None:
    """A typo'd --audit-path gives score 100 and no results; we know resources are there."""
    empty = binaries.parse_polaris_json(json.dumps({**POLARIS_OUTPUT, "Results": [], "Score": 100}))
    problems = binaries.check_plausible(empty, 2, Path("/r"))
    assert problems
    assert "not trustworthy" in problems[0].message


@pytest.mark.parametrize(
    "bad", ["", "null", '{"Results": null, "Score": 1}', '{"Results": [{"Kind": "X"}], "Score": 1}']
)
def test_parse_polaris_json_rejects_undocumented_output(bad: str) -> None:
    with pytest.raises(binaries.ToolOutputError):
        binaries.parse_polaris_json(bad)
