"""The `gitops-release` command line.

Commands live in `gitops_release.commands`, one module each. Errors are caught in exactly one
place (`main`) and mapped to the documented exit codes: 0 success, 1 error, 2 usage error,
3 gate failed.
"""

from __future__ import annotations

import importlib
import sys

import click

from gitops_release import __version__, actions_io
from gitops_release.errors import ExitCode, GitopsReleaseError
from gitops_release.proc import mask

# Command name → module (in gitops_release.commands) and click command. A command's module, and
# what it needs (PyGithub, the renderers, the gates), is imported only when that command runs:
# `gitops-release --version` or a local `diff` do not pay for the others.
COMMANDS = {
    "set-image": ("set_image", "set_image_cmd"),
    "bump": ("bump", "bump_cmd"),
    "promote": ("promote", "promote_cmd"),
    "diff": ("diff", "diff_cmd"),
    "preview": ("preview", "preview_cmd"),
    "check": ("check", "check_cmd"),
    "tags": ("tags", "tags_cmd"),
    "demo": ("demo", "demo_cmd"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when they are looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        del ctx
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        del ctx
        if cmd_name not in COMMANDS:
            return None
        module, attr = COMMANDS[cmd_name]
        command: click.Command = getattr(
            importlib.import_module(f"gitops_release.commands.{module}"), attr
        )
        return command


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="gitops-release")
def cli() -> None:
    """Image bumps, promotions, rendered diffs and gates for Argo CD manifest repositories."""


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
