"""What an environment ran, and when: deployments read from the trailers of an environment
branch's first-parent history. Pure: commit messages in, `Deployment`s out (the `history` step
reads the messages through git)."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from gitops_release import trailers

Kind = Literal["release", "promotion", "rollback", "branch-deploy"]
_LINE = re.compile(r"^[ \t*>-]*(Gitops-Release-[A-Za-z-]+):[ \t]*(\S.*?)\s*$", re.MULTILINE)
_SOURCE = re.compile(r"^(?P<repo>[^@\s]+)@(?P<sha>\S+)(?: \(#(?P<pr>\d+)\))?$")
# The pull request a merged commit came from: GitHub's merge commit subject, or the `(#N)`
# a squash merge appends to the title.
_MERGE_SUBJECT = re.compile(r"^Merge pull request #(\d+) from ")
_SQUASH_SUBJECT = re.compile(r"\(#(\d+)\)\s*$")


@dataclass(frozen=True)
class SourceRef:
    """The app repository commit an image was built from (`Gitops-Release-Source`)."""

    repo: str | None = None
    sha: str | None = None
    pr: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> SourceRef | None:
        found = _SOURCE.match(text.strip()) if text else None
        if found is None:
            return None
        return cls(
            repo=None if found["repo"] == "?" else found["repo"],
            sha=None if found["sha"] == "?" else found["sha"],
            pr=int(found["pr"]) if found["pr"] else None,
        )

    @property
    def known(self) -> bool:
        return bool(self.repo and self.sha)


@dataclass(frozen=True)
class Deployment:
    """One change of an app's image in one environment."""

    image: str
    previous: str | None
    commit: str  # the environment branch's (first-parent) commit that made it
    merged_at: datetime
    pull_request: int | None  # the manifest pull request merged, None for direct commits
    source: SourceRef | None
    kind: Kind


def trailer_blocks(message: str) -> list[dict[str, str]]:
    """Every gitops-release trailer block of a message, in order: one per paragraph.

    Trailers are looked for in every paragraph, not only the last: a squash merge copies the
    original messages, trailers included, into one body (and may prefix their lines).
    """
    blocks: list[dict[str, str]] = []
    for paragraph in re.split(r"\n[ \t]*\n", message):
        current: dict[str, str] = {}
        for key, value in _LINE.findall(paragraph):
            if key in current:
                blocks.append(current)
                current = {}
            current[key] = value
        if current:
            blocks.append(current)
    return blocks


def pull_number(subject: str) -> int | None:
    """The pull request number GitHub writes into a merge or squash commit's subject."""
    found = _MERGE_SUBJECT.match(subject) or _SQUASH_SUBJECT.search(subject)
    return int(found.group(1)) if found else None


def deployment_in(
    messages: Sequence[str], *, env: str, app: str, neighbours: Collection[str] = ()
) -> tuple[Kind, dict[str, str]] | None:
    """The deployment of `app` to `env` that a unit of history (one first-parent commit and,
    for a merge, the commits it brought in; newest first) records, if any.

    A block for this environment wins; one for another environment is a promotion copied from
    it (a cherry-pick of that environment's change), unless it is one of the `neighbours`:
    environments that are directories of the same branch, whose changes are their own. A
    preview environment's block (`Gitops-Release-Preview`) is never a deployment: the preview
    runs beside the environment.
    """
    skip = set(neighbours) - {env}
    blocks = [
        b
        for message in messages
        for b in trailer_blocks(message)
        if b.get(trailers.APP) == app
        and b.get(trailers.IMAGE)
        and trailers.PREVIEW not in b
        and b.get(trailers.ENV) not in skip
    ]
    ours = [b for b in blocks if b.get(trailers.ENV, env) == env]
    block = ours[0] if ours else (blocks[0] if blocks else None)
    if block is None:
        return None
    if trailers.BRANCH_DEPLOY in block:
        return "branch-deploy", block
    if trailers.ROLLBACK in block:
        return "rollback", block
    if trailers.PROMOTED_FROM in block or not ours:
        return "promotion", block
    return "release", block


def deployment(
    block: dict[str, str],
    kind: Kind,
    *,
    env: str,
    commit: str,
    merged_at: datetime,
    pull_request: int | None,
) -> Deployment:
    previous = block.get(trailers.PREVIOUS) if block.get(trailers.ENV, env) == env else None
    return Deployment(
        image=block[trailers.IMAGE],
        previous=previous,
        commit=commit,
        merged_at=merged_at,
        pull_request=pull_request,
        source=SourceRef.parse(block.get(trailers.SOURCE)),
        kind=kind,
    )


def with_previous(found: Sequence[Deployment]) -> tuple[Deployment, ...]:
    """Deployments (newest first) whose unknown `previous` is the image of the one before."""
    out = []
    for index, item in enumerate(found):
        older = found[index + 1] if index + 1 < len(found) else None
        if item.previous is None and older is not None and older.image != item.image:
            out.append(replace(item, previous=older.image))
        else:
            out.append(item)
    return tuple(out)


def rollback_candidates(found: Sequence[Deployment], running: str | None) -> list[Deployment]:
    """The images an environment could go back to, newest first: every deployment but branch
    deploys (a pull request's image lent for a while), one per image, `running` left out."""
    seen = {running} if running else set()
    out = []
    for item in found:
        if item.kind == "branch-deploy" or item.image in seen:
            continue
        seen.add(item.image)
        out.append(item)
    return out
