"""Pagination: parameter clamping, slicing and GitHub's Link header."""

from __future__ import annotations

import pytest

from gitops_release.testing.pagination import link_header, page_request, paginate

URL = "http://127.0.0.1:1/repos/o/r/issues/1/comments"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ((), (1, 30)),
        ((("per_page", "100"), ("page", "3")), (3, 100)),
        ((("per_page", "500"),), (1, 100)),
        ((("per_page", "0"), ("page", "-2")), (1, 30)),
        ((("per_page", "x"), ("page", "y")), (1, 30)),
        ((("page", "2"), ("page", "4")), (4, 30)),
    ],
)
def test_page_request(query: tuple[tuple[str, str], ...], expected: tuple[int, int]) -> None:
    assert page_request(query) == expected


def test_paginate_slices_and_counts_pages() -> None:
    items = list(range(35))

    first = paginate(items, page=1, per_page=30)
    second = paginate(items, page=2, per_page=30)
    beyond = paginate(items, page=9, per_page=30)

    assert (len(first.items), first.last_page) == (30, 2)
    assert second.items == tuple(range(30, 35))
    assert beyond.items == ()
    assert paginate([], page=1, per_page=30).last_page == 1


def test_link_header_on_first_middle_and_last_page() -> None:
    query = (("state", "all"), ("per_page", "10"))
    items = list(range(25))

    first = link_header(URL, query, paginate(items, page=1, per_page=10))
    middle = link_header(URL, (*query, ("page", "2")), paginate(items, page=2, per_page=10))
    last = link_header(URL, (*query, ("page", "3")), paginate(items, page=3, per_page=10))

    assert first == (
        f'<{URL}?state=all&per_page=10&page=2>; rel="next", '
        f'<{URL}?state=all&per_page=10&page=3>; rel="last"'
    )
    assert middle is not None
    assert [part.split("; ")[1] for part in middle.split(", ")] == [
        'rel="prev"',
        'rel="next"',
        'rel="last"',
        'rel="first"',
    ]
    assert last == (
        f'<{URL}?state=all&per_page=10&page=2>; rel="prev", '
        f'<{URL}?state=all&per_page=10&page=1>; rel="first"'
    )
    assert link_header(URL, (), paginate(items, page=1, per_page=30)) is None
