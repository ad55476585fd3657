"""The release flows' results for GitHub Actions: step outputs and job summaries (Markdown)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from gitops_release.reporting.results.jsondoc import iso_utc

if TYPE_CHECKING:  # only names for annotations: a command imports just the flow it runs
    from gitops_release.flows.bump import BumpResult
    from gitops_release.flows.promote import PromoteResult
    from gitops_release.flows.tags import TagsResult
    from gitops_release.steps.pr_preview import PreviewResult


def bump_outputs(result: BumpResult) -> dict[str, str]:
    pull = result.pull_request
    return {
        "action": result.action,
        "branch": result.branch,
        "changed": str(result.action != "unchanged").lower(),
        "pr-number": str(pull.number) if pull else "",
        "pr-url": pull.url if pull else "",
        "previous-image": result.previous_image or "",
        "strategy": result.strategy or "",
    }


def bump_summary(result: BumpResult) -> str:
    pull = result.pull_request
    link = f"[#{pull.number}]({pull.url})" if pull else "no pull request"
    reason = f" — {result.reason}" if result.reason else ""
    return (
        f"**gitops-release bump**: {result.app} → {result.env} `{result.image}`: "
        f"{result.action} ({link}){reason}"
    )


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


def preview_outputs(result: PreviewResult) -> dict[str, str]:
    return {
        "action": result.action,
        "state": result.state,
        "comment-url": result.comment.url if result.comment else "",
        "passed": str(result.state == "success").lower(),
    }


def tags_outputs(result: TagsResult) -> dict[str, str]:
    return {
        "tag": result.primary,
        "tags": "\n".join(result.tags),
        "images": "\n".join(result.images),
        "sha": result.sha,
        "version": result.version or "",
        "created": iso_utc(result.created) or "",
    }
