"""A gate report as SARIF 2.1.0, for code scanning."""

from __future__ import annotations

from typing import Any

from gitops_release.gates.model import Finding, GateReport
from gitops_release.gates.polaris.builtin_checks import BUILTIN_CHECKS
from gitops_release.gates.policy import CHECK_DEPRECATED, CHECK_MIN_SCORE, CHECK_REMOVED
from gitops_release.reporting.gates.wording import level_of, rule_id, subject

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "gitops-release gates"


def _rule(f: Finding) -> dict[str, Any]:
    if f.check == CHECK_REMOVED:
        short = "Kubernetes API removed in the target version"
        help_text = (
            "The manifest uses an apiVersion that the target Kubernetes version no longer "
            "serves. Migrate the resource to the replacement apiVersion before upgrading."
        )
    elif f.check == CHECK_DEPRECATED:
        short = "Deprecated Kubernetes API"
        help_text = (
            "The manifest uses a deprecated apiVersion that a later Kubernetes version will "
            "remove. Plan the migration to the replacement apiVersion."
        )
    elif f.check == CHECK_MIN_SCORE:
        short = "Polaris score below the required minimum"
        help_text = "Fix the Polaris findings (or lower the required minimum score)."
    else:
        spec = BUILTIN_CHECKS.get(f.check)
        short = spec.failure_message if spec else f"Polaris check {f.check}"
        help_text = (
            f"Polaris check `{f.check}` ({spec.category}): {spec.success_message}."
            if spec
            else f"Custom Polaris check `{f.check}` from the Polaris config."
        )
    return {
        "id": rule_id(f),
        "name": f.check,
        "shortDescription": {"text": short},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": level_of(f)},
        "properties": {"tags": [f.gate]},
    }


def _location(file: str | None, line: int | None) -> list[dict[str, Any]]:
    if not file:
        return []
    physical: dict[str, Any] = {"artifactLocation": {"uri": file.replace("\\", "/")}}
    if line:
        physical["region"] = {"startLine": line}
    return [{"physicalLocation": physical}]


def to_sarif(report: GateReport, *, tool_version: str = "0.1.0") -> dict[str, Any]:
    rules: dict[str, dict[str, Any]] = {}
    for f in report.findings:
        rules.setdefault(rule_id(f), _rule(f))
    rule_ids = list(rules)
    results = []
    for f in report.findings:
        result: dict[str, Any] = {
            "ruleId": rule_id(f),
            "ruleIndex": rule_ids.index(rule_id(f)),
            "level": level_of(f),
            "message": {"text": f"{subject(f)}: {f.message}"},
        }
        locations = _location(f.file, f.line)
        if locations:
            result["locations"] = locations
        results.append(result)
    notifications = [
        {"level": "error", "message": {"text": p.message}, "locations": _location(p.file, p.line)}
        for p in report.errors
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": tool_version,
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": not report.errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
            }
        ],
    }
