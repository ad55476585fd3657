"""The release flows' results as the JSON documents of `--json` (a public contract)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from gitops_release.locks import iso

if TYPE_CHECKING:  # only names for annotations: a command imports just the flow it runs
    from gitops_release.flows.bump import BumpResult
    from gitops_release.flows.promote import PromoteResult, Promotion
    from gitops_release.flows.set_image import SetImageResult
    from gitops_release.flows.tags import TagsResult
    from gitops_release.github import PullRequest
    from gitops_release.steps.pr_preview import PreviewResult


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
        "strategy": result.strategy,
        "strategy_edits": [e.to_json() for e in result.strategy_edits],
    }


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
        "locked_by": result.locked_by,
        "strategy": result.strategy,
        "strategy_edits": [e.to_json() for e in result.strategy_edits],
    }


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


def preview_json(result: PreviewResult) -> dict[str, Any]:
    from gitops_release.reporting.diff.jsondoc import to_json  # noqa: PLC0415
    from gitops_release.reporting.gates.jsondoc import to_json as gates_json  # noqa: PLC0415

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


def tags_json(result: TagsResult) -> dict[str, Any]:
    return {
        "kind": result.kind,
        "tag": result.primary,
        "tags": list(result.tags),
        "images": list(result.images),
        "sha": result.sha,
        "short_sha": result.short_sha,
        "branch": result.branch,
        "version": result.version,
        "pr_number": result.pr_number,
        "created": iso_utc(result.created),
        "warnings": list(result.warnings),
    }


def iso_utc(moment: datetime | None) -> str | None:
    """A moment as `YYYY-MM-DDTHH:MM:SSZ` (UTC), the form tags and JSON use."""
    return None if moment is None else iso(moment)
