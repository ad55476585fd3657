"""Options, defaults and checks shared by the commands."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import click

from gitops_release import actions_io, proc
from gitops_release.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from gitops_release.github import Forge

F = TypeVar("F", bound=Callable[..., Any])
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def github_options(fn: F) -> F:
    """--manifest-repo, --api-url, --git-url, --token-env (defaults from the Actions env)."""
    for option in reversed(
        [
            click.option(
                "--manifest-repo",
                required=True,
                metavar="OWNER/NAME",
                help="The manifest repository.",
            ),
            click.option(
                "--api-url",
                default=None,
                metavar="URL",
                help="GitHub REST API URL [default: $GITHUB_API_URL or api.github.com].",
            ),
            click.option(
                "--git-url",
                default=None,
                metavar="URL",
                help="Clone URL [default: <server>/<owner>/<name>.git].",
            ),
            click.option(
                "--token-env",
                default="GITHUB_TOKEN",
                show_default=True,
                metavar="NAME",
                help="Environment variable holding the token.",
            ),
        ]
    ):
        fn = option(fn)
    return fn


def repo_name(value: str) -> str:
    if not _REPO.match(value):
        raise UsageError(
            f"--manifest-repo '{value}' is not OWNER/NAME",
            hint="e.g. --manifest-repo acme/manifests",
        )
    return value


def server_url() -> str:
    return os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")


def api_url(value: str | None) -> str:
    return (value or os.environ.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/")


def git_url(value: str | None, repo: str, api: str | None = None) -> str:
    """`--git-url`, else the clone URL on the server of an explicit `--api-url` (GitHub
    Enterprise, the emulator), else on `$GITHUB_SERVER_URL` (github.com by default)."""
    if value:
        return value
    return f"{server_for_api(api) if api else server_url()}/{repo}.git"


def server_for_api(api: str) -> str:
    """The web/git server of a REST API URL: api.github.com → github.com; HOST/api/v3 (GitHub
    Enterprise Server) → HOST; the emulator serves both at one origin."""
    parts = urlsplit(api.rstrip("/"))
    if parts.netloc.lower() == "api.github.com":
        return "https://github.com"
    path = parts.path.removesuffix("/api/v3")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def token(env_name: str) -> str:
    value = os.environ.get(env_name, "").strip()
    if not value:
        raise ConfigError(
            f"no token: the environment variable {env_name} is empty or not set",
            hint=f"set {env_name} to a token that can write the manifest repo "
            "(contents + pull-requests: write), or name another variable with --token-env",
        )
    proc.register_secret(value)
    actions_io.mask(value)
    return value


def existing_directory(path: Path, *, option: str = "--repo", what: str | None = None) -> Path:
    """`path` when it is a directory, else a usage error: a mistyped path is not a missing config.

    `what` says what the directory should be, for the hint.
    """
    if path.is_dir():
        return path
    problem = "not a directory" if path.exists() else "no such directory"
    raise UsageError(
        f"{problem}: {path} (given as {option})",
        hint=f"pass {option} with the path of {what or 'a local checkout of the manifest repo'}",
    )


def manifest_client(
    manifest_repo: str, api: str | None, git: str | None, token_env: str
) -> tuple[str, str, str, Forge]:
    """The manifest repository's name, clone URL, token and client, from the GitHub options."""
    from gitops_release.github import connect  # noqa: PLC0415

    repo = repo_name(manifest_repo)
    secret = token(token_env)
    forge = connect(api_url(api), secret, repo)
    return repo, git_url(git, repo, api), secret, forge


def source_repo(value: str | None, *, what: str) -> str:
    """--source-repo, else $GITHUB_REPOSITORY (the app repository a workflow runs in)."""
    repo = value or os.environ.get("GITHUB_REPOSITORY")
    if not repo:
        raise UsageError(
            f"{what} need the app repository: --source-repo OWNER/NAME",
            hint="pass --source-repo (in GitHub Actions it defaults to $GITHUB_REPOSITORY)",
        )
    if not _REPO.match(repo):
        raise UsageError(f"--source-repo '{repo}' is not OWNER/NAME", hint="e.g. acme/web")
    return repo


def iso_time(value: str | None, option: str) -> datetime | None:
    """An ISO 8601 time option (e.g. --now), or None when not given."""
    if value is None:
        return None
    from gitops_release.locks import parse_time  # noqa: PLC0415

    try:
        return parse_time(value)
    except ValueError:
        raise UsageError(
            f"{option} '{value}' is not an ISO 8601 time", hint="e.g. 2026-12-02T18:00:00Z"
        ) from None


def emit_expired(
    items: list[dict[str, Any]], *, as_json: bool, line: Callable[[dict[str, Any]], str], key: str
) -> None:
    """What an `expire` command removed: JSON or one line each, and the step outputs
    `expired` (how many) and `key` (the list, compact JSON)."""
    import json  # noqa: PLC0415

    from gitops_release.reporting.jsondoc import dumps  # noqa: PLC0415

    if as_json:
        click.echo(dumps({"expired": items}))
    else:
        click.echo("\n".join(line(i) for i in items) or "nothing expired")
    compact = json.dumps(items, separators=(",", ":"), ensure_ascii=False)
    actions_io.set_outputs({"expired": str(len(items)), key: compact})
