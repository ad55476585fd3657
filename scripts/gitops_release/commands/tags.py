"""`gitops-release tags`."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gitops_release import actions_io
from gitops_release.commands import common
from gitops_release.errors import GitopsReleaseError, UsageError

if TYPE_CHECKING:
    from gitops_release.flows.tags import TagsRequest


def _event(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(
            f"cannot read the event payload {path}: {exc}",
            hint="pass --event-path with the webhook JSON, or run inside GitHub Actions",
        ) from None
    if not isinstance(data, dict):
        raise UsageError(f"the event payload {path} is not a JSON object")
    return data


def _run_number(value: int | None) -> int | None:
    if value is not None:
        return value
    text = os.environ.get("GITHUB_RUN_NUMBER", "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise UsageError(f"GITHUB_RUN_NUMBER '{text}' is not a number")
    return int(text)


def _git_facts(repo: Path, sha: str | None, ref: str | None) -> tuple[str | None, str | None]:
    """The checkout's HEAD commit and branch ref, for runs outside Actions."""
    from gitops_release.git import Git  # noqa: PLC0415

    if (sha and ref) or not (repo / ".git").exists():
        return sha, ref
    git = Git(repo)
    return sha or git.head_commit(), ref or git.head_ref()


def _qualified_ref(repo: Path, ref: str) -> tuple[str, str | None]:
    """A bare `--ref NAME` as the checkout knows it: `refs/tags/NAME` or `refs/heads/NAME`, and
    its commit. Unknown names (or no checkout) are left to the flow: a version is a tag."""
    from gitops_release.git import Git  # noqa: PLC0415

    if ref.startswith("refs/") or not (repo / ".git").exists():
        return ref, None
    found: dict[str, str] = {}
    try:
        git = Git(repo)
        for kind in ("tags", "heads"):
            commit = git.commit_of_ref(f"refs/{kind}/{ref}")
            if commit:
                found[kind] = commit
    except GitopsReleaseError:  # no git: the flow decides from the name
        return ref, None
    if len(found) > 1:
        raise UsageError(
            f"--ref {ref} is both a tag and a branch in {repo}",
            hint=f"pass --ref refs/tags/{ref} or --ref refs/heads/{ref}",
        )
    if not found:
        return ref, None
    ((kind, commit),) = found.items()
    return f"refs/{kind}/{ref}", commit


def _commit_time(repo: Path, sha: str, event: dict[str, Any]) -> datetime | None:
    """The commit's committer time: from the checkout, else from a push event's head_commit."""
    from gitops_release.git import Git  # noqa: PLC0415

    if (repo / ".git").exists():
        when = Git(repo).commit_time(sha)
        if when is not None:
            return when
    head = event.get("head_commit") or {}
    stamp = head.get("timestamp") if isinstance(head, dict) else None
    if isinstance(stamp, str) and head.get("id") == sha:
        try:
            return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            return None
    return None


