"""What an image pull request says: its commit message with trailers, title and body, and the
reverse (a pull request described from a commit's message, when another run's commit is the
branch's head). Pure: no git, no network."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gitops_release import trailers
from gitops_release.edit.model import Edit, StrategyEdit

MARKER = "<!-- gitops-release:bump -->"


@dataclass(frozen=True)
class Source:
    """Where the image came from: the app repo commit and PR, for links and trailers."""

    repo: str | None = None
    sha: str | None = None
    pr: int | None = None
    server_url: str = "https://github.com"

    def trailer(self) -> str | None:
        if not self.repo and not self.sha:
            return None
        text = f"{self.repo or '?'}@{self.sha or '?'}"
        return text + (f" (#{self.pr})" if self.pr else "")

    def links(self) -> list[str]:
        out = []
        if self.repo and self.sha:
            out.append(
                f"[{self.repo}@{self.sha[:7]}]({self.server_url}/{self.repo}/commit/{self.sha})"
            )
        if self.repo and self.pr:
            out.append(f"[{self.repo}#{self.pr}]({self.server_url}/{self.repo}/pull/{self.pr})")
        return out


def commit_message(
    app: str,
    env: str,
    image: str,
    previous: str | None,
    edits: Sequence[Edit],
    source: Source,
    *,
    extra: Sequence[tuple[str, str | None]] = (),
    strategy: str | None = None,
    strategy_edits: Sequence[StrategyEdit] = (),
) -> str:
    """The commit's message; `extra` trailers follow the usual ones (a rollback's)."""
    lines = [pr_title(app, env, image, rollback=_is_rollback(extra), strategy=strategy), ""]
    lines += [f"- {e.file}:{e.line} {e.old or '(none)'} → {e.new or '(removed)'}" for e in edits]
    lines += [f"~ {e.file}:{e.line} {e.resource}: {e.old} → {e.new}" for e in strategy_edits]
    lines.append("")
    lines.append(
        trailers.format_trailers(
            [
                (trailers.APP, app),
                (trailers.ENV, env),
                (trailers.IMAGE, image),
                (trailers.PREVIOUS, previous),
                (trailers.SOURCE, source.trailer()),
                (trailers.STRATEGY, strategy),
                *extra,
            ]
        )
    )
    return "\n".join(lines) + "\n"


def pr_title(
    app: str, env: str, image: str, *, rollback: bool = False, strategy: str | None = None
) -> str:
    verb = "rollback" if rollback else "deploy"
    return f"{verb}({app}): {env} → {image}" + (f" ({strategy})" if strategy else "")


def _is_rollback(extra: Sequence[tuple[str, str | None]]) -> bool:
    return any(key == trailers.ROLLBACK and value for key, value in extra)


def strategy_section(strategy: str | None, edits: Sequence[StrategyEdit]) -> str:
    """What the release does to the Rollouts' canary steps, for the pull request body."""
    if strategy is None:
        return ""
    head = f"\n\n**Release strategy: `{strategy}`**"
    if not edits:
        return head + " — the Rollouts already run it.\n"
    rows = "\n".join(
        f"- `{e.resource}`: {e.old} → **{e.new}** (`{e.file}:{e.line}`)" for e in edits
    )
    return f"{head}\n{rows}"


def pr_body(
    app: str,
    env: str,
    image: str,
    previous: str | None,
    edits: Sequence[Edit],
    source: Source,
    base: str,
    *,
    notes: str = "",
    strategy: str | None = None,
    strategy_edits: Sequence[StrategyEdit] = (),
) -> str:
    """The pull request's body; `notes` (release notes, a rollback's reason) go before the
    footer."""
    was = f" (was `{previous}`)" if previous else ""
    rows = "\n".join(
        f"| `{e.file}` | {e.line} | `{e.old or '—'}` | `{e.new or '(removed)'}` |" for e in edits
    )
    links = source.links()
    source_line = f"\n\nSource: {' · '.join(links)}" if links else ""
    return (
        f"{MARKER}\n"
        f"Deploys **`{image}`** to **{env}** (`{base}`){was}.\n\n"
        f"| file | line | old | new |\n| --- | --- | --- | --- |\n{rows}"
        f"{strategy_section(strategy, strategy_edits)}"
        f"{source_line}\n\n"
        + (f"{notes.rstrip()}\n\n" if notes else "")
        + f"<sub>Opened by gitops-release for app `{app}`. A newer image for the same app and "
        "environment updates this pull request.</sub>\n"
    )


_EDIT_LINE = re.compile(r"^- (?P<file>.+):(?P<line>\d+) (?P<old>\S+) → (?P<new>\S+)$")
_STRATEGY_LINE = re.compile(
    r"^~ (?P<file>[^\s:]+):(?P<line>\d+) (?P<resource>\S+): (?P<old>.+?) → (?P<new>.+)$"
)
_SOURCE_TRAILER = re.compile(r"^(?P<repo>[^@]+)@(?P<sha>\S+)(?: \(#(?P<pr>\d+)\))?$")


def describe_commit(message: str, base: str, server_url: str) -> tuple[str, str] | None:
    """The pull request title and body for a bump commit, from its message (None when the
    commit is not a bump's: no trailers)."""
    found = trailers.parse_trailers(message)
    app, env, image = (
        found.get(k, [None])[-1] for k in (trailers.APP, trailers.ENV, trailers.IMAGE)
    )
    if not app or not env or not image:
        return None
    edits = []
    strategy = found.get(trailers.STRATEGY, [None])[-1]
    strategy_edits = [
        StrategyEdit(
            file=m["file"], line=int(m["line"]), resource=m["resource"], old=m["old"],
            new=m["new"], strategy=strategy or "", target="",
        )
        for m in map(_STRATEGY_LINE.match, message.splitlines())
        if m
    ]  # fmt: skip
    for line in message.splitlines():
        match = _EDIT_LINE.match(line)
        if match:
            old, new = match["old"], match["new"]
            edits.append(
                Edit(
                    file=match["file"],
                    line=int(match["line"]),
                    old=None if old == "(none)" else old,
                    new=None if new == "(removed)" else new,
                    target="",
                    key="",
                )
            )
    source = Source(server_url=server_url)
    origin = _SOURCE_TRAILER.match(found.get(trailers.SOURCE, [""])[-1])
    if origin:
        source = Source(
            repo=None if origin["repo"] == "?" else origin["repo"],
            sha=None if origin["sha"] == "?" else origin["sha"],
            pr=int(origin["pr"]) if origin["pr"] else None,
            server_url=server_url,
        )
    previous = found.get(trailers.PREVIOUS, [None])[-1]
    rollback = bool(found.get(trailers.ROLLBACK))
    title = pr_title(app, env, image, rollback=rollback, strategy=strategy)
    body = pr_body(
        app, env, image, previous, edits, source, base,
        strategy=strategy, strategy_edits=strategy_edits,
    )  # fmt: skip
    return title, body
