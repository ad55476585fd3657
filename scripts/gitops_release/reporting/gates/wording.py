"""What every rendering of a gate report says alike: the verdict, a finding's subject and place."""

from __future__ import annotations

from gitops_release.gates.model import Finding, GateReport, Problem


def where(f: Finding | Problem) -> str:
    if not f.file:
        return ""
    return f"{f.file}:{f.line}" if f.line else f.file


def subject(f: Finding) -> str:
    if not f.resource.kind:
        return "(all resources)"
    text = (
        f"{f.resource.api_version + ' ' if f.resource.api_version else ''}{f.resource.describe()}"
    )
    return f"{text} [{f.container}]" if f.container else text


def rule_id(f: Finding) -> str:
    return f"{f.gate}/{f.check}"


def level_of(f: Finding) -> str:
    """The SARIF / annotation level of a finding."""
    return "error" if f.severity == "failure" else "warning"


def verdict(report: GateReport) -> str:
    failures, warnings = len(report.failures), len(report.warning_findings)
    state = "passed" if report.passed else "FAILED"
    parts = [
        f"{failures} failure{'s' * (failures != 1)}",
        f"{warnings} warning{'s' * (warnings != 1)}",
    ]
    if report.errors:
        parts.append(f"{len(report.errors)} error{'s' * (len(report.errors) != 1)}")
    score = "" if report.polaris_score is None else f", Polaris score {report.polaris_score}"
    return f"Gates {state}: {', '.join(parts)} (Kubernetes {report.kubernetes_version}{score})"
