"""The `gitops-release` command line.

Commands live in `gitops_release.commands`, one module each. Errors are caught in exactly one
place (`main`) and mapped to the documented exit codes: 0 success, 1 error, 2 usage error,
3 gate failed.
"""

from __future__ import annotations

import sys

import click

from gitops_release import __version__, actions_io
from gitops_release.commands.bump import bump_cmd
from gitops_release.commands.check import check_cmd
from gitops_release.commands.demo import demo_cmd
from gitops_release.commands.diff import diff_cmd
from gitops_release.commands.preview import preview_cmd
from gitops_release.commands.promote import promote_cmd
from gitops_release.commands.set_image import set_image_cmd
from gitops_release.commands.tags import tags_cmd
from gitops_release.errors import ExitCode, GitopsReleaseError
from gitops_release.proc import mask


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gitops-release")
def cli() -> None:
    """Image bumps, promotions, rendered diffs and gates for Argo CD manifest repositories."""


for _command in (
    set_image_cmd,
    bump_cmd,
    promote_cmd,
    diff_cmd,
    preview_cmd,
    check_cmd,
    tags_cmd,
    demo_cmd,
):
    cli.add_command(_command)


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
        report(exc)
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else ExitCode.OK)


def report(exc: GitopsReleaseError) -> None:
    """Print an error for people (stderr) and, inside Actions, as an annotation."""
    message = mask(exc.message)
    hint = mask(exc.hint) if exc.hint else None
    if actions_io.in_actions():
        actions_io.command("error", message + (f"\n{hint}" if hint else ""), title="gitops-release")
    click.echo(f"error: {message}", err=True)
    if hint:
        click.echo(f"  hint: {hint}", err=True)
