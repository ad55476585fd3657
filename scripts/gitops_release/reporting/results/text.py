"""The release flows' results as text for terminals."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only names for annotations: a command imports just the flow it runs
    from collections.abc import Sequence

    from gitops_release.edit.model import StrategyEdit
    from gitops_release.flows.bump import BumpResult
    from gitops_release.flows.promote import PromoteResult
    from gitops_release.flows.set_image import SetImageResult
    from gitops_release.steps.pr_preview import PreviewResult


def set_image_text(result: SetImageResult, *, dry_run: bool) -> str:
    if not result.changed:
        return f"{result.app}: {result.env} already runs {result.image}; nothing to change."
    lines = [
        f"{result.app}: {result.env} → {result.image}"
        + (" (dry run: nothing written)" if dry_run else "")
    ]
    for edit in result.edits:
        old = edit.old if edit.old is not None else "(added)"
        new = edit.new if edit.new is not None else "(removed)"
        lines.append(f"  {edit.file}:{edit.line}  {old} → {new}")
    lines += strategy_lines(result.strategy_edits)
    return "\n".join(lines)


def strategy_lines(edits: Sequence[StrategyEdit]) -> list[str]:
    """`  rollout.yaml:7  Rollout/web: rolling → canary: 25% · pause (strategy canary)`."""
    return [
        f"  {e.file}:{e.line}  {e.resource}: {e.old} → {e.new} (strategy {e.strategy})"
        for e in edits
    ]


def bump_text(result: BumpResult) -> str:
    pull = result.pull_request
    lines = [
        f"{result.action}: {result.app} → {result.env} {result.image}"
        + (f" ({result.reason})" if result.reason else "")
    ]
    if pull:
        lines.append(f"  pull request #{pull.number}: {pull.url}")
    lines.append(f"  branch {result.branch} → {result.base}")
    if result.locked_by:
        lines.append(f"  {result.env} is lent to {result.locked_by} (a branch deploy)")
    for edit in result.edits:
        lines.append(
            f"  {edit.file}:{edit.line}  {edit.old or '(added)'} → {edit.new or '(removed)'}"
        )
    lines += strategy_lines(result.strategy_edits)
    if result.dry_run and result.diff:
        lines.append(result.diff.rstrip("\n"))
    lines += [f"  warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def promote_text(result: PromoteResult) -> str:
    lines = []
    for p in result.promotions:
        what = p.change.subject if p.change else "?"
        lines.append(f"{p.action}: {what}" + (f" ({p.reason})" if p.reason else ""))
        if p.pull_request:
            lines.append(f"  pull request #{p.pull_request.number}: {p.pull_request.url}")
        if p.source_pull_request:
            lines.append(f"  from #{p.source_pull_request.number}: {p.source_pull_request.title}")
        lines += [f"  conflict: {f}" for f in p.conflicts]
    return "\n".join(lines) or "nothing to promote"


def preview_text(result: PreviewResult) -> str:
    pull = result.pull_request
    where = f" {result.comment.url}" if result.comment else ""
    lines = [
        f"preview of #{pull.number}: comment {result.action}{where}",
        f"  {result.state}: {result.description}",
    ]
    if result.action == "skipped":
        lines += ["", result.body]
    return "\n".join(lines)
