"""Commit trailers that let later steps (promotion, audit, rollback) read a change semantically."""

from __future__ import annotations

import re
from collections.abc import Iterable

APP = "Gitops-Release-App"
ENV = "Gitops-Release-Env"
IMAGE = "Gitops-Release-Image"
PREVIOUS = "Gitops-Release-Previous"
SOURCE = "Gitops-Release-Source"
BRANCH_DEPLOY = "Gitops-Release-Branch-Deploy"  # owner/repo#N: a pull request's image
PREVIEW = "Gitops-Release-Preview"  # owner/repo#N: a preview environment (up or down)
PREVIEW_APP = "Gitops-Release-Preview-App"
PREVIEW_IMAGE = "Gitops-Release-Preview-Image"
ROLLBACK = "Gitops-Release-Rollback"  # FROM -> TO: the image rolled back from, and to
PROMOTED_FROM = "Gitops-Release-Promoted-From"  # the environment a promotion came from
STRATEGY = "Gitops-Release-Strategy"  # the release strategy (apps.<app>.strategies preset)

_TRAILER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*):\s*(.*)$")


def format_trailers(pairs: Iterable[tuple[str, str | None]]) -> str:
    return "\n".join(f"{key}: {value}" for key, value in pairs if value)


def parse_trailers(message: str) -> dict[str, list[str]]:
    """Trailers of the last paragraph of a commit message (`Key: value` lines)."""
    paragraphs = [p for p in message.strip().split("\n\n") if p.strip()]
    if not paragraphs:
        return {}
    found: dict[str, list[str]] = {}
    for line in paragraphs[-1].splitlines():
        match = _TRAILER.match(line.strip())
        if not match:
            return {}
        found.setdefault(match.group(1), []).append(match.group(2).strip())
    return found
