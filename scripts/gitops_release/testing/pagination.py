"""GitHub's page-number pagination: `per_page`/`page` parameters and the `Link` header.

Clients (PyGithub's `PaginatedList`, octokit) follow `rel="next"` and read the page count from
`rel="last"`, so those links must carry every other query parameter of the request unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlencode

T = TypeVar("T")

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    page: int
    per_page: int
    last_page: int  # at least 1, even for an empty collection


def _as_int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def page_request(query: Sequence[tuple[str, str]]) -> tuple[int, int]:
    """`(page, per_page)` from the query, clamped the way GitHub clamps them."""
    page_text = per_page_text = None
    for key, value in query:
        if key == "page":
            page_text = value
        elif key == "per_page":
            per_page_text = value
    per_page = _as_int(per_page_text, DEFAULT_PER_PAGE)
    per_page = DEFAULT_PER_PAGE if per_page < 1 else min(per_page, MAX_PER_PAGE)
    return max(_as_int(page_text, 1), 1), per_page


def paginate(items: Sequence[T], *, page: int, per_page: int) -> Page[T]:
    start = (page - 1) * per_page
    last = max((len(items) + per_page - 1) // per_page, 1)
    return Page(tuple(items[start : start + per_page]), page, per_page, last)


def link_header(url: str, query: Sequence[tuple[str, str]], page: Page[T]) -> str | None:
    """The `Link` header for `page` of the collection at `url` (absolute, without a query)."""
    kept = [(key, value) for key, value in query if key != "page"]

    def link(number: int, rel: str) -> str:
        return f'<{url}?{urlencode([*kept, ("page", str(number))])}>; rel="{rel}"'

    links: list[str] = []
    if page.page > 1:
        links.append(link(min(page.page - 1, page.last_page), "prev"))
    if page.page < page.last_page:
        links.append(link(page.page + 1, "next"))
        links.append(link(page.last_page, "last"))
    if page.page > 1:
        links.append(link(1, "first"))
    return ", ".join(links) or None
