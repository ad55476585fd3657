"""The rendered diff as Markdown: a PR comment that fits GitHub's limit, and a job summary.

Layout: hidden marker (to find and update our own comment), summary table, gate results, image
changes, then one collapsed `<details>` block per root with a `diff` code block. The summary is
always complete; when the whole text does not fit, details are cut at whole resources and a
visible notice says how much was left out and where the full diff is.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from gitops_release.diff.model import DiffResult, ImageChange, RootDiff
from gitops_release.reporting.diff.order import STATUS_ORDER, roots_in_order

MARKER = "<!-- gitops-release:preview -->"
COMMENT_LIMIT = 65_536  # characters GitHub accepts in one issue comment
JOB_SUMMARY_LIMIT = 1_048_576  # bytes GitHub accepts in one step summary
FULL_DIFF_WHERE = "the workflow run's job summary and its `rendered-diff` artifact"
_NOTICE_RESERVE = 600
Measure = Callable[[str], int]


def utf16_units(text: str) -> int:
    """GitHub counts a comment's length in UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def build_comment(
    result: DiffResult,
    *,
    max_chars: int = COMMENT_LIMIT,
    gates_markdown: str | None = None,
    marker: str = MARKER,
    full_diff_where: str = FULL_DIFF_WHERE,
) -> str:
    """The PR comment: at most `max_chars` characters, marker first."""
    return _build(
        result,
        _Budget(max_chars, utf16_units, "GitHub's comment size limit"),
        gates_markdown=gates_markdown,
        marker=marker,
        full_diff_where=full_diff_where,
    )


def build_job_summary(
    result: DiffResult,
    *,
    max_bytes: int = JOB_SUMMARY_LIMIT,
    gates_markdown: str | None = None,
    full_diff_where: str = "the workflow run's `rendered-diff` artifact",
) -> str:
    """The full diff for `$GITHUB_STEP_SUMMARY` (cut only beyond its 1 MiB limit)."""
    return _build(
        result,
        _Budget(max_bytes, utf8_bytes, "the job summary size limit"),
        gates_markdown=gates_markdown,
        marker="",
        full_diff_where=full_diff_where,
    )


@dataclass(frozen=True)
class _Budget:
    limit: int
    measure: Measure
    reason: str


