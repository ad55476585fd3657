"""Options and defaults shared by the commands that talk to GitHub."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any, TypeVar

import click

from gitops_release import actions_io, proc
from gitops_release.errors import ConfigError, UsageError

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


def git_url(value: str | None, repo: str) -> str:
    return value or f"{server_url()}/{repo}.git"


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
