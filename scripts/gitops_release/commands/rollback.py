"""`gitops-release rollback`."""

from __future__ import annotations

import click

from gitops_release import actions_io
from gitops_release.commands import common
from gitops_release.errors import UsageError
from gitops_release.reporting.jsondoc import dumps


@click.command("rollback")
@common.github_options
@click.option("--env", "env", required=True, help="Environment name from .gitops-release.yaml.")
@click.option("--app", required=True, help="App name from .gitops-release.yaml.")
@click.option(
    "--to",
    "to",
    default=None,
    metavar="IMAGE",
    help="An image (or its tag) the environment ran before.",
)
@click.option(
    "--steps",
    type=int,
    default=None,
    help="Go back this many images [default: 1, the image before the current one].",
)
@click.option(
    "--direct",
    is_flag=True,
    help="Commit straight to the environment's branch (needs `rollback: {direct: true}`).",
)
@click.option("--reason", default=None, help="Why: shown in the pull request or commit.")
@click.option("--label", "labels", multiple=True, help="Label for the PR (repeatable).")
@click.option(
    "--no-preview", is_flag=True, help="Do not post the preview + gates comment on the PR."
)
@click.option("--dry-run", is_flag=True, help="Plan and commit locally; push and open nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def rollback_cmd(
    manifest_repo: str,
    api_url: str | None,
    git_url: str | None,
    token_env: str,
    env: str,
    app: str,
    to: str | None,
    steps: int | None,
    reason: str | None,
    labels: tuple[str, ...],
    *,
    direct: bool,
    no_preview: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Put back an image ENV ran before: a pull request, or a direct commit in emergencies."""
    from gitops_release.flows.rollback import RollbackRequest, rollback  # noqa: PLC0415
    from gitops_release.github import connect  # noqa: PLC0415
    from gitops_release.reporting.history import (  # noqa: PLC0415
        rollback_json,
        rollback_outputs,
        rollback_summary,
        rollback_text,
    )

    if to is not None and steps is not None:
        raise UsageError(
            "--to and --steps are exclusive", hint="name the image (--to) or count back (--steps)"
        )
    repo = common.repo_name(manifest_repo)
    secret = common.token(token_env)
    request = RollbackRequest(
        manifest_repo=repo,
        git_url=common.git_url(git_url, repo, api_url),
        env=env,
        app=app,
        to=to,
        steps=1 if steps is None else steps,
        direct=direct,
        reason=reason,
        labels=labels,
        dry_run=dry_run,
        preview=not no_preview,
        server_url=common.server_url(),
        token=secret,
    )
    result = rollback(request, connect(common.api_url(api_url), secret, repo))
    data = rollback_json(result)
    actions_io.set_outputs(rollback_outputs(data))
    actions_io.append_summary(rollback_summary(result))
    click.echo(dumps(data) if as_json else rollback_text(result))
