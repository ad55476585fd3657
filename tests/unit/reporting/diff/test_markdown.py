"""The PR comment: marker, complete summary, gate slot, and a hard size budget."""

from __future__ import annotations

import re

from gitops_release.diff.model import RootDiff
from gitops_release.reporting.diff.markdown import (
    MARKER,
    build_comment,
    build_job_summary,
    utf16_units,
)
from tests.unit.diff.helpers import result, root

GATES = "#### Gates\n\n| gate | result |\n| --- | --- |\n| pluto | passed |\n"


def big_result():
    roots = [root(f"apps/app{i}/overlays/prod", 40, lines=12, text="x" * 40) for i in range(12)]
    roots.append(
        RootDiff(
            key="kustomize:broken", name="broken", path="broken", kind="kustomize",
            status="error", error="kustomize build broken failed: missing file",
        )
    )  # fmt: skip
    roots.append(root("apps/quiet", 0))
    return result(*roots)


def test_a_500_kb_diff_fits_into_one_comment() -> None:
    res = big_result()
    total = sum(len(r.diff) for x in res.roots for r in x.resources)
    assert total > 500_000
    comment = build_comment(res, gates_markdown=GATES)
    assert utf16_units(comment) <= 65_536
    assert comment.startswith(MARKER + "\n")
    # The summary is complete: every root has its row, errors included.
    for r in res.roots:
        assert f"| `{r.name}` |" in comment
    assert "| `broken` | kustomize | - | - | - | - | :x: render error |" in comment
    # Gates come right after the summary table, before any details.
    assert comment.index("| `apps/quiet` |") < comment.index(GATES) < comment.index("<details>")
    # Details are cut at whole resources, with a notice that counts what is missing.
    shown = [r for x in res.roots for r in x.resources if r.diff in comment]
    partial = [
        r for x in res.roots for r in x.resources
        if r.diff not in comment and r.diff.splitlines()[0] in comment
    ]  # fmt: skip
    assert shown
    assert not partial
    omitted = sum(len(x.resources) for x in res.roots) - len(shown)
    notice = re.search(
        r"Truncated to fit GitHub's comment size limit: (\d+) resource diffs in (\d+) roots",
        comment,
    )
    assert notice is not None
    assert int(notice.group(1)) == omitted
    assert "The full diff is in the workflow run's job summary" in comment
    assert comment.count("<details>") == comment.count("</details>")
    assert comment.count("```") % 2 == 0


def test_the_budget_counts_utf16_units() -> None:
    res = result(*(root(f"apps/{i}", 30, lines=8, text="😀漢字" * 10) for i in range(10)))
    comment = build_comment(res, max_chars=20_000)
    assert utf16_units(comment) <= 20_000
    assert len(comment) < utf16_units(comment)


def test_small_diffs_are_complete_without_notice() -> None:
    res = result(root("apps/web", 2), root("apps/api", 0))
    comment = build_comment(res, marker="<!-- custom -->")
    assert comment.startswith("<!-- custom -->\n")
    assert "Truncated" not in comment
    assert all(r.diff in comment for r in res.roots[0].resources)
    assert (
        "<details><summary><b>apps/web</b> (kustomize <code>apps/web</code>): 2 changed</summary>"
        in comment
    )
    assert "apps/api</b>" not in comment  # unchanged roots get no details block
    assert "| `apps/web` | `app` | `app:1` | `app:2` |" not in comment
    assert "| `apps/web` | Deployment apps/web | `app` | `app:1` | `app:2` |" in comment


def test_code_fences_outgrow_backticks_in_the_diff() -> None:
    res = result(root("apps/docs", 1, text="```markdown```"))
    comment = build_comment(res)
    assert "````diff\n" in comment


def test_job_summary_is_the_full_diff() -> None:
    res = big_result()
    summary = build_job_summary(res)
    assert not summary.startswith("<!--")
    assert "Truncated" not in summary
    assert all(r.diff in summary for x in res.roots for r in x.resources)
    assert len(summary.encode()) <= 1_048_576


def test_no_affected_roots() -> None:
    comment = build_comment(result())
    assert "No render root is affected by this change." in comment
