"""The `gitops-release` command line: parse options, call one flow, render its result.

Errors are caught in exactly one place (`main`) and mapped to the documented exit codes:
0 success, 1 error, 2 usage error, 3 gate failed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gitops_release import __version__, actions_io, output
from gitops_release.errors import ExitCode, GitopsReleaseError
from gitops_release.proc import mask


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gitops-release")
def cli() -> None:
    """Image bumps, promotions, rendered diffs and gates for Argo CD manifest repositories."""


@cli.command("set-image")
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
@click.option("--dry-run", is_flag=True, help="Print the diff; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def set_image_cmd(
    repo: Path,
    env: str,
    image_ref: str,
    app: str | None,
    *,
    allow_downgrade: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Set an app's image for one environment, changing only the tag/digest tokens."""
    from gitops_release.flows.set_image import SetImageRequest, set_image  # noqa: PLC0415

    result = set_image(
        SetImageRequest(
            repo=repo,
            env=env,
            image=image_ref,
            app=app,
            allow_downgrade=allow_downgrade,
            dry_run=dry_run,
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


@cli.command("demo")
@click.option("--keep", is_flag=True, help="Keep the temporary copy and print its path.")
def demo_cmd(*, keep: bool) -> None:
    """Run gitops-release on a bundled example manifest repo (no GitHub needed)."""
    from gitops_release.flows.demo import run_demo  # noqa: PLC0415

    run_demo(echo=click.echo, keep=keep)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: the one place errors are caught and turned into exit codes."""
    try:
        code = cli.main(args=argv, prog_name="gitops-release", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(ExitCode.ERROR)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.USAGE)
    except GitopsReleaseError as exc:
        _report(exc)
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)


def _report(exc: GitopsReleaseError) -> None:
    message = mask(exc.message)
    hint = mask(exc.hint) if exc.hint else None
    if actions_io.in_actions():
        actions_io.command("error", message + (f"\n{hint}" if hint else ""), title="gitops-release")
    click.echo(f"error: {message}", err=True)
    if hint:
        click.echo(f"  hint: {hint}", err=True)