def build_request(
    images: tuple[str, ...] = (),
    *,
    event_name: str | None = None,
    event_path: Path | None = None,
    ref: str | None = None,
    sha: str | None = None,
    run_number: int | None = None,
    default_branch: str | None = None,
    repo: Path = Path(),
    latest: bool = False,
) -> TagsRequest:
    """A `TagsRequest` from the options, then the Actions environment, then the git checkout."""
    from gitops_release.flows.tags import TagsRequest, built_commit  # noqa: PLC0415
    from gitops_release.image import parse_repository  # noqa: PLC0415

    common.existing_directory(repo, what="a git checkout (or leave it out)")

    repositories = tuple(dict.fromkeys(parse_repository(i, what="--image") for i in images))
    name = event_name if event_name is not None else os.environ.get("GITHUB_EVENT_NAME", "")
    if event_path is None and os.environ.get("GITHUB_EVENT_PATH"):
        event_path = Path(os.environ["GITHUB_EVENT_PATH"])
    event = _event(event_path)
    ref_commit = None
    if ref:  # --ref names what was built: without --sha, its commit is the one tagged
        ref, ref_commit = _qualified_ref(repo, ref)
    sha = sha or ref_commit or os.environ.get("GITHUB_SHA") or None
    ref = ref or os.environ.get("GITHUB_REF") or None
    with contextlib.suppress(GitopsReleaseError):  # no git: options and environment must do
        sha, ref = _git_facts(repo, sha, ref)
    if not sha and not (event.get("pull_request") or {}).get("head"):
        raise UsageError(
            "no commit: pass --sha, set GITHUB_SHA, or run inside a git checkout",
            hint="e.g. gitops-release tags --sha $(git rev-parse HEAD)",
        )
    built = built_commit(name, event, sha or "")
    try:
        created = _commit_time(repo, built, event) if built else None
    except GitopsReleaseError:  # the commit is not in the checkout: the tags do without
        created = None
    return TagsRequest(
        sha=sha or "",
        event_name=name,
        event=event,
        ref=ref or "",
        run_number=_run_number(run_number),
        images=repositories,
        latest=latest,
        default_branch=default_branch,
        commit_time=created,
        now=datetime.now(UTC),
    )


@click.command("tags")
@click.option(
    "--image",
    "images",
    multiple=True,
    metavar="REPOSITORY",
    help="Image repository (no tag) to prefix the tags with; repeatable.",
)
@click.option(
    "--event", "event_name", default=None, help="Event name [default: $GITHUB_EVENT_NAME]."
)
@click.option(
    "--event-path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Webhook payload JSON [default: $GITHUB_EVENT_PATH].",
)
@click.option(
    "--ref",
    default=None,
    help="refs/heads/B, refs/tags/T, or a bare name: looked up in the checkout, else a version "
    "(v1.2.3) is a tag and anything else a branch [default: $GITHUB_REF].",
)
@click.option(
    "--sha",
    default=None,
    help="Commit built [default: the commit of --ref in the checkout, else $GITHUB_SHA, "
    "else HEAD].",
)
@click.option(
    "--run-number",
    type=click.IntRange(min=0),
    default=None,
    help="Sortable build number [default: $GITHUB_RUN_NUMBER, else the UTC commit time].",
)
@click.option(
    "--latest/--no-latest",
    default=False,
    show_default=True,
    help="Add `latest` for builds of the default branch.",
)
@click.option(
    "--default-branch",
    default=None,
    help="The default branch [default: from the event's repository].",
)
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="Git checkout to read HEAD, the branch and the commit time from.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def tags_cmd(
    images: tuple[str, ...],
    event_name: str | None,
    event_path: Path | None,
    ref: str | None,
    sha: str | None,
    run_number: int | None,
    default_branch: str | None,
    repo: Path,
    *,
    latest: bool,
    as_json: bool,
) -> None:
    """Compute image tags for this build from the CI event and git.

    sha-<7>; <branch>-<sha7>-<run number or UTC time> for branches and pull requests (the PR
    head commit, not the merge commit); pr-<N>; 1.2.3, 1.2 and 1 for a v1.2.3 tag; latest on
    the default branch with --latest. Outputs (in Actions): tag, tags, images, sha, version,
    created.
    """
    from gitops_release.flows.tags import compute  # noqa: PLC0415
    from gitops_release.reporting.results import tags_json, tags_outputs  # noqa: PLC0415

    result = compute(
        build_request(
            images,
            event_name=event_name,
            event_path=event_path,
            ref=ref,
            sha=sha,
            run_number=run_number,
            default_branch=default_branch,
            repo=repo,
            latest=latest,
        )
    )
    actions_io.set_outputs(tags_outputs(result))
    for warning in result.warnings:
        if actions_io.in_actions():  # on stderr with --json: stdout is the one JSON document
            actions_io.command(
                "warning",
                warning,
                stream=sys.stderr if as_json else None,
                title="gitops-release tags",
            )
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(tags_json(result), indent=2))
    else:
        click.echo("\n".join(result.images or result.tags))
