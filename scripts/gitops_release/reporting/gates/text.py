"""A gate report as text for terminals."""

from __future__ import annotations

from gitops_release.gates.model import GateReport
from gitops_release.reporting.gates.wording import subject, verdict, where


def render_text(report: GateReport) -> str:
    lines = [verdict(report)]
    for problem in report.errors:
        lines.append(f"  error    {problem.describe()}")
    for f in report.findings:
        place = where(f)
        lines.append(
            f"  {f.severity:<8} {f.gate}/{f.check}: {subject(f)}: {f.message}"
            + (f" ({place})" if place else "")
        )
    for note in report.warnings:
        lines.append(f"  note     {note.describe()}")
    return "\n".join(lines) + "\n"
