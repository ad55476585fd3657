"""A gate report as the JSON document of `check --format json` (a public contract)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from gitops_release.gates.model import Finding, GateReport


def finding_json(f: Finding) -> dict[str, Any]:
    return {
        "gate": f.gate,
        "check": f.check,
        "severity": f.severity,
        "resource": {
            "apiVersion": f.resource.api_version,
            "kind": f.resource.kind,
            "namespace": f.resource.namespace,
            "name": f.resource.name,
        },
        "container": f.container,
        "file": f.file,
        "line": f.line,
        "message": f.message,
        "replacement": f.replacement,
    }


def to_json(report: GateReport) -> dict[str, Any]:
    """The documented JSON contract (more keys may be added, none removed)."""
    return {
        "passed": report.passed,
        "kubernetes_version": report.kubernetes_version,
        "polaris_score": report.polaris_score,
        "findings": [finding_json(f) for f in report.findings],
        "errors": [{"message": p.message, "file": p.file, "line": p.line} for p in report.errors],
        "warnings": [
            {"message": p.message, "file": p.file, "line": p.line} for p in report.warnings
        ],
        "engines": dict(report.engines),
    }


def render_json(report: GateReport) -> str:
    return json.dumps(to_json(report), indent=2, sort_keys=False) + "\n"


def iter_rows(report: GateReport) -> Iterable[dict[str, Any]]:
    """Flat rows (for callers building their own tables)."""
    return (finding_json(f) for f in report.findings)
