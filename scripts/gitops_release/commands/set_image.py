"""`gitops-release set-image`."""

from __future__ import annotations

from pathlib import Path

import click

from gitops_release import actions_io
from gitops_release.commands import common
from gitops_release.reporting import results as output


@click.command("set-image")
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Manifest repo checkout.",
)
@click.option("--env", "env", required=True, help="Environment name from .gitops-release.yaml.")
@click.option(
    "--image",
    "image_ref",
    required=True,
    help="Full reference: REPO:TAG, REPO@sha256:… or REPO:TAG@sha256:….",
)
@click.option("--app", "app", default=None, help="App name (default: the app whose image matches).")
@click.option("--allow-downgrade", is_flag=True, help="Allow a lower semver tag than the current.")
@click.option(
    "--strategy",
    default=None,
    metavar="NAME",
    help="Release strategy (a preset of apps.<app>.strategies) [default: the app's default].",
)
@click.option("--dry-run", is_flag=True, help="Print the diff; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def set_image_cmd(
    repo: Path,
    env: str,
    image_ref: str,
    app: str | None,
    strategy: str | None,
    *,
    allow_downgrade: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Set an app's image for one environment, changing only the tag/digest tokens."""
    from gitops_release.flows.set_image import SetImageRequest, set_image  # noqa: PLC0415
    from gitops_release.image import parse  # noqa: PLC0415

    result = set_image(
        SetImageRequest(
            repo=common.existing_directory(repo),
            env=env,
            image=parse(image_ref),
            app=app,
            allow_downgrade=allow_downgrade,
            dry_run=dry_run,
            strategy=strategy,
        )
    )
    if as_json:
        data = output.set_image_json(result)
        if dry_run:
            data["diff"] = result.diff()
        click.echo(output.dumps(data))
        return
    click.echo(output.set_image_text(result, dry_run=dry_run))
    if dry_run and result.changed:
        click.echo(result.diff(), nl=False)
    actions_io.set_outputs({"changed": str(result.changed).lower()})
