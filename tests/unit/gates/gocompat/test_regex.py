"""RE2 patterns rewritten for Python's `re` with the meaning Go gives them."""

from __future__ import annotations

import re

import pytest

from gitops_release.gates.gocompat.regex import PatternError, translate_pattern


@pytest.mark.parametrize(
    ("pattern", "python"),
    [
        ("^(?i)ALL$", "(?i)^ALL\\Z"),  # Go applies a flag from where it stands
        ("a$", "a\\Z"),  # `$` is the end of the text, not before a final newline
        ("(?m)^a$", "(?m)^a$"),
        ("x\\z", "x\\Z"),
        ("[[:alpha:]]+", "[A-Za-z]+"),
        ("[]a]", "[\\]a]"),
        ("a[[]", "a[\\[]"),
        ("\\Qa.b\\E+", "a\\.b+"),
        ("(?<n>x)", "(?P<n>x)"),
        ("^system:", "^system:"),
    ],
)
def test_translation(pattern: str, python: str) -> None:
    assert translate_pattern(pattern) == python


def test_dollar_does_not_match_before_a_final_newline() -> None:
    assert re.search(translate_pattern("^.+:latest$"), "nginx:latest") is not None
    assert re.search(translate_pattern("^.+:latest$"), "nginx:latest\n") is None


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("\\pL", "Unicode classes"),
        ("[\\pL]", "Unicode classes"),
        ("(?U)a", "ungreedy"),
        ("[[:^alpha:]]", "unsupported character class"),
        ("[[:nope:]]", "unsupported character class"),
        ("[a", "missing closing ]"),
        ("(", "missing \\)"),
    ],
)
def test_untranslatable_patterns_are_refused(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=message):
        translate_pattern(pattern)
