"""A `GateReport` as text, Markdown (PR comment), JSON, SARIF 2.1.0 and GitHub annotations."""

from gitops_release.reporting.gates.actions import annotation, render_annotations
from gitops_release.reporting.gates.jsondoc import finding_json, iter_rows, render_json, to_json
from gitops_release.reporting.gates.markdown import MARKDOWN_BUDGET, render_markdown
from gitops_release.reporting.gates.sarif import SARIF_SCHEMA, TOOL_NAME, to_sarif
from gitops_release.reporting.gates.text import render_text
from gitops_release.reporting.gates.wording import verdict

__all__ = [
    "MARKDOWN_BUDGET",
    "SARIF_SCHEMA",
    "TOOL_NAME",
    "annotation",
    "finding_json",
    "iter_rows",
    "render_annotations",
    "render_json",
    "render_markdown",
    "render_text",
    "to_json",
    "to_sarif",
    "verdict",
]
