"""`gitops-release bump`."""

from __future__ import annotations

import os

import click

from gitops_release import actions_io
from gitops_release.commands import common
from gitops_release.reporting import results as output


@click.command("bump")
@common.github_options
@click.option("--env", "env", required=True, help="Environment name from .gitops-release.yaml.")
@click.option("--image", "image_ref", required=True, help="Full image reference to deploy.")
@click.option("--app", default=None, help="App name (default: the app whose image matches).")
@click.option("--base", default=None, help="Base branch [default: the environment's branch].")
@click.option("--label", "labels", multiple=True, help="Label for the PR (repeatable).")
@click.option("--reviewer", "reviewers", multiple=True, help="Reviewer login (repeatable).")
@click.option("--auto-merge", is_flag=True, help="Enable auto-merge (squash) on the PR.")
@click.option(
    "--source-repo",
    default=None,
    metavar="OWNER/NAME",
    help="App repo the image was built from [default: $GITHUB_REPOSITORY].",
)
@click.option("--source-sha", default=None, help="App commit [default: $GITHUB_SHA].")
@click.option("--source-pr", type=int, default=None, help="App pull request number.")
@click.option("--allow-downgrade", is_flag=True, help="Allow a lower semver tag.")
@click.option(
    "--strategy",
    default=None,
    metavar="NAME",
    help="Release strategy (a preset of apps.<app>.strategies) [default: the app's default].",
)
@click.option("--dry-run", is_flag=True, help="Plan and commit locally; push and open nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def bump_cmd(
    manifest_repo: str,
    api_url: str | None,
    git_url: str | None,
    token_env: str,
    env: str,
    image_ref: str,
    app: str | None,
    base: str | None,
    labels: tuple[str, ...],
    reviewers: tuple[str, ...],
    source_repo: str | None,
    source_sha: str | None,
    source_pr: int | None,
    strategy: str | None,
    *,
    auto_merge: bool,
    allow_downgrade: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Open or update the manifest-repo PR that deploys IMAGE to ENV."""
    from gitops_release.flows.bump import BumpRequest, Source, bump  # noqa: PLC0415
    from gitops_release.github import connect  # noqa: PLC0415
    from gitops_release.image import parse  # noqa: PLC0415

    repo = common.repo_name(manifest_repo)
    secret = common.token(token_env)
    request = BumpRequest(
        manifest_repo=repo,
        env=env,
        image=parse(image_ref),
        app=app,
        git_url=common.git_url(git_url, repo, api_url),
        base=base,
        labels=labels,
        reviewers=reviewers,
        auto_merge=auto_merge,
        source=Source(
            repo=source_repo or os.environ.get("GITHUB_REPOSITORY"),
            sha=source_sha or os.environ.get("GITHUB_SHA"),
            pr=source_pr,
            server_url=common.server_url(),
        ),
        allow_downgrade=allow_downgrade,
        dry_run=dry_run,
        token=secret,
        strategy=strategy,
    )
    result = bump(request, connect(common.api_url(api_url), secret, repo))
    data = output.bump_json(result)
    actions_io.set_outputs(output.bump_outputs(result))
    actions_io.append_summary(output.bump_summary(result))
    for warning in result.warnings:
        if actions_io.in_actions():
            actions_io.command("warning", warning, title="gitops-release bump")
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        click.echo(output.dumps(data))
    else:
        click.echo(output.bump_text(result))
