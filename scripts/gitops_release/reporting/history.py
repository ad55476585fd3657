"""`history` and `rollback` results as the JSON documents of `--json` (a public contract) and
as text for people."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from gitops_release.locks import iso

if TYPE_CHECKING:  # only names for annotations: a command imports just the flow it runs
    from gitops_release.deployments import Deployment
    from gitops_release.flows.history import HistoryResult
    from gitops_release.flows.rollback import RollbackResult


def deployment_json(item: Deployment) -> dict[str, Any]:
    source = item.source
    return {
        "image": item.image,
        "previous": item.previous,
        "commit": item.commit,
        "merged_at": iso(item.merged_at),
        "pull_request": item.pull_request,
        "source": None
        if source is None
        else {"repo": source.repo, "sha": source.sha, "pr": source.pr},
        "kind": item.kind,
    }


def history_json(result: HistoryResult) -> dict[str, Any]:
    return {
        "env": result.env,
        "app": result.app,
        "branch": result.branch,
        "deployments": [deployment_json(d) for d in result.deployments],
    }


def history_text(result: HistoryResult) -> str:
    if not result.deployments:
        return (
            f"no deployments of {result.app} to {result.env} recorded on {result.branch} "
            "(commits made by gitops-release carry the trailers history is read from)"
        )
    lines = [f"{result.app} on {result.env} ({result.branch}), newest first:"]
    for d in result.deployments:
        pr = f" #{d.pull_request}" if d.pull_request else " (direct)"
        source = f" from {d.source.repo}@{(d.source.sha or '?')[:7]}" if d.source else ""
        lines.append(f"  {iso(d.merged_at)}  {d.kind:<13} {d.image}{source}  {d.commit[:7]}{pr}")
    return "\n".join(lines)


def rollback_json(result: RollbackResult) -> dict[str, Any]:
    pull = result.pull_request
    return {
        "action": result.action,
        "from": result.from_image,
        "to": result.to_image,
        "pull_request": None
        if pull is None
        else {"number": pull.number, "url": pull.url, "title": pull.title, "draft": pull.draft},
        "commit": result.commit,
        "env": result.env,
        "app": result.app,
        "branch": result.branch,
        "base": result.base,
        "reason": result.reason or None,
        "dry_run": result.dry_run,
        "preview": None
        if result.preview is None
        else {
            "action": result.preview.action,
            "state": result.preview.state,
            "url": result.preview.url,
        },
    }


def rollback_outputs(data: dict[str, Any]) -> dict[str, str]:
    """The step outputs of the rollback action: the JSON's keys (`pull_request` as pr-number
    and pr-url), and the whole document as `result`."""
    pull = data.get("pull_request") or {}
    return {
        "action": str(data["action"]),
        "from": data["from"] or "",
        "to": data["to"],
        "pr-number": str(pull.get("number", "")),
        "pr-url": str(pull.get("url", "")),
        "commit": data["commit"] or "",
        "result": json.dumps(data, sort_keys=True),
    }


def rollback_summary(result: RollbackResult) -> str:
    """One line for the job summary: what was rolled back where, and the PR or commit."""
    where = f"**gitops-release rollback** of {result.app} on {result.env}"
    images = f"`{result.from_image or '?'}` → `{result.to_image}`"
    pull = result.pull_request
    if pull is not None:
        done = f"{result.action} [#{pull.number}]({pull.url})"
    elif result.action == "committed" and result.commit:
        done = f"committed `{result.commit[:12]}` to `{result.base}`"
    else:
        done = result.action
    reason = f" — {result.reason}" if result.reason else ""
    dry = " (dry run)" if result.dry_run else ""
    return f"{where}: {images}: {done}{dry}{reason}"


def rollback_text(result: RollbackResult) -> str:
    head = (
        f"{result.action}: {result.app} on {result.env}: {result.from_image} -> {result.to_image}"
    )
    if result.pull_request is not None:
        head += f"\n  pull request #{result.pull_request.number}: {result.pull_request.url}"
    if result.action == "committed" and result.commit:
        head += f"\n  committed {result.commit[:12]} to {result.base}"
    if result.reason:
        head += f"\n  {result.reason}"
    return head
