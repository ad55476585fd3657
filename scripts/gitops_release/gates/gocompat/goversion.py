"""Go `golang.org/x/mod/semver` comparison, which Pluto uses for every version decision.

A string comparison is wrong (`v1.9.0` sorts after `v1.25.0`). python-semver orders versions as
Go does (prereleases below the release per SemVer 2, numeric identifiers as numbers, `+build`
metadata ignored); only the grammar differs, so it is checked here first: Go requires a leading
`v`, accepts the `vMAJOR` / `vMAJOR.MINOR` shorthands (meaning `.0`) but only the full form
with a prerelease or build, and reads ASCII only.
"""

from __future__ import annotations

import string

import semver as pysemver

from gitops_release.errors import UsageError

_CHARACTERS = frozenset(string.ascii_letters + string.digits + ".-+")


def parse(version: str) -> pysemver.Version | None:
    """Parse like Go's `semver.parse`; None when invalid (Go's `IsValid` is false)."""
    text = version[1:]
    if not version.startswith("v") or not _CHARACTERS.issuperset(text):
        return None
    numbers = text.split("+", 1)[0].split("-", 1)[0]
    if numbers != text and numbers.count(".") != 2:
        return None  # a shorthand takes no prerelease or build
    try:
        return pysemver.Version.parse(text, optional_minor_and_patch=True)
    except ValueError:
        return None


def is_valid(version: str) -> bool:
    return parse(version) is not None


def require_valid(version: str, *, what: str) -> pysemver.Version:
    """Parse or raise a message that says what to write instead."""
    parsed = parse(version)
    if parsed is None:
        raise UsageError(
            f"{what} must be a semantic version with a leading 'v' - got {version!r}",
            hint="write it like v1.30.0 (v1.30 and v1 are accepted shorthands)",
        )
    return parsed


def compare(v: str, w: str) -> int:
    """Go `semver.Compare`: invalid sorts below any valid version; two invalid ones are equal."""
    pv, pw = parse(v), parse(w)
    if pv is None or pw is None:
        return (pv is not None) - (pw is not None)
    return pv.compare(pw)


def reached(target: str, threshold: str) -> bool:
    """Pluto's flag test: `threshold` is set and `target >= threshold`."""
    return bool(threshold) and compare(target, threshold) >= 0
