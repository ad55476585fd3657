"""`gitops-release check`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from gitops_release import actions_io
from gitops_release.commands import common
from gitops_release.errors import GateFailed, GitopsReleaseError, UsageError
from gitops_release.gates import GateReport
from gitops_release.reporting import gates as reporters

FORMATS = ("text", "markdown", "json", "sarif")


def render_report(report: GateReport, fmt: str) -> str:
    if fmt == "markdown":
        return reporters.render_markdown(report)
    if fmt == "json":
        return reporters.render_json(report)
    if fmt == "sarif":
        return output_json(reporters.to_sarif(report))
    return reporters.render_text(report)


def output_json(data: object) -> str:
    return json.dumps(data, indent=2) + "\n"


def publish_report(report: GateReport, fmt: str, output: Path | None) -> None:
    """Print (or write) the report; in Actions also annotations, outputs and a job summary."""
    text = render_report(report, fmt)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=not text.endswith("\n"))
    if actions_io.in_actions():
        annotations = reporters.render_annotations(report)
        if annotations:
            click.echo(annotations, nl=not annotations.endswith("\n"))
        actions_io.append_summary(reporters.render_markdown(report))
    actions_io.set_outputs(
        {
            "passed": str(report.passed).lower(),
            "score": "" if report.polaris_score is None else str(report.polaris_score),
            "failures": str(sum(1 for f in report.findings if f.severity == "failure")),
        }
    )


def raise_for(report: GateReport, *, where: str = "above") -> None:
    """Turn a failed report into the error that sets the exit code; `where` says where the
    findings were shown (the report above, or the pull request's comment)."""
    if report.errors:
        first = report.errors[0]
        more = f" (and {len(report.errors) - 1} more)" if len(report.errors) > 1 else ""
        where = f"{first.file}: " if first.file else ""
        raise GitopsReleaseError(
            f"the gates could not check everything: {where}{first.message}{more}",
            hint=f"fix the manifest or render error ({where}); nothing is ever skipped silently",
        )
    if not report.passed:
        failing = [f for f in report.findings if f.severity == "failure"]
        top = failing[0] if failing else None
        shown = f": {top.check} on {top.resource.kind} {top.resource.name}" if top else ""
        more = f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""
        raise GateFailed(
            f"gate failed: {len(failing)} failing finding(s){shown}{more}",
            hint=f"see the findings ({where}); each says what to change",
        )


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Render this repo's roots first (as `diff` does), then check them.",
)
@click.option(
    "--ref",
    default=None,
    help="With --repo: revision to check [default: the working tree as it is].",
)
@click.option(
    "--base",
    default=None,
    help="With --repo: check only roots a change since BASE affects [default: all].",
)
@click.option("--all", "all_roots", is_flag=True, help="With --repo: check every root.")
@click.option(
    "--k8s-version",
    default=None,
    metavar="vX.Y[.Z]",
    help="Target cluster version [default: gates.kubernetes_version, else v1.30.0].",
)
@click.option(
    "--polaris-config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Polaris config file [default: gates.polaris_config, else built-in].",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "builtin", "binary"]),
    default=None,
    help="auto: real pluto/polaris when on PATH, else built-in [default: auto].",
)
@click.option(
    "--min-score",
    type=click.IntRange(0, 100),
    default=None,
    help="Fail below this Polaris score [default: gates.min_score].",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report here instead of stdout.",
)
def check_cmd(
    paths: tuple[Path, ...],
    repo: Path | None,
    ref: str | None,
    base: str | None,
    k8s_version: str | None,
    polaris_config: Path | None,
    engine: str | None,
    min_score: int | None,
    fmt: str,
    output: Path | None,
    *,
    all_roots: bool,
) -> None:
    """Check rendered manifests for removed/deprecated APIs and Polaris policies."""
    from gitops_release.flows.check import (  # noqa: PLC0415
        CheckOptions,
        check_paths,
        check_repo,
        check_worktree,
    )

    if bool(paths) == bool(repo):
        raise UsageError(
            "give either PATH... (rendered manifests) or --repo DIR",
            hint="e.g. `gitops-release check rendered/` or `check --repo .`",
        )
    if k8s_version and not k8s_version.startswith("v"):
        raise UsageError(f"--k8s-version {k8s_version}: write it with a leading v, e.g. v1.30")
    options = CheckOptions(
        k8s_version=k8s_version, polaris_config=polaris_config, engine=engine, min_score=min_score
    )
    if repo is not None:
        repo = common.existing_directory(repo)
    if repo is not None and ref is None:
        report = check_worktree(repo, base=base, all_roots=all_roots, options=options)
    elif repo is not None:
        report = check_repo(
            repo, ref=ref or "HEAD", base=base, all_roots=all_roots, options=options
        )
    else:
        report = check_paths(paths, options)
    publish_report(report, fmt, output)
    raise_for(report)
