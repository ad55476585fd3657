"""`gitops-release branch-deploy parse|report`: the app repository's side of branch deploys.

`parse` reads a `/deploy [ENV]` / `/undeploy` comment (or a closed pull request) and says what to
do; `report` tells the pull request how it went. Both talk to the app repository, not to the
manifest repository, so they take `--repo` instead of `--manifest-repo`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from gitops_release import actions_io
from gitops_release.commands import common
from gitops_release.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
ROLES = ("read", "triage", "write", "maintain", "admin")


def app_github_options(fn: F) -> F:
    """--api-url and --token-env, as the other commands take them (no manifest repository)."""
    fn = click.option(
        "--token-env",
        default="GITHUB_TOKEN",
        show_default=True,
        metavar="NAME",
        help="Environment variable holding the token.",
    )(fn)
    return click.option(
        "--api-url",
        default=None,
        metavar="URL",
        help="GitHub REST API URL [default: $GITHUB_API_URL or api.github.com].",
    )(fn)


def app_repo(value: str | None, event: dict[str, Any] | None = None) -> str:
    """--repo, else $GITHUB_REPOSITORY, else the event's repository."""
    chosen = value or os.environ.get("GITHUB_REPOSITORY")
    if not chosen and event is not None:
        chosen = (event.get("repository") or {}).get("full_name")
    if not chosen:
        raise UsageError(
            "no app repository: pass --repo OWNER/NAME",
            hint="inside GitHub Actions $GITHUB_REPOSITORY is used",
        )
    if not _REPO.match(chosen):
        raise UsageError(f"--repo '{chosen}' is not OWNER/NAME", hint="e.g. --repo acme/web")
    return chosen


def run_url() -> str | None:
    run_id, repo = os.environ.get("GITHUB_RUN_ID"), os.environ.get("GITHUB_REPOSITORY")
    if not run_id or not repo:
        return None
    return f"{common.server_url()}/{repo}/actions/runs/{run_id}"


def event_options(*, asker: str, verb: str) -> Callable[[F], F]:
    """--event, --event-name, --repo, --min-permission, --allow-forks: what a ChatOps `parse`
    command reads (`asker`: who needs the permission; `verb`: what forks are allowed to get)."""

    def decorate(fn: F) -> F:
        options = [
            click.option(
                "--event",
                "event_path",
                type=click.Path(dir_okay=False, path_type=Path),
                required=True,
                help="The event JSON ($GITHUB_EVENT_PATH).",
            ),
            click.option(
                "--event-name",
                type=click.Choice(["issue_comment", "pull_request"]),
                required=True,
                help="The event's name ($GITHUB_EVENT_NAME).",
            ),
            click.option(
                "--repo",
                default=None,
                metavar="OWNER/NAME",
                help="The app repository [default: $GITHUB_REPOSITORY, else the event's "
                "repository].",
            ),
            click.option(
                "--min-permission",
                type=click.Choice(ROLES),
                default="write",
                show_default=True,
                help=f"The least role on the app repository {asker} needs.",
            ),
            click.option(
                "--allow-forks",
                is_flag=True,
                help=f"Also {verb} pull requests whose head is in a fork.",
            ),
        ]
        for option in reversed(options):
            fn = option(fn)
        return fn

    return decorate


@click.command("parse")
@event_options(asker="a commenter", verb="deploy")
@app_github_options
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
def parse_cmd(
    event_path: Path,
    event_name: str,
    repo: str | None,
    min_permission: str,
    api_url: str | None,
    token_env: str,
    *,
    allow_forks: bool,
    as_json: bool,
) -> None:
    """Read a /deploy or /undeploy comment (or a closed pull request): what to do, and whether
    the commenter may. Refusals are answers (allowed: false), not errors."""
    from gitops_release.flows.branch_event import (  # noqa: PLC0415
        EventDecision,
        EventName,
        decide,
        load_event,
        read_event,
    )
    from gitops_release.github import Role, connect  # noqa: PLC0415

    data = load_event(event_path)
    request = read_event(data, cast("EventName", event_name), source=str(event_path))
    full_name = app_repo(repo, data)
    if request.needs_github:
        secret = common.token(token_env)
        decision = decide(
            request,
            connect(common.api_url(api_url), secret, full_name),
            min_role=cast("Role", min_permission),
            allow_forks=allow_forks,
        )
    else:
        decision = EventDecision.of(request)
    for warning in decision.warnings:
        click.echo(f"warning: {warning}", err=True)
    actions_io.set_outputs(decision.outputs())
    if as_json:
        click.echo(json.dumps(decision.as_json(), indent=2, sort_keys=True))
        return
    verdict = "allowed" if decision.allowed else "not allowed"
    pr = f" #{decision.pr}" if decision.pr is not None else ""
    click.echo(f"{decision.command}{pr}: {verdict}: {decision.reason}")


@click.command("report")
@click.option("--repo", default=None, metavar="OWNER/NAME", help="The app repository.")
@click.option("--pr", type=int, required=True, help="The app pull request.")
@click.option(
    "--state",
    type=click.Choice(["building", "deployed", "refused", "undeployed", "failed"]),
    required=True,
    help="What happened.",
)
@click.option(
    "--environment", default=None, help="The environment (needed for deployed and undeployed)."
)
@click.option("--image", default=None, metavar="REF", help="The image deployed.")
@click.option("--expires-at", default=None, metavar="ISO", help="When the deploy expires.")
@click.option("--reason", default=None, metavar="TEXT", help="Why (refused, failed).")
@click.option("--sha", default=None, help="The commit deployed [default: the pull request's head].")
@app_github_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def report_cmd(
    repo: str | None,
    pr: int,
    state: str,
    environment: str | None,
    image: str | None,
    expires_at: str | None,
    reason: str | None,
    sha: str | None,
    api_url: str | None,
    token_env: str,
    *,
    as_json: bool,
) -> None:
    """Keep one comment on the app pull request saying how its branch deploy went, and for
    deployed/undeployed record a GitHub Deployment (success / inactive)."""
    from gitops_release.flows.branch_report import ReportRequest, State, report  # noqa: PLC0415
    from gitops_release.github import connect  # noqa: PLC0415

    full_name = app_repo(repo)
    secret = common.token(token_env)
    result = report(
        ReportRequest(
            pr=pr,
            state=cast("State", state),
            environment=environment,
            image=image,
            expires_at=expires_at,
            reason=reason,
            sha=sha,
            run_url=run_url(),
        ),
        connect(common.api_url(api_url), secret, full_name),
    )
    outputs = {k: "" if v is None else str(v) for k, v in result.as_json().items()}
    actions_io.set_outputs(outputs)
    if as_json:
        click.echo(json.dumps(result.as_json(), indent=2, sort_keys=True))
        return
    deployment = (
        f"; deployment {result.deployment_id} {result.deployment_state}"
        if result.deployment_id is not None
        else ""
    )
    click.echo(f"#{result.pr} {result.state}: comment {result.comment}{deployment}")
