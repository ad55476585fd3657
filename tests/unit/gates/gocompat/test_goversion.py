from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_release.errors import UsageError
from gitops_release.gates.gocompat import goversion


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("v1.9.0", "v1.25.0", -1),  # not a string comparison
        ("v1.25.0", "v1.25", 0),  # shorthand means .0
        ("v1", "v1.0.0", 0),
        ("v1.16.0-rc.1", "v1.16.0", -1),  # prerelease below release
        ("v1.16.0-alpha", "v1.16.0-alpha.1", -1),
        ("v1.16.0-alpha.1", "v1.16.0-alpha.beta", -1),  # numeric < alphanumeric
        ("v1.16.0-beta.2", "v1.16.0-beta.11", -1),  # numeric identifiers compare as numbers
        ("v1.16.0+build.5", "v1.16.0", 0),  # build metadata ignored
        ("v2.0.0", "v10.0.0", -1),
        ("bad", "v1.0.0", -1),  # invalid sorts below valid
        ("bad", "worse", 0),
    ],
)
def test_compare_follows_go(a: str, b: str, expected: int) -> None:
    assert goversion.compare(a, b) == expected
    assert goversion.compare(b, a) == -expected


@pytest.mark.parametrize(
    "version",
    ["1.2.3", "v01.2.3", "v1.02", "v1.2.3.4", "v1.2-pre", "v1.2.3-01", "v1.2.3-", "v1.2.3+", ""],
)
def test_invalid_versions(version: str) -> None:
    assert not goversion.is_valid(version)
    with pytest.raises(UsageError):
        goversion.require_valid(version, what="target")


@pytest.mark.parametrize("version", ["v1", "v1.25", "v1.25.0-rc.1", "v1.0.0+meta", "v0.0.0"])
def test_valid_versions(version: str) -> None:
    assert goversion.is_valid(version)


def test_reached_treats_empty_threshold_as_never() -> None:
    assert not goversion.reached("v1.30.0", "")
    assert goversion.reached("v1.16.0", "v1.16.0")
    assert not goversion.reached("v1.15.9", "v1.16.0")


# Go's grammar (golang.org/x/mod/semver), transcribed: every text is valid exactly when it matches.
_NUM = r"(0|[1-9][0-9]*)"
_PRE = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_BUILD = r"[0-9A-Za-z-]+"
GO_GRAMMAR = re.compile(
    rf"v{_NUM}(?:\.{_NUM}(?:\.{_NUM}(?:-({_PRE}(?:\.{_PRE})*))?(?:\+{_BUILD}(?:\.{_BUILD})*)?)?)?",
    re.ASCII,
)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="v0123456789.-+aZ\u0661\n ", max_size=16))
def test_validity_follows_go_grammar(version: str) -> None:
    assert goversion.is_valid(version) == (GO_GRAMMAR.fullmatch(version) is not None)


@pytest.mark.parametrize(
    "version",
    ["v1.2-rc.1", "v1+build", "v1.2.3\n", "v\u0661.2.3", "v1.2.3-\u0661", "V1.2.3", "v"],
)
def test_shorthand_suffixes_non_ascii_and_a_bare_v_are_invalid(version: str) -> None:
    assert not goversion.is_valid(version)
