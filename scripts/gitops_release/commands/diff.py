"""`gitops-release diff`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gitops_release.commands import common
from gitops_release.errors import ExitCode


@click.command("diff")
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Manifest repo (a git checkout).",
)
@click.option("--base", required=True, help="Base revision (branch, tag or commit).")
@click.option("--head", required=True, help="Head revision (branch, tag or commit).")
@click.option("--all", "all_roots", is_flag=True, help="Render every root, not only affected ones.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the output to FILE instead of stdout.",
)
@click.option(
    "--max-chars",
    type=click.IntRange(min=1000),
    default=65_536,
    show_default=True,
    help="Markdown only: size limit (GitHub rejects longer comments).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Seconds one render may take [default: render.timeout from the config, else 120].",
)
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Parallel renders.")
def diff_cmd(
    repo: Path,
    base: str,
    head: str,
    fmt: str,
    output: Path | None,
    max_chars: int,
    timeout: float | None,
    jobs: int | None,
    *,
    all_roots: bool,
) -> None:
    """Render the roots a change affects at BASE and HEAD and diff them per resource.

    Exit status 1 when any root failed to render (the others are still diffed and reported).
    """
    from gitops_release.flows.diff import DiffRequest, run_diff  # noqa: PLC0415

    result = run_diff(
        DiffRequest(
            repo=common.existing_directory(repo, what="a git checkout of the manifest repo"),
            base=base,
            head=head,
            all_roots=all_roots,
            timeout=timeout,
            workers=jobs,
        )
    )
    # Each format loads only its own report builder.
    if fmt == "json":
        from gitops_release.reporting.diff.jsondoc import to_json  # noqa: PLC0415
        from gitops_release.reporting.jsondoc import dumps  # noqa: PLC0415

        text = dumps(to_json(result)) + "\n"
    elif fmt == "markdown":
        from gitops_release.reporting.diff.markdown import build_comment  # noqa: PLC0415

        text = build_comment(result, max_chars=max_chars)
    else:
        from gitops_release.reporting.diff.text import to_text  # noqa: PLC0415

        text = to_text(result, color=output is None and sys.stdout.isatty())
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
    if result.failed:
        names = ", ".join(r.name for r in result.failed)
        click.echo(f"error: {len(result.failed)} root(s) failed to render: {names}", err=True)
        sys.exit(ExitCode.ERROR)
