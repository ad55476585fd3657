"""Rendering a `GateReport`: text, Markdown (PR comment), JSON, SARIF 2.1.0, GitHub annotations.

All pure functions of the report; the CLI decides where the output goes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from gitops_release.actions_io import escape_data, escape_property
from gitops_release.gates.model import Finding, GateReport, Problem
from gitops_release.gates.polaris.builtin_checks import BUILTIN_CHECKS
from gitops_release.gates.policy import CHECK_DEPRECATED, CHECK_MIN_SCORE, CHECK_REMOVED

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "gitops-release gates"
MARKDOWN_BUDGET = 60_000


def _where(f: Finding | Problem) -> str:
    if not f.file:
        return ""
    return f"{f.file}:{f.line}" if f.line else f.file


def _subject(f: Finding) -> str:
    if not f.resource.kind:
        return "(all resources)"
    text = (
        f"{f.resource.api_version + ' ' if f.resource.api_version else ''}{f.resource.describe()}"
    )
    return f"{text} [{f.container}]" if f.container else text


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


# --- text -------------------------------------------------------------------------------------


def render_text(report: GateReport) -> str:
    lines = [verdict(report)]
    for problem in report.errors:
        lines.append(f"  error    {problem.describe()}")
    for f in report.findings:
        where = _where(f)
        lines.append(
            f"  {f.severity:<8} {f.gate}/{f.check}: {_subject(f)}: {f.message}"
            + (f" ({where})" if where else "")
        )
    for note in report.warnings:
        lines.append(f"  note     {note.describe()}")
    return "\n".join(lines) + "\n"


# --- markdown ---------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _markdown_row(f: Finding) -> str:
    icon = ":x:" if f.severity == "failure" else ":warning:"
    message = f.message
    if f.replacement and f.replacement not in message:
        message += f" (use `{f.replacement}`)"
    where = _where(f)
    return (
        f"| {icon} {f.severity} | `{_cell(f.check)}` | {_cell(_subject(f))} | {_cell(message)} "
        f"| {('`' + _cell(where) + '`') if where else ''} |"
    )


def render_markdown(report: GateReport, *, budget: int = MARKDOWN_BUDGET) -> str:
    """A PR-comment section within `budget` characters; whole rows are dropped, with a notice."""
    icon = ":white_check_mark:" if report.passed else ":x:"
    head = [f"### {icon} {verdict(report)}", ""]
    if report.errors:
        head.append("**Errors** (these manifests could not be checked):")
        head.extend(f"- {_cell(p.describe())}" for p in report.errors)
        head.append("")
    if not report.findings:
        head.append("No findings.")
        return _fit("\n".join(head) + "\n", budget)
    head += [
        "| Severity | Check | Resource | Message | Location |",
        "| --- | --- | --- | --- | --- |",
    ]
    rows = [_markdown_row(f) for f in report.findings]
    text = "\n".join(head)
    shown = 0
    for row in rows:
        remaining = len(rows) - shown - 1
        notice = (
            f"\n\n_… {remaining} more findings not shown (comment size limit)._"
            if remaining
            else ""
        )
        if len(text) + 1 + len(row) + len(notice) + 1 > budget:
            break
        text += "\n" + row
        shown += 1
    if shown < len(rows):
        text += f"\n\n_… {len(rows) - shown} more findings not shown (comment size limit)._"
    return _fit(text + "\n", budget)


def _fit(text: str, budget: int) -> str:
    if len(text) <= budget:
        return text
    notice = "\n_… truncated (comment size limit)._\n"
    return text[: max(0, budget - len(notice))] + notice


# --- json -------------------------------------------------------------------------------------


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


# --- sarif ------------------------------------------------------------------------------------


def _rule_id(f: Finding) -> str:
    return f"{f.gate}/{f.check}"


def _rule(f: Finding) -> dict[str, Any]:
    level = "error" if f.severity == "failure" else "warning"
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
        "id": _rule_id(f),
        "name": f.check,
        "shortDescription": {"text": short},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": level},
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
        rules.setdefault(_rule_id(f), _rule(f))
    rule_ids = list(rules)
    results = []
    for f in report.findings:
        result: dict[str, Any] = {
            "ruleId": _rule_id(f),
            "ruleIndex": rule_ids.index(_rule_id(f)),
            "level": "error" if f.severity == "failure" else "warning",
            "message": {"text": f"{_subject(f)}: {f.message}"},
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


# --- github actions ---------------------------------------------------------------------------


def annotation(
    level: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
) -> str:
    props = []
    if file:
        props.append(f"file={escape_property(file)}")
    if file and line:
        props.append(f"line={line}")
    if title:
        props.append(f"title={escape_property(title)}")
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    return f"{head}::{escape_data(message)}"


def render_annotations(report: GateReport) -> str:
    lines: list[str] = []
    for p in report.errors:
        lines.append(annotation("error", p.message, file=p.file, line=p.line, title="gate error"))
    for f in report.findings:
        level = "error" if f.severity == "failure" else "warning"
        message = f"{_subject(f)}: {f.message}"
        lines.append(annotation(level, message, file=f.file, line=f.line, title=_rule_id(f)))
    return "".join(line + "\n" for line in lines)


def iter_rows(report: GateReport) -> Iterable[dict[str, Any]]:
    """Flat rows (for callers building their own tables)."""
    return (finding_json(f) for f in report.findings)
