"""`gitops-release branch-deploy`: `deploy`, `undeploy`, `expire` (the manifest repository's side),
and `parse`, `report` (the app repository's side, in `branch_deploy_app`)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click

from gitops_release import actions_io
from gitops_release.commands import common
from gitops_release.commands.branch_deploy_app import parse_cmd, report_cmd
from gitops_release.errors import ExitCode
from gitops_release.reporting.jsondoc import dumps

if TYPE_CHECKING:  # names for annotations: the flows are imported when a command runs
    from gitops_release.flows.branch_deploy import BranchDeploy
    from gitops_release.github import Forge


@click.group("branch-deploy")
def branch_deploy_cmd() -> None:
    """Lend an environment to a pull request's image (`/deploy`), and give it back."""


def _ttl(value: str | None) -> int | None:
    if value is None:
        return None
    from gitops_release.config.model import parse_duration  # noqa: PLC0415

    return parse_duration(value)


def _target(
    manifest: tuple[str, str, str, Forge],
    env: str,
    source_repo: str | None,
    source_pr: int,
    app: str | None,
) -> BranchDeploy:
    from gitops_release.flows.branch_deploy import BranchDeploy  # noqa: PLC0415

    repo, url, secret, _ = manifest
    return BranchDeploy(
        repo,
        url,
        env,
        common.source_repo(source_repo, what="branch deploys"),
        source_pr,
        app,
        token=secret,
    )


def _emit(data: dict[str, Any], *, as_json: bool, text: str) -> None:
    actions_io.set_outputs({k: "" if v is None else str(v) for k, v in data.items()})
    click.echo(dumps(data) if as_json else text)


@branch_deploy_cmd.command("deploy")
@common.github_options
@click.option("--env", "env", required=True, help="Environment to lend (branch_deploy:).")
@click.option("--image", "image_ref", required=True, help="The pull request's image.")
@click.option("--source-repo", default=None, metavar="OWNER/NAME", help="App repository.")
@click.option("--source-pr", type=int, required=True, help="The app pull request number.")
@click.option("--app", default=None, help="App name (default: the app whose image matches).")
@click.option("--ttl", default=None, help="Lend it for this long (e.g. 8h) [default: config].")
@click.option("--actor", default=None, help="Who asked [default: $GITHUB_ACTOR].")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def deploy_cmd(
    manifest_repo: str,
    api_url: str | None,
    git_url: str | None,
    token_env: str,
    env: str,
    image_ref: str,
    source_repo: str | None,
    source_pr: int,
    app: str | None,
    ttl: str | None,
    actor: str | None,
    *,
    as_json: bool,
) -> None:
    """Put a pull request's image on an environment, locked to that pull request."""
    from gitops_release.flows.branch_deploy import DeployRequest, deploy  # noqa: PLC0415
    from gitops_release.image import parse  # noqa: PLC0415
    from gitops_release.locks import iso  # noqa: PLC0415

    manifest = common.manifest_client(manifest_repo, api_url, git_url, token_env)
    target = _target(manifest, env, source_repo, source_pr, app)
    request = DeployRequest(
        target, parse(image_ref), actor or os.environ.get("GITHUB_ACTOR", ""), _ttl(ttl)
    )
    result = deploy(request, manifest[3])
    data = {
        "action": result.action,
        "environment": result.environment,
        "app": result.app,
        "image": result.image,
        "restore_image": result.restore_image,
        "expires_at": iso(result.expires_at) if result.expires_at else None,
        "held_by": result.held_by,
        "commit": result.commit,
    }
    text = f"{result.action}: {result.environment} {result.app} → {result.image}"
    _emit(data, as_json=as_json, text=text + (f" ({result.reason})" if result.reason else ""))
    if result.action == "locked":
        sys.exit(ExitCode.ERROR)


@branch_deploy_cmd.command("undeploy")
@common.github_options
@click.option("--env", "env", required=True, help="The lent environment.")
@click.option("--app", default=None, help="App name [default: the one the PR holds].")
@click.option("--source-repo", default=None, metavar="OWNER/NAME", help="App repository.")
@click.option("--source-pr", type=int, required=True, help="The app pull request number.")
@click.option("--reason", default="undeployed", show_default=True, help="Why (commit message).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def undeploy_cmd(
    manifest_repo: str,
    api_url: str | None,
    git_url: str | None,
    token_env: str,
    env: str,
    app: str | None,
    source_repo: str | None,
    source_pr: int,
    reason: str,
    *,
    as_json: bool,
) -> None:
    """Give the environment back: the image from before (or a newer mainline one)."""
    from gitops_release.flows.branch_deploy import undeploy  # noqa: PLC0415

    manifest = common.manifest_client(manifest_repo, api_url, git_url, token_env)
    target = _target(manifest, env, source_repo, source_pr, app)
    result = undeploy(target, manifest[3], reason=reason)
    data = {"action": result.action, "image": result.image}
    text = f"{result.action}: {result.environment} {result.app}" + (
        f" runs {result.image} again" if result.image else f" ({result.reason})"
    )
    _emit(data, as_json=as_json, text=text)


@branch_deploy_cmd.command("expire")
@common.github_options
@click.option("--now", default=None, help="The time to compare expiries with (ISO 8601).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def expire_cmd(
    manifest_repo: str,
    api_url: str | None,
    git_url: str | None,
    token_env: str,
    now: str | None,
    *,
    as_json: bool,
) -> None:
    """Give back every environment whose branch deploy has expired (run on a schedule)."""
    from gitops_release.flows.branch_deploy import expire  # noqa: PLC0415

    repo, url, secret, forge = common.manifest_client(manifest_repo, api_url, git_url, token_env)
    expired = expire(repo, url, forge, now=common.iso_time(now, "--now"), token=secret)
    items: list[dict[str, Any]] = [
        {
            "environment": e.environment,
            "app": e.app,
            "held_by": e.held_by,
            "image": e.image,
            # The holder's repository and pull request, for feedback on it.
            "repo": e.held_by.rpartition("#")[0],
            "pr": int(e.held_by.rpartition("#")[2]),
        }
        for e in expired
    ]
    common.emit_expired(
        items,
        as_json=as_json,
        line=lambda i: f"expired: {i['environment']} {i['app']} ({i['held_by']}) → {i['image']}",
        key="expired_list",
    )


branch_deploy_cmd.add_command(parse_cmd)
branch_deploy_cmd.add_command(report_cmd)
