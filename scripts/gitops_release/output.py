"""Rendering flow results for people (text) and programs (JSON). No flow logic here."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only names for annotations: a command imports just the flow it runs
    from gitops_release.flows.bump import BumpResult
    from gitops_release.flows.preview import PreviewResult
    from gitops_release.flows.promote import PromoteResult, Promotion
    from gitops_release.flows.set_image import SetImageResult
    from gitops_release.github import PullRequest


def set_image_json(result: SetImageResult) -> dict[str, Any]:
    return {
        "changed": result.changed,
        "written": result.written,
        "app": result.app,
        "env": result.env,
        "image": result.image,
        "previous_image": result.previous_image,
        "files": [c.file for c in result.changes if c.changed],
        "edits": [e.to_json() for e in result.edits],
    }


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
    return "\n".join(lines)


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False)


def _pull_json(pull: PullRequest | None) -> dict[str, Any] | None:
    if pull is None:
        return None
    return {"number": pull.number, "url": pull.url, "title": pull.title, "draft": pull.draft}


def bump_json(result: BumpResult) -> dict[str, Any]:
    return {
        "action": result.action,
        "reason": result.reason or None,
        "app": result.app,
        "env": result.env,
        "image": result.image,
        "previous_image": result.previous_image,
        "base": result.base,
        "branch": result.branch,
        "commit": result.commit,
        "pushed": result.pushed,
        "dry_run": result.dry_run,
        "pull_request": _pull_json(result.pull_request),
        "edits": [e.to_json() for e in result.edits],
        "warnings": list(result.warnings),
    }


def bump_outputs(result: BumpResult) -> dict[str, str]:
    pull = result.pull_request
    return {
        "action": result.action,
        "branch": result.branch,
        "changed": str(result.action != "unchanged").lower(),
        "pr-number": str(pull.number) if pull else "",
        "pr-url": pull.url if pull else "",
        "previous-image": result.previous_image or "",
    }


def bump_summary(result: BumpResult) -> str:
    pull = result.pull_request
    link = f"[#{pull.number}]({pull.url})" if pull else "no pull request"
    reason = f" — {result.reason}" if result.reason else ""
    return (
        f"**gitops-release bump**: {result.app} → {result.env} `{result.image}`: "
        f"{result.action} ({link}){reason}"
    )


def bump_text(result: BumpResult) -> str:
    pull = result.pull_request
    lines = [
        f"{result.action}: {result.app} → {result.env} {result.image}"
        + (f" ({result.reason})" if result.reason else "")
    ]
    if pull:
        lines.append(f"  pull request #{pull.number}: {pull.url}")
    lines.append(f"  branch {result.branch} → {result.base}")
    for edit in result.edits:
        lines.append(
            f"  {edit.file}:{edit.line}  {edit.old or '(added)'} → {edit.new or '(removed)'}"
        )
    if result.dry_run and result.diff:
        lines.append(result.diff.rstrip("\n"))
    lines += [f"  warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def _promotion_json(p: Promotion) -> dict[str, Any]:
    return {
        "action": p.action,
        "reason": p.reason or None,
        "branch": p.branch,
        "commits": list(p.change.commits) if p.change else [],
        "pull_request": _pull_json(p.pull_request),
        "source_pull_request": _pull_json(p.source_pull_request),
        "images": [{"app": i.app, "image": i.image, "previous": i.previous} for i in p.images],
        "semantic": p.semantic,
        "conflicts": list(p.conflicts),
    }


def promote_json(result: PromoteResult) -> dict[str, Any]:
    """Top-level keys describe the last change of the push; `promotions` lists every change."""
    items = [_promotion_json(p) for p in result.promotions]
    last = (
        items[-1]
        if items
        else {
            "action": "unchanged",
            "reason": "no changes",
            "pull_request": None,
            "source_pull_request": None,
        }
    )
    return {
        **last,
        "from_env": result.from_env,
        "to_env": result.to_env,
        "base": result.base,
        "dry_run": result.dry_run,
        "promotions": items,
    }


def promote_app_json(result: BumpResult, from_env: str, to_env: str) -> dict[str, Any]:
    return {
        **bump_json(result),
        "from_env": from_env,
        "to_env": to_env,
        "source_pull_request": None,
    }


def promote_outputs(data: dict[str, Any]) -> dict[str, str]:
    pull = data.get("pull_request") or {}
    return {
        "action": str(data.get("action", "")),
        "pr-number": str(pull.get("number", "")),
        "pr-url": str(pull.get("url", "")),
        "result": json.dumps(data, sort_keys=True),
    }


def promote_summary(result: PromoteResult) -> str:
    lines = [f"**gitops-release promote** {result.from_env} → {result.to_env}:"]
    for p in result.promotions:
        link = f"[#{p.pull_request.number}]({p.pull_request.url})" if p.pull_request else "no PR"
        what = p.change.short if p.change else "?"
        lines.append(f"- {what}: {p.action} ({link}){' — ' + p.reason if p.reason else ''}")
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


def preview_json(result: PreviewResult) -> dict[str, Any]:
    from gitops_release.diff.report import to_json  # noqa: PLC0415
    from gitops_release.gates.reporters import to_json as gates_json  # noqa: PLC0415

    return {
        "action": result.action,
        "pull_request": _pull_json(result.pull_request),
        "comment": {"id": result.comment.id, "url": result.comment.url} if result.comment else None,
        "state": result.state,
        "description": result.description,
        "merged_cleanly": result.merged_cleanly,
        "diff": to_json(result.diff),
        "gates": gates_json(result.gates) if result.gates else None,
    }


def preview_outputs(result: PreviewResult) -> dict[str, str]:
    return {
        "action": result.action,
        "state": result.state,
        "comment-url": result.comment.url if result.comment else "",
        "passed": str(result.state == "success").lower(),
    }


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
