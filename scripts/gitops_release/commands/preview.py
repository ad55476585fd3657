"""`gitops-release preview`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from gitops_release import actions_io
from gitops_release.commands import common
from gitops_release.commands.check import raise_for
from gitops_release.errors import RenderError, UsageError
from gitops_release.reporting import results


def event_pull_number() -> int | None:
    """The PR number of a pull_request / pull_request_target event, if that is what runs."""
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path or not os.environ.get("GITHUB_EVENT_NAME", "").startswith("pull_request"):
        return None
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    number = (data.get("pull_request") or {}).get("number") or data.get("number")
    return int(number) if number else None


@click.command("preview")
@common.github_options
@click.option(
    "--pr",
    type=int,
    default=None,
    help="Pull request number [default: from the pull_request event].",
)
@click.option(
    "--gates/--no-gates",
    default=True,
    show_default=True,
    help="Run the deprecated-API and Polaris gates on the rendered head.",
)
@click.option(
    "--status/--no-status",
    default=True,
    show_default=True,
    help="Set the commit status gitops-release/preview on the PR head.",
)
@click.option("--k8s-version", default=None, metavar="vX.Y[.Z]", help="Gate target version.")
@click.option(
    "--polaris-config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Polaris config [default: gates.polaris_config of the PR's config].",
)
@click.option("--engine", type=click.Choice(["auto", "builtin", "binary"]), default=None)
@click.option(
    "--max-chars",
    type=click.IntRange(2000, 65536),
    default=65536,
    show_default=True,
    help="Comment size budget.",
)
@click.option(
    "--output",
    "full_diff",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the full Markdown diff here (e.g. an artifact).",
)
@click.option("--dry-run", is_flag=True, help="Print the comment; post nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def preview_cmd(
    manifest_repo: str,
    api_url: str | None,
    git_url: str | None,
    token_env: str,
    pr: int | None,
    k8s_version: str | None,
    polaris_config: Path | None,
    engine: str | None,
    max_chars: int,
    full_diff: Path | None,
    *,
    gates: bool,
    status: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Post the rendered diff and gate results of a manifest PR as one sticky comment."""
    from gitops_release.flows.check import CheckOptions  # noqa: PLC0415
    from gitops_release.flows.preview import PreviewRequest, preview  # noqa: PLC0415
    from gitops_release.github import connect  # noqa: PLC0415

    number = pr or event_pull_number()
    if number is None:
        raise UsageError("preview needs --pr N (or a pull_request event in GitHub Actions)")
    if k8s_version and not k8s_version.startswith("v"):
        raise UsageError(f"--k8s-version {k8s_version}: write it with a leading v, e.g. v1.30")
    repo = common.repo_name(manifest_repo)
    secret = common.token(token_env)
    result = preview(
        PreviewRequest(
            manifest_repo=repo,
            git_url=common.git_url(git_url, repo, api_url),
            pr=number,
            gates=gates,
            status=status,
            max_chars=max_chars,
            dry_run=dry_run,
            token=secret,
            check=CheckOptions(
                k8s_version=k8s_version, polaris_config=polaris_config, engine=engine
            ),
        ),
        connect(common.api_url(api_url), secret, repo),
    )
    if full_diff is not None:
        full_diff.parent.mkdir(parents=True, exist_ok=True)
        full_diff.write_text(result.summary, encoding="utf-8")
    actions_io.append_summary(result.summary)
    actions_io.set_outputs(results.preview_outputs(result))
    if result.gates is not None and actions_io.in_actions():
        from gitops_release.reporting import gates as reporters  # noqa: PLC0415

        annotations = reporters.render_annotations(result.gates)
        if annotations:
            click.echo(annotations, nl=not annotations.endswith("\n"))
    click.echo(
        results.dumps(results.preview_json(result)) if as_json else results.preview_text(result)
    )
    if result.diff.failed:
        names = ", ".join(r.name for r in result.diff.failed)
        raise RenderError(f"render failed for: {names}", hint="see the comment for each error")
    if result.gates is not None:
        shown = f"in the comment: {result.comment.url}" if result.comment else "in the comment"
        raise_for(result.gates, where=shown)
