"""`gitops-release history`."""

from __future__ import annotations

import click

from gitops_release.commands import common
from gitops_release.reporting.jsondoc import dumps


@click.command("history")
@common.github_options
@click.option("--env", "env", required=True, help="Environment name from .gitops-release.yaml.")
@click.option("--app", required=True, help="App name from .gitops-release.yaml.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="How many deployments to show.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def history_cmd(
    manifest_repo: str,
    api_url: str | None,
    git_url: str | None,
    token_env: str,
    env: str,
    app: str,
    limit: int,
    *,
    as_json: bool,
) -> None:
    """What ENV ran of APP, newest first: image, previous, pull request, source, kind."""
    from gitops_release.flows.history import HistoryRequest, history  # noqa: PLC0415
    from gitops_release.github import connect  # noqa: PLC0415
    from gitops_release.reporting.history import history_json, history_text  # noqa: PLC0415

    repo = common.repo_name(manifest_repo)
    secret = common.token(token_env)
    request = HistoryRequest(
        manifest_repo=repo,
        git_url=common.git_url(git_url, repo, api_url),
        env=env,
        app=app,
        limit=limit,
        token=secret,
    )
    result = history(request, connect(common.api_url(api_url), secret, repo))
    click.echo(dumps(history_json(result)) if as_json else history_text(result))
