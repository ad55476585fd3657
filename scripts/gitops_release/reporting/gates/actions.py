"""A gate report as GitHub Actions annotations (`::error file=…,line=…::message`)."""

from __future__ import annotations

from gitops_release.actions_io import escape_data, escape_property
from gitops_release.gates.model import GateReport
from gitops_release.reporting.gates.wording import level_of, rule_id, subject


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
        message = f"{subject(f)}: {f.message}"
        lines.append(annotation(level_of(f), message, file=f.file, line=f.line, title=rule_id(f)))
    return "".join(line + "\n" for line in lines)
