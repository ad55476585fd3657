"""The rendered diff as a terminal report, optionally coloured."""

from __future__ import annotations

from gitops_release.diff.model import DiffResult, RootDiff
from gitops_release.reporting.diff.order import roots_in_order


def to_text(result: DiffResult, *, color: bool = False) -> str:
    """A terminal report: one line per root, image changes, then every diff."""
    base = f"base {result.base} ({result.base_commit[:12]})"
    lines = [f"{base} → head {result.head} ({result.head_commit[:12]})"]
    roots = roots_in_order(result.roots)
    if not roots:
        lines.append("no render root is affected")
    for root in roots:
        lines.append(
            f"  {root.status:<9}  {root.name}  ({root.kind} {root.path or '.'})" + _stats(root)
        )
    images = [(r.name, i) for r in roots for i in r.images]
    if images:
        lines += ["", "image changes:"]
        lines += [
            f"  {name}  {i.resource}  {i.container}: {i.old or '(none)'} → {i.new or '(none)'}"
            for name, i in images
        ]
    for root in roots:
        if root.status == "unchanged":
            continue
        lines += ["", f"=== {root.name} ({root.kind} {root.path or '.'})"]
        if root.error:
            lines.append(root.error.rstrip())
        for resource in root.resources:
            lines.append(_paint(resource.diff.rstrip("\n"), color=color))
    return "\n".join(lines) + "\n"


def _stats(root: RootDiff) -> str:
    if root.status == "error":
        return ": render error"
    extra = {"base": " [root removed]", "head": " [new root]", "both": ""}[root.presence]
    counts = f"+{root.count('added')} ~{root.count('changed')} -{root.count('removed')}"
    images = f", {len(root.images)} image change(s)" if root.images else ""
    return f": {counts}{images}{extra}"


def _paint(diff: str, *, color: bool) -> str:
    if not color:
        return diff
    out = []
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            out.append(f"\x1b[1m{line}\x1b[0m")
        elif line.startswith("+"):
            out.append(f"\x1b[32m{line}\x1b[0m")
        elif line.startswith("-"):
            out.append(f"\x1b[31m{line}\x1b[0m")
        elif line.startswith("@@"):
            out.append(f"\x1b[36m{line}\x1b[0m")
        else:
            out.append(line)
    return "\n".join(out)
