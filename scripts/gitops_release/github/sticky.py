"""One "sticky" comment per pull request and purpose, found again by a hidden marker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from gitops_release.github.forge import Comment, Forge

StickyAction = Literal["created", "updated", "unchanged"]


def upsert_sticky(
    forge: Forge,
    number: int,
    body: str,
    *,
    marker: str,
    same: Callable[[str, str], bool] = str.__eq__,
) -> tuple[StickyAction, Comment]:
    """Create the comment starting with `marker`, or edit the first one there is.

    `body` must start with `marker`. The comment is left alone when `same(current, body)`.
    """
    if not body.startswith(marker):
        raise ValueError("a sticky comment's body must start with its marker")
    current = next((c for c in forge.list_comments(number) if c.body.startswith(marker)), None)
    if current is None:
        return "created", forge.create_comment(number, body)
    if same(current.body, body):
        return "unchanged", current
    return "updated", forge.update_comment(number, current.id, body)
