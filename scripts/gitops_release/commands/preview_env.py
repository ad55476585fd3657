"""`gitops-release preview-env`: `up`, `down`, `list`, `expire` (the manifest repository's
side of preview environments)."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from gitops_release import actions_io
from gitops_release.commands import common
from gitops_release.errors import ExitCode
from gitops_release.reporting.jsondoc import dumps

if TYPE_CHECKING:  # names for annotations: the flows are imported when a command runs
    from gitops_release.flows.preview_env import PreviewTarget
    from gitops_release.github import Forge
    from gitops_release.previews.meta import PreviewMeta


@click.group("preview-env")
def preview_env_cmd() -> None:
    """One preview environment per pull request: a directory in the manifest repository."""


def _target(
    manifest: tuple[str, str, str, Forge], source_repo: str | None, source_pr: int, app: str | None
) -> PreviewTarget:
    from gitops_release.flows.preview_env import PreviewTarget  # noqa: PLC0415

    repo, url, secret, _ = manifest
    source = common.source_repo(source_repo, what="preview environments")
    return PreviewTarget(repo, url, source, source_pr, app, token=secret)


def _emit(data: dict[str, Any], *, as_json: bool, text: str) -> None:
    outputs = {
        k.replace("_", "-"): "" if v is None else v if isinstance(v, str) else json.dumps(v)
        for k, v in data.items()
    }
    actions_io.set_outputs(outputs)
    click.echo(dumps(data) if as_json else text)


def preview_json(preview: PreviewMeta) -> dict[str, Any]:
    from gitops_release.locks import iso  # noqa: PLC0415

    return {
        "app": preview.app,
        "pr": preview.pr,
        "repo": preview.source,
        "path": preview.path,
        "image": preview.image,
        "namespace": preview.namespace,
        "url": preview.url,
        "created_at": iso(preview.created_at),
        "updated_at": iso(preview.updated_at),
        "expires_at": iso(preview.expires_at),
    }


@preview_env_cmd.command("up")
@common.github_options
@click.option("--image", "image_ref", required=True, help="The pull request's image.")
@click.option("--source-repo", default=None, metavar="OWNER/NAME", help="App repository.")
@click.option("--source-pr", type=int, required=True, help="The app pull request number.")
@click.option("--app", default=None, help="App name (default: the app whose image matches).")
@click.option("--actor", default=None, help="Who asked [default: $GITHUB_ACTOR].")
@click.option("--k8s-version", default=None, help="Kubernetes version for the API gate.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def up_cmd(
    manifest_repo: str,
    api_url: str | None,
    git_url: str | None,
    token_env: str,
    image_ref: str,
    source_repo: str | None,
    source_pr: int,
    app: str | None,
    actor: str | None,
    k8s_version: str | None,
    *,
    as_json: bool,
) -> None:
    """Create or update the pull request's preview; exit 1 when it is refused."""
    from gitops_release.flows.preview_env import UpRequest, up  # noqa: PLC0415
    from gitops_release.image import parse  # noqa: PLC0415
    from gitops_release.locks import iso  # noqa: PLC0415
    from gitops_release.steps.gating import CheckOptions  # noqa: PLC0415

    manifest = common.manifest_client(manifest_repo, api_url, git_url, token_env)
    request = UpRequest(
        _target(manifest, source_repo, source_pr, app),
        parse(image_ref),
        actor or os.environ.get("GITHUB_ACTOR", ""),
        check=CheckOptions(k8s_version=k8s_version),
    )
    result = up(request, manifest[3])
    data: dict[str, Any] = {
        "action": result.action,
        "path": result.path,
        "namespace": result.namespace,
        "url": result.url,
        "commit": result.commit,
        "reason": result.reason,
        "app": result.app,
        "image": result.image,
        "expires_at": iso(result.expires_at) if result.expires_at else None,
        "oldest": [preview_json(p) for p in result.oldest],
    }
    where = f" at {result.url}" if result.url else ""
    text = f"{result.action}: {result.path} ({result.namespace}){where}"
    _emit(data, as_json=as_json, text=text + (f": {result.reason}" if result.reason else ""))
    if result.action == "refused":
        sys.exit(ExitCode.ERROR)


@preview_env_cmd.command("down")
@common.github_options
@click.option("--source-repo", default=None, metavar="OWNER/NAME", help="App repository.")
@click.option("--source-pr", type=int, required=True, help="The app pull request number.")
@click.option("--app", default=None, help="App name [default: the only app].")
@click.option("--reason", default="closed", show_default=True, help="Why (commit message).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def down_cmd(
    manifest_repo: str,
    api_url: str | None,
    git_url: str | None,
    token_env: str,
    source_repo: str | None,
    source_pr: int,
    app: str | None,
    reason: str,
    *,
    as_json: bool,
) -> None:
    """Remove the pull request's preview (`absent` when there is none)."""
    from gitops_release.flows.preview_env import down  # noqa: PLC0415

    manifest = common.manifest_client(manifest_repo, api_url, git_url, token_env)
    result = down(_target(manifest, source_repo, source_pr, app), manifest[3], reason=reason)
    data = {
        "action": result.action,
        "path": result.path,
        "app": result.app,
        "commit": result.commit,
        "image": result.image,
        "url": result.url,
    }
    _emit(data, as_json=as_json, text=f"{result.action}: {result.path}")


@preview_env_cmd.command("list")
@common.github_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def list_cmd(
    manifest_repo: str, api_url: str | None, git_url: str | None, token_env: str, *, as_json: bool
) -> None:
    """Every open preview, oldest first (needs only read access)."""
    from gitops_release.flows.preview_env import list_previews  # noqa: PLC0415

    repo, url, secret, forge = common.manifest_client(manifest_repo, api_url, git_url, token_env)
    previews = [preview_json(p) for p in list_previews(repo, url, forge, token=secret)]
    if as_json:
        click.echo(dumps({"previews": previews}))
    else:
        click.echo(
            "\n".join(
                f"{p['app']} {p['repo']}#{p['pr']}: {p['path']} {p['image']} "
                f"(until {p['expires_at']})"
                for p in previews
            )
            or "no previews"
        )
    actions_io.set_outputs({"previews": json.dumps(previews, separators=(",", ":"))})


@preview_env_cmd.command("expire")
@common.github_options
@click.option("--now", default=None, help="The time to compare expiries with (ISO 8601).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def expire_cmd(
    manifest_repo: str,
    api_url: str | None,
    git_url: str | None,
    token_env: str,
    now: str | None,
    *,
    as_json: bool,
) -> None:
    """Remove every preview whose expiry has passed (run on a schedule)."""
    from gitops_release.flows.preview_env import expire  # noqa: PLC0415

    repo, url, secret, forge = common.manifest_client(manifest_repo, api_url, git_url, token_env)
    expired = expire(repo, url, forge, now=common.iso_time(now, "--now"), token=secret)
    items = [{**preview_json(e.preview), "commit": e.commit} for e in expired]
    common.emit_expired(
        items,
        as_json=as_json,
        line=lambda i: f"expired: {i['path']} ({i['repo']}#{i['pr']})",
        key="expired-list",
    )


from gitops_release.commands.preview_env_app import (  # noqa: E402
    parse_cmd,
    report_cmd,
    report_expired_cmd,
)

preview_env_cmd.add_command(parse_cmd)
preview_env_cmd.add_command(report_cmd)
preview_env_cmd.add_command(report_expired_cmd)
