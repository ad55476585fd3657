"""A gate report as a Markdown section of a pull-request comment, within a size budget."""

from __future__ import annotations

from gitops_release.gates.model import Finding, GateReport
from gitops_release.reporting.gates.wording import subject, verdict, where

MARKDOWN_BUDGET = 60_000


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _markdown_row(f: Finding) -> str:
    icon = ":x:" if f.severity == "failure" else ":warning:"
    message = f.message
    if f.replacement and f.replacement not in message:
        message += f" (use `{f.replacement}`)"
    place = where(f)
    return (
        f"| {icon} {f.severity} | `{_cell(f.check)}` | {_cell(subject(f))} | {_cell(message)} "
        f"| {('`' + _cell(place) + '`') if place else ''} |"
    )


def render_markdown(report: GateReport, *, budget: int = MARKDOWN_BUDGET) -> str:
    """A PR-comment section within `budget` characters; whole rows are dropped, with a notice."""
    icon = ":white_check_mark:" if report.passed else ":x:"
    head = [f"### {icon} {verdict(report)}", ""]
    if report.errors:
        head.append("**Errors** (these manifests could not be checked):")
        head.extend(f"- {_cell(p.describe())}" for p in report.errors)
        head.append("")
    if report.warnings:
        # Notes fail nothing: e.g. a canary that waits for a human to promote it.
        head.append("**Notes**:")
        head.extend(f"- :information_source: {_cell(p.message)}" for p in report.warnings)
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