def _build(
    result: DiffResult,
    budget: _Budget,
    *,
    gates_markdown: str | None,
    marker: str,
    full_diff_where: str,
) -> str:
    top = [marker] if marker else []
    top.append(_title(result))
    top.append(_counts(result))
    if result.unrendered_files:
        top.append(_unrendered(result))
    gates = [gates_markdown.strip()] if gates_markdown and gates_markdown.strip() else []
    room = budget.limit - _NOTICE_RESERVE - budget.measure("\n\n".join(top + gates))
    table = _summary_table(result, room=room // 2, measure=budget.measure)
    head = "\n\n".join(p for p in [*top, table, *gates] if p) + "\n"
    room = budget.limit - _NOTICE_RESERVE - budget.measure(head) - 1
    body, omitted = _details(result, room=room, measure=budget.measure)
    text = head + ("\n" + body if body else "")
    if omitted.resources or omitted.roots or omitted.images:
        text += "\n" + _notice(omitted, budget.reason, full_diff_where)
    return text


def _unrendered(result: DiffResult) -> str:
    shown = result.unrendered_files[:20]
    more = len(result.unrendered_files) - len(shown)
    listing = ", ".join(f"`{_code(p)}`" for p in shown) + (f" and {more} more" if more else "")
    notes = dict(result.unrendered_notes)
    why = "".join(f"\n> - `{_code(p)}`: {notes[p]}" for p in shown if p in notes)
    return (
        "> [!NOTE]\n> Changed manifest files that no render root includes (not in the rendered "
        f"diff): {listing}{why}"
    )


def _title(result: DiffResult) -> str:
    base = f"`{_code(result.base)}` ({result.base_commit[:7]})"
    head = f"`{_code(result.head)}` ({result.head_commit[:7]})"
    return f"### Rendered manifests: {base} → {head}"


def _counts(result: DiffResult) -> str:
    roots = result.roots
    if not roots:
        return "No render root is affected by this change."
    added = sum(r.count("added") for r in roots)
    changed = sum(r.count("changed") for r in roots)
    removed = sum(r.count("removed") for r in roots)
    images = sum(len(r.images) for r in roots)
    unchanged = sum(1 for r in roots if r.status == "unchanged")
    affected = (
        f"**{len(roots)}** root{'s' if len(roots) != 1 else ''} affected: "
        f"{len(result.changed)} changed, {unchanged} unchanged, "
        f"{len(result.failed)} failed to render"
    )
    parts = [
        affected,
        f"resources: {added} added, {changed} changed, {removed} removed",
        f"{images} image change{'s' if images != 1 else ''}",
    ]
    return " · ".join(parts)


def _summary_table(result: DiffResult, *, room: int, measure: Measure) -> str:
    if not result.roots:
        return ""
    header = (
        "| Root | Kind | Added | Changed | Removed | Images | Status |\n"
        "| --- | --- | --: | --: | --: | --: | --- |"
    )
    ordered = roots_in_order(result.roots)
    rows = [_row(r) for r in ordered]
    listed = len(rows)
    while listed and measure("\n".join([header, *rows[:listed]])) > room:
        listed -= 1
    table = "\n".join([header, *rows[:listed]])
    if listed < len(rows):
        left = ordered[listed:]
        kinds = ", ".join(
            f"{sum(1 for r in left if r.status == s)} {s}"
            for s in STATUS_ORDER
            if any(r.status == s for r in left)
        )
        table += f"\n\n… and {len(left)} more roots ({kinds}), listed in the full report."
    return table


def _row(root: RootDiff) -> str:
    name = f"`{_code(root.name)}`" + _presence(root)
    if root.status == "error":
        return f"| {name} | {root.kind} | - | - | - | - | :x: render error |"
    counts = " | ".join(str(root.count(c)) for c in ("added", "changed", "removed"))
    return f"| {name} | {root.kind} | {counts} | {len(root.images)} | {root.status} |"


def _presence(root: RootDiff) -> str:
    return {"both": "", "base": " (removed)", "head": " (new)"}[root.presence]


@dataclass
class _Omitted:
    resources: int = 0
    roots: int = 0
    images: int = 0


def _details(result: DiffResult, *, room: int, measure: Measure) -> tuple[str, _Omitted]:
    omitted = _Omitted()
    parts: list[str] = []
    used = 0
    ordered = roots_in_order(result.roots)
    images = [(r.name, i) for r in ordered for i in r.images]
    if images:
        table, shown = _image_table(images, room=room, measure=measure)
        omitted.images = len(images) - shown
        parts.append(table)
        used += measure(table)
    shown_roots = [r for r in ordered if r.status != "unchanged"]
    for index, root in enumerate(shown_roots):
        block, cut = _root_block(root, room=room - used, measure=measure)
        if block:
            parts.append(block)
            used += measure(block)
        if cut or not block:
            omitted.resources += cut if block else len(root.resources)
            omitted.roots += 1
            for later in shown_roots[index + 1 :]:
                omitted.resources += len(later.resources)
                omitted.roots += 1
            break
    return "".join(parts), omitted


def _image_table(
    images: list[tuple[str, ImageChange]], *, room: int, measure: Measure
) -> tuple[str, int]:
    header = (
        "#### Image changes\n\n"
        "| Root | Resource | Container | From | To |\n"
        "| --- | --- | --- | --- | --- |\n"
    )
    rows = [
        f"| `{_code(root)}` | {_cell(i.resource)} | `{_code(i.container)}` | "
        f"{_image(i.old)} | {_image(i.new)} |\n"
        for root, i in images
    ]
    text = header
    shown = 0
    for row in rows:
        if measure(text + row) + 1 > room:
            break
        text += row
        shown += 1
    return text + "\n", shown


def _root_block(root: RootDiff, *, room: int, measure: Measure) -> tuple[str, int]:
    """One root's `<details>` block within `room`; returns (block, resources left out)."""
    summary = _summary_line(root)
    if root.status == "error":
        fence = _fence(root.error or "")
        block = f"{summary}\n\n{fence}text\n{(root.error or '').strip()}\n{fence}\n\n</details>\n"
        return (block, 0) if measure(block) <= room else ("", 0)
    chunks = [r.diff for r in root.resources]
    fence = _fence("".join(chunks))
    opening = f"{summary}\n\n{fence}diff\n"
    closing = f"{fence}\n\n</details>\n"
    taken: list[str] = []
    size = measure(opening + closing)
    for chunk in chunks:
        extra = measure(chunk)
        if size + extra + _cut_note_size(measure) > room:
            break
        taken.append(chunk)
        size += extra
    if not taken:
        return "", len(chunks)
    left = len(chunks) - len(taken)
    note = f"… {left} more resource{'s' if left != 1 else ''} not shown\n" if left else ""
    return opening + "".join(taken) + note + closing, left


def _cut_note_size(measure: Measure) -> int:
    return measure("… 99999 more resources not shown\n")


def _summary_line(root: RootDiff) -> str:
    what = f"{root.kind} <code>{html.escape(root.path or '.')}</code>"
    if root.status == "error":
        state = "render error"
    else:
        state = ", ".join(
            f"{root.count(c)} {c}" for c in ("added", "changed", "removed") if root.count(c)
        )
    name = html.escape(root.name) + html.escape(_presence(root))
    return f"<details><summary><b>{name}</b> ({what}): {state}</summary>"


def _notice(omitted: _Omitted, reason: str, where: str) -> str:
    parts = []
    if omitted.resources or omitted.roots:
        parts.append(
            f"{omitted.resources} resource diff{'s' if omitted.resources != 1 else ''} "
            f"in {omitted.roots} root{'s' if omitted.roots != 1 else ''}"
        )
    if omitted.images:
        parts.append(f"{omitted.images} image change{'s' if omitted.images != 1 else ''}")
    return (
        f"> [!WARNING]\n> Truncated to fit {reason}: {' and '.join(parts)} not shown here. "
        f"The full diff is in {where}.\n"
    )


def _fence(text: str) -> str:
    """A code fence longer than any backtick run inside the text."""
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)


def _code(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|").replace("\n", " ")


def _cell(text: str) -> str:
    return html.escape(text).replace("|", "\\|").replace("\n", " ")


def _image(image: str | None) -> str:
    return f"`{_code(image)}`" if image else "-"
