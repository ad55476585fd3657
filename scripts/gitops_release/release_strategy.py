"""Which release strategy an app release asks for, read from the GitHub Actions event that
started it: the merged pull request's `release:<name>` label, else a `Release-Strategy: <name>`
trailer in the pushed commit's message. An explicit name (the workflow's `strategy` input)
wins over both. None: the release asks for nothing, so the app's default strategy applies.

Everything read here is written by whoever opened the pull request or the commit: a name must
look like a config name (it is only ever passed as one argument to `--strategy`, which the
config then accepts or refuses), and two different labels are an error rather than a guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitops_release.errors import UsageError

LABEL_PREFIX = "release:"
TRAILER = "Release-Strategy"
_NAME = re.compile(r"^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$")
_TRAILER_LINE = re.compile(rf"^{TRAILER}:[ \t]*(\S*)[ \t]*$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Requested:
    name: str
    origin: str  # where it was read, for the log: "input", "label release:canary on #12", …


def _checked(name: str, origin: str) -> Requested:
    if not _NAME.match(name):
        raise UsageError(
            f"{origin}: '{name[:80]}' is not a strategy name",
            hint="a strategy name is lowercase letters, digits, '.', '_' and '-', e.g. canary",
        )
    return Requested(name, origin)


def from_labels(labels: Iterable[str], *, where: str) -> Requested | None:
    """The one `release:<name>` label (several different ones are an error)."""
    names = sorted(
        {lbl[len(LABEL_PREFIX) :].strip() for lbl in labels if lbl.startswith(LABEL_PREFIX)}
    )
    if len(names) > 1:
        raise UsageError(
            f"{where} has several release labels ({', '.join(LABEL_PREFIX + n for n in names)})",
            hint="keep one release:<name> label, or pass the workflow's strategy input",
        )
    return _checked(names[0], f"label {LABEL_PREFIX}{names[0]} on {where}") if names else None


def from_message(message: str) -> Requested | None:
    """The last `Release-Strategy:` trailer line of a commit message."""
    found = _TRAILER_LINE.findall(message)
    return _checked(found[-1], f"{TRAILER}: trailer of the pushed commit") if found else None


PullLabels = Callable[[str], list[tuple[int, tuple[str, ...]]]]


def requested(
    explicit: str,
    event_name: str,
    event: Mapping[str, Any],
    merged_pulls: PullLabels,
) -> Requested | None:
    """The strategy the release asks for; `merged_pulls(sha)` lists (number, labels) of the
    merged pull requests that brought a pushed commit (only asked for a push)."""
    if explicit:
        return _checked(explicit, "the strategy input")
    if event_name == "pull_request":
        pull = event.get("pull_request") or {}
        names = [str(lbl.get("name", "")) for lbl in pull.get("labels") or ()]
        return from_labels(names, where=f"pull request #{pull.get('number', '?')}")
    if event_name != "push":
        return None
    sha = str(event.get("after") or "")
    for number, labels in merged_pulls(sha) if sha else ():
        found = from_labels(labels, where=f"pull request #{number}")
        if found is not None:
            return found
    head = event.get("head_commit") or {}
    return from_message(str(head.get("message") or ""))


def read_event(path: str) -> dict[str, Any]:
    """The event payload Actions wrote to `$GITHUB_EVENT_PATH` (empty when there is none)."""
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the event payload {path}: {exc}") from None
    return data if isinstance(data, dict) else {}
