"""Release notes for a manifest pull request: the app changes between the image an environment
runs and the one the pull request deploys, from the app repository's compare API, as the pull
requests they came from (number, title, author) or as commits. Both ends are the
`Gitops-Release-Source` commits the bumps recorded. Never an error: when the app repository
cannot be read, or an image has no recorded source, the notes say so in one line."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from gitops_release.deployments import SourceRef
from gitops_release.github import AppCommit, AppPull, Comparison
from gitops_release.steps.history import read_history, source_of
from gitops_release.steps.session import ManifestCheckout

HEADING = "### App changes"
MAX_ENTRIES = 50
LOOKBACK = 50  # deployments searched for the running image's source


@dataclass(frozen=True)
class Entry:
    """One line of the notes: a merged pull request, or a commit that came from none."""

    sha: str
    title: str
    author: str
    url: str
    number: int | None = None


def release_notes(
    session: ManifestCheckout,
    branch: str,
    *,
    env: str,
    app: str,
    running: str | None,
    image: str,
    source: SourceRef | None,
    neighbours: Collection[str] = (),
) -> str:
    """The notes for deploying `image` (built from `source`) where `env` runs `running`
    (`neighbours`: the environments sharing `branch`, as `steps.history.read_history`)."""
    if source is None or not source.known:
        return _line(f"unknown source: `{image}` records no app commit (deployed by hand?)")
    if running is None:
        return _line(f"{env} runs no image of {app} yet: nothing to compare with")
    if running == image:
        return _line(f"{env} already runs `{image}`")
    found = read_history(session, branch, env=env, app=app, limit=LOOKBACK, neighbours=neighbours)
    before = source_of(found, running)
    if before is None or before.source is None:
        return _line(f"unknown source: `{running}` ({env} now) records no app commit")
    old = before.source
    if old.repo != source.repo:
        return _line(f"`{running}` was built from {old.repo}, `{image}` from {source.repo}")
    assert old.sha is not None
    assert source.sha is not None
    assert source.repo is not None
    forge, repo = session.forge, source.repo
    comparison = forge.compare(repo, old.sha, source.sha)
    reverse = not comparison.problem and comparison.status == "behind"
    if reverse:
        comparison = forge.compare(repo, source.sha, old.sha)
    if comparison.problem:
        return _line(
            f"the changes in {repo} could not be read ({comparison.problem}); "
            f"see [{old.sha[:7]}...{source.sha[:7]}]({comparison.html_url})"
        )
    entries = entries_of(comparison, lambda sha: forge.merged_pull(repo, sha), MAX_ENTRIES + 1)
    return render(comparison, entries, reverse=reverse)


def entries_of(
    comparison: Comparison, pull_of: Callable[[str], AppPull | None], limit: int
) -> list[Entry]:
    """The comparison's first-parent commits, newest first, each as the pull request it came
    from (once per pull request) or as itself; commits a merge brought in are its pull
    request's."""
    by_sha = {c.sha: c for c in comparison.commits}
    current: AppCommit | None = by_sha.get(comparison.head) or (
        comparison.commits[-1] if comparison.commits else None
    )
    entries: list[Entry] = []
    seen: set[int] = set()
    while current is not None and len(entries) < limit:
        pull = pull_of(current.sha)
        if pull is None:
            entries.append(Entry(current.sha, current.subject, current.author, current.url))
        elif pull.number not in seen:
            seen.add(pull.number)
            entries.append(Entry(current.sha, pull.title, pull.author, pull.url, pull.number))
        current = by_sha.get(current.parents[0]) if current.parents else None
    return entries


def render(comparison: Comparison, entries: list[Entry], *, reverse: bool = False) -> str:
    """The notes' Markdown: at most MAX_ENTRIES lines, then a link to the full comparison."""
    link = f"[`{comparison.base[:7]}...{comparison.head[:7]}`]({comparison.html_url})"
    if not entries:
        return _line(f"no app changes in {comparison.repo} ({link})")
    pulls = sum(1 for e in entries[:MAX_ENTRIES] if e.number is not None)
    what = f"{comparison.total_commits} commit{'s' if comparison.total_commits != 1 else ''}"
    lead = (
        f"This image is **older**: it takes out these changes in {comparison.repo} ({link}, "
        f"{what}):"
        if reverse
        else f"Changes in {comparison.repo} since the running image ({link}, {what}, "
        f"{pulls} pull request{'s' if pulls != 1 else ''}):"
    )
    lines = [HEADING, "", lead, ""]
    for entry in entries[:MAX_ENTRIES]:
        text = _escape(entry.title)
        if entry.number is not None:
            lines.append(f"- [#{entry.number}]({entry.url}) {text} (@{entry.author})")
        else:
            lines.append(f"- [`{entry.sha[:7]}`]({entry.url}) {text} ({_escape(entry.author)})")
    if len(entries) > MAX_ENTRIES or comparison.total_commits > len(comparison.commits):
        lines.append(f"- … and more: see the [full comparison]({comparison.html_url})")
    return "\n".join(lines) + "\n"


def _line(text: str) -> str:
    return f"{HEADING}\n\n{text}.\n"


def _escape(text: str) -> str:
    """A title as plain text in a list item (no HTML, no accidental mention of a user)."""
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("@", "@\u200b")
