"""The `gitops-release` command line.

Commands live in `gitops_release.commands`, one module each. Errors are caught in exactly one
place (`main`) and mapped to the documented exit codes: 0 success, 1 error, 2 usage error,
3 gate failed.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO, cast

import click

from gitops_release import __version__, actions_io
from gitops_release.errors import ExitCode, GitopsReleaseError

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
    "branch-deploy": ("branch_deploy", "branch_deploy_cmd"),
    "preview-env": ("preview_env", "preview_env_cmd"),
    "demo": ("demo", "demo_cmd"),
    "history": ("history", "history_cmd"),
    "rollback": ("rollback", "rollback_cmd"),
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
    """Console entry point: the one place errors are caught and turned into exit codes.

    With a command's `--json` flag, stdout carries exactly one JSON document: the command's
    result or, when it stopped before printing one, `{"error": {...}}`. The human form still goes
    to stderr, and inside Actions the `::error::` annotation is emitted as well.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    watch = _StdoutWatch(sys.stdout) if json_requested(args, parsed=False) else None
    redirect = contextlib.redirect_stdout(cast("TextIO", watch)) if watch else None
    try:
        with redirect or contextlib.nullcontext():
            code = cli.main(args=args, prog_name="gitops-release", standalone_mode=False)
    except click.exceptions.Abort:
        _fail(args, watch, "aborted", None, ExitCode.ERROR)
    except click.ClickException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `gitops-release` alone: the help
            exc.show()
            sys.exit(ExitCode.USAGE)
        message, hint = usage_message(exc)
        _fail(args, watch, message, hint, ExitCode.USAGE, parsed=False)
    except GitopsReleaseError as exc:
        _fail(args, watch, exc.message, exc.hint, exc.exit_code)
    except Exception as exc:
        if watch is None or not json_requested(args, parsed=True):
            raise
        # A bug: the traceback for people, and still one JSON document for the caller.
        import traceback  # noqa: PLC0415

        from gitops_release.proc import mask  # noqa: PLC0415

        click.echo(mask("".join(traceback.format_exception(exc))).rstrip("\n"), err=True)
        _fail(
            args,
            watch,
            f"internal error: {type(exc).__name__}: {exc}",
            "this is a bug in gitops-release: please report it with the command line and the "
            "traceback above",
            ExitCode.ERROR,
        )
    sys.exit(code if isinstance(code, int) else ExitCode.OK)


def _fail(
    args: Sequence[str],
    watch: _StdoutWatch | None,
    message: str,
    hint: str | None,
    exit_code: int,
    *,
    parsed: bool = True,
) -> NoReturn:
    as_json = watch is not None and json_requested(args, parsed=parsed)
    # A command that already printed its result (a preview whose gates failed) keeps stdout to
    # that one document; the error is on stderr and in the exit code.
    show_error(message, hint, exit_code, as_json=as_json, to_stdout=not (watch and watch.printed))
    sys.exit(exit_code)


def report(exc: GitopsReleaseError) -> None:
    """Print an error for people (stderr) and, inside Actions, as an annotation."""
    show_error(exc.message, exc.hint, exc.exit_code)


def show_error(
    message: str,
    hint: str | None,
    exit_code: int,
    *,
    as_json: bool = False,
    to_stdout: bool = True,
) -> None:
    """`error: …` / `  hint: …` on stderr; inside Actions an `::error::` annotation; with
    `as_json` (and `to_stdout`) `{"error": {"message", "hint", "exit_code"}}` on stdout. Every
    known secret is masked in all of them."""
    # proc (subprocess) loads here, not at start-up: `--version` and `--help` never need it.
    from gitops_release.proc import mask  # noqa: PLC0415

    message = mask(message)
    hint = mask(hint) if hint else None
    if actions_io.in_actions():
        actions_io.command(
            "error",
            message + (f"\n{hint}" if hint else ""),
            # The runner reads workflow commands on stderr too; stdout stays one JSON document.
            stream=sys.stderr if as_json else None,
            title="gitops-release",
        )
    click.echo(f"error: {message}", err=True)
    if hint:
        click.echo(f"  hint: {hint}", err=True)
    if as_json and to_stdout:
        error = {"message": message, "hint": hint, "exit_code": int(exit_code)}
        click.echo(json.dumps({"error": error}, indent=2, ensure_ascii=False))


def usage_message(exc: click.ClickException) -> tuple[str, str]:
    """Click's usage error as our `error:` / `hint:` pair (click's own form starts `Error:`)."""
    possibilities = getattr(exc, "possibilities", None)
    command_name = getattr(exc, "command_name", None)  # click's lazy group knows no commands
    if isinstance(command_name, str) and not possibilities:
        import difflib  # noqa: PLC0415  (only for a mistyped command: start-up stays light)

        possibilities = difflib.get_close_matches(command_name, COMMANDS)
    text = (exc.message if possibilities else exc.format_message()).strip()
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    if text[:1].isupper() and not text[1:2].isupper():
        text = text[:1].lower() + text[1:]
    ctx = getattr(exc, "ctx", None)
    if isinstance(ctx, click.Context) and ctx.command is not cli:
        hint = f"run `{ctx.command_path} --help` to see its options"
    else:
        hint = "run `gitops-release --help` to see the commands"
    if possibilities:
        choices = " or ".join(f"'{p}'" for p in possibilities)
        hint = f"did you mean {choices}? ({hint})"
    return text, hint


def json_requested(args: Sequence[str], *, parsed: bool) -> bool:
    """Whether the invoked command has a `--json` flag and the command line gives it.

    With `parsed`, the command line is parsed again (resiliently, as completion does) so that
    `--app --json` is an option value, not the flag. Without it (the command line could not be
    parsed: a usage error) any `--json` before `--` counts.
    """
    rest = list(args[1:])
    if not args or args[0] not in COMMANDS or "--json" not in rest[: _end_of_options(rest)]:
        return False
    name, command = args[0], cli.get_command(click.Context(cli), args[0])
    # A group's subcommand (`branch-deploy deploy --json`) is the command that has the flag.
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        sub = command.get_command(click.Context(command), rest[0])
        if sub is None:
            break
        name, command, rest = rest[0], sub, rest[1:]
    flags = [
        p
        for p in (command.params if command is not None else ())
        if isinstance(p, click.Option) and p.is_flag and "--json" in p.opts
    ]
    if command is None or not flags:
        return False
    if not parsed:
        return True
    try:
        ctx = command.make_context(name, rest, resilient_parsing=True, ignore_unknown_options=True)
    except click.ClickException:
        return True
    return bool(ctx.params.get(flags[0].name or ""))


def _end_of_options(args: list[str]) -> int:
    return args.index("--") if "--" in args else len(args)


class _StdoutWatch:
    """`sys.stdout`, noting whether the command printed anything but workflow commands."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.printed = False

    def write(self, text: str) -> int:
        if isinstance(text, str) and text.strip() and not text.startswith("::"):
            self.printed = True
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
