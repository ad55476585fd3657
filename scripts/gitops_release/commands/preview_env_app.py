"""`gitops-release preview-env parse|report`: the app repository's side of preview environments.

`parse` reads a `/preview` / `/unpreview` comment or a pull_request event (automatic mode, gated
by a label) and says what to do; `report` tells the pull request how it went. Both talk to the
app repository, so they take `--repo` instead of `--manifest-repo`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast

import click

from gitops_release import actions_io
from gitops_release.commands.branch_deploy_app import (
    app_github_options,
    app_repo,
    event_options,
    run_url,
)
from gitops_release.commands.common import api_url as resolve_api_url
from gitops_release.commands.common import token
from gitops_release.errors import UsageError


@click.command("parse")
@event_options(asker="the asker", verb="preview")
@click.option(
    "--label",
    default="preview",
    show_default=True,
    help="pull_request events: only pull requests with this label get a preview.",
)
@app_github_options
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
def parse_cmd(
    event_path: Path,
    event_name: str,
    label: str,
    repo: str | None,
    min_permission: str,
    api_url: str | None,
    token_env: str,
    *,
    allow_forks: bool,
    as_json: bool,
) -> None:
    """Read a /preview or /unpreview comment, or a pull request event: up, down or none, and
    whether it may. Refusals are answers (allowed: false), not errors."""
    from gitops_release.flows.preview_event import (  # noqa: PLC0415
        EventName,
        PreviewDecision,
        decide,
        event_of,
        read_event,
    )
    from gitops_release.github import Role, connect  # noqa: PLC0415
    from gitops_release.steps.pr_command import EventDecision, load_event  # noqa: PLC0415

    data = load_event(event_path)
    name = cast("EventName", event_name)
    request = read_event(data, name, source=str(event_path), label=label)
    full_name = app_repo(repo, data)
    if request.needs_github:
        decision = decide(
            request,
            connect(resolve_api_url(api_url), token(token_env), full_name),
            min_role=cast("Role", min_permission),
            allow_forks=allow_forks,
        )
    else:
        decision = EventDecision.of(request)
    for warning in decision.warnings:
        click.echo(f"warning: {warning}", err=True)
    answer = PreviewDecision(decision, full_name, event_of(data, name))
    actions_io.set_outputs(answer.outputs())
    if as_json:
        click.echo(json.dumps(answer.as_json(), indent=2, sort_keys=True))
        return
    verdict = "allowed" if decision.allowed else "not allowed"
    pr = f" #{decision.pr}" if decision.pr is not None else ""
    click.echo(f"{decision.command}{pr}: {verdict}: {decision.reason}")


@click.command("report")
@click.option("--repo", default=None, metavar="OWNER/NAME", help="The app repository.")
@click.option("--pr", type=int, required=True, help="The app pull request.")
@click.option(
    "--state",
    type=click.Choice(["building", "up", "refused", "removed", "failed"]),
    required=True,
    help="What happened.",
)
@click.option("--app", default=None, help="The app (needed for up and removed).")
@click.option("--url", default=None, help="The preview's URL.")
@click.option("--image", default=None, metavar="REF", help="The image previewed.")
@click.option("--expires-at", default=None, metavar="ISO", help="When the preview expires.")
@click.option("--reason", default=None, metavar="TEXT", help="Why (refused, failed).")
@click.option("--sha", default=None, help="The commit previewed [default: the PR head].")
@app_github_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def report_cmd(
    repo: str | None,
    pr: int,
    state: str,
    app: str | None,
    url: str | None,
    image: str | None,
    expires_at: str | None,
    reason: str | None,
    sha: str | None,
    api_url: str | None,
    token_env: str,
    *,
    as_json: bool,
) -> None:
    """Keep one comment per app on the app pull request saying how its preview is, and record
    a GitHub Deployment to preview/<app>/pr-<N> (success with its URL; inactive when removed)."""
    from gitops_release.flows.preview_report import ReportRequest, State, report  # noqa: PLC0415
    from gitops_release.github import connect  # noqa: PLC0415

    full_name = app_repo(repo)
    secret = token(token_env)
    result = report(
        ReportRequest(
            pr=pr,
            state=cast("State", state),
            app=app or None,
            url=url or None,
            image=image or None,
            expires_at=expires_at or None,
            reason=reason or None,
            sha=sha or None,
            run_url=run_url(),
        ),
        connect(resolve_api_url(api_url), secret, full_name),
    )
    data = result.as_json()
    actions_io.set_outputs(
        {
            k.replace("_", "-"): "" if v is None else v if isinstance(v, str) else json.dumps(v)
            for k, v in data.items()
        }
    )
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    deployment = (
        f"; deployment {result.deployment_id} {result.deployment_state}"
        if result.deployment_id is not None
        else ""
    )
    click.echo(f"#{result.pr} {result.state}: comment {result.comment}{deployment}")


@click.command("report-expired")
@click.option("--repo", default=None, metavar="OWNER/NAME", help="The app repository.")
@click.option(
    "--expired", "expired", required=True, metavar="JSON", help="`expire`'s list (its output)."
)
@app_github_options
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def report_expired_cmd(
    repo: str | None, expired: str, api_url: str | None, token_env: str, *, as_json: bool
) -> None:
    """Report `removed` on each pull request of this repository whose preview `expire` removed
    (the sticky comment says so; the Deployments become inactive)."""
    from gitops_release.flows.preview_report import expired_requests, report  # noqa: PLC0415
    from gitops_release.github import connect  # noqa: PLC0415

    full_name = app_repo(repo)
    try:
        items = json.loads(expired)
        requests, others = expired_requests(items, full_name, run_url=run_url())
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(
            f"--expired is not the list `preview-env expire` prints: {exc}",
            hint="pass the expired output of the expire step",
        ) from None
    forge = connect(resolve_api_url(api_url), token(token_env), full_name) if requests else None
    results = [report(r, forge).as_json() for r in requests if forge is not None]
    data = {"reported": results, "elsewhere": others}
    actions_io.set_outputs({"reported": str(len(results))})
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    lines = [f"#{r['pr']} {r['app']}: removed (expired)" for r in results]
    lines += [f"{o}: another repository's preview" for o in others]
    click.echo("\n".join(lines) or "nothing to report")
