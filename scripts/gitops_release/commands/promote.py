"""`gitops-release promote`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from gitops_release import actions_io
from gitops_release.commands import common
from gitops_release.errors import UsageError
from gitops_release.reporting import results as output


def _push_event() -> dict[str, Any]:
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path or os.environ.get("GITHUB_EVENT_NAME") != "push":
        return {}
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


@click.command("promote")
@common.github_options
@click.option("--sha", default=None, help="The staging commit [default: the push event's after].")
@click.option(
    "--before",
    default=None,
    help="Start of a pushed range (rebase merges) [default: the push event's before].",
)
@click.option("--from-env", default="staging", show_default=True, help="Source environment.")
@click.option(
    "--to-env",
    default=None,
    help="Target environment [default: the one whose promote_from is --from-env].",
)
@click.option(
    "--on-conflict",
    type=click.Choice(["fail", "draft"]),
    default="fail",
    show_default=True,
    help="What to do when the cherry-pick conflicts.",
)
@click.option(
    "--app", default=None, help="Directory-per-environment repos: promote this app's image."
)
@click.option("--base", default=None, help="Directory mode: the branch [default: default branch].")
@click.option(
    "--no-preview",
    is_flag=True,
    help="Do not post the preview + gates comment on the production PR.",
)
@click.option("--dry-run", is_flag=True, help="Plan and apply locally; publish nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def promote_cmd(
    manifest_repo: str,
    api_url: str | None,
    git_url: str | None,
    token_env: str,
    sha: str | None,
    before: str | None,
    from_env: str,
    to_env: str | None,
    on_conflict: str,
    app: str | None,
    base: str | None,
    *,
    no_preview: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Open one production PR per change merged into the staging branch."""
    from gitops_release.flows.promote import PromoteRequest, promote  # noqa: PLC0415
    from gitops_release.flows.promote.directory import (  # noqa: PLC0415
        PromoteAppRequest,
        promote_app,
    )
    from gitops_release.github import connect  # noqa: PLC0415

    repo = common.repo_name(manifest_repo)
    secret = common.token(token_env)
    forge = connect(common.api_url(api_url), secret, repo)
    url = common.git_url(git_url, repo, api_url)
    if app is not None:
        promoted = promote_app(
            PromoteAppRequest(
                manifest_repo=repo, git_url=url, app=app, from_env=from_env, to_env=to_env,
                base=base, dry_run=dry_run, token=secret, server_url=common.server_url(),
            ),
            forge,
        )  # fmt: skip
        data = output.promote_app_json(promoted.bump, from_env, promoted.to_env)
        actions_io.set_outputs(output.promote_outputs(data))
        click.echo(output.dumps(data) if as_json else output.bump_text(promoted.bump))
        return
    event = _push_event()
    sha = sha or event.get("after")
    before = before or event.get("before")
    if not sha:
        raise UsageError(
            "promote needs --sha (or a push event in GitHub Actions)",
            hint="e.g. --sha $(git rev-parse HEAD) on the staging branch",
        )
    result_all = promote(
        PromoteRequest(
            manifest_repo=repo,
            git_url=url,
            sha=sha,
            before=before,
            from_env=from_env,
            to_env=to_env,
            on_conflict=on_conflict,  # type: ignore[arg-type]
            dry_run=dry_run,
            preview=not no_preview,
            token=secret,
        ),
        forge,
    )
    data = output.promote_json(result_all)
    for item, promotion in zip(data["promotions"], result_all.promotions, strict=True):
        shown = promotion.preview
        item["preview"] = (
            {"action": shown.action, "state": shown.state, "url": shown.url} if shown else None
        )
    if data["promotions"]:
        data["preview"] = data["promotions"][-1]["preview"]
    actions_io.set_outputs(output.promote_outputs(data))
    actions_io.append_summary(output.promote_summary(result_all))
    click.echo(output.dumps(data) if as_json else output.promote_text(result_all))
    failed = [p for p in result_all.promotions if p.action == "conflict" and not p.pull_request]
    if failed:
        from gitops_release.flows.promote import PromotionConflict  # noqa: PLC0415
        from gitops_release.flows.promote.text import manual_commands  # noqa: PLC0415

        if all(p.source_pull_request for p in failed):
            where = "the source pull request has a comment with the commands to promote it by hand"
        else:  # a direct push has no pull request to comment on: the commands go here
            where = "promote it by hand:\n" + "".join(
                manual_commands(p.change, result_all.base, p.branch or "", p.conflicts)
                for p in failed
                if p.change is not None
            )
        raise PromotionConflict(
            "the cherry-pick conflicted; nothing was pushed",
            hint=f"run with --on-conflict draft, or {where}",
        )
