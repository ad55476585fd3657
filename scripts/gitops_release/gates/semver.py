"""Go `golang.org/x/mod/semver` comparison, which Pluto uses for every version decision.

A string comparison is wrong (`v1.9.0` sorts after `v1.25.0`), and Python's `semver` package is
stricter than Go's (it rejects the `vMAJOR` / `vMAJOR.MINOR` shorthands Pluto accepts), so the Go
rules are reproduced here: a leading `v`, no leading zeros, shorthand means `.0`, prereleases
order below the release per SemVer 2, and `+build` metadata is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gitops_release.errors import UsageError

_NUM = r"(0|[1-9][0-9]*)"
_PRE_IDENT = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_BUILD_IDENT = r"[0-9A-Za-z-]+"
_FULL = re.compile(
    rf"v{_NUM}(?:\.{_NUM}(?:\.{_NUM}"
    rf"(?:-({_PRE_IDENT}(?:\.{_PRE_IDENT})*))?"
    rf"(?:\+{_BUILD_IDENT}(?:\.{_BUILD_IDENT})*)?)?)?"
)


@dataclass(frozen=True)
class GoSemver:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...]

    def canonical(self) -> str:
        pre = "-" + ".".join(self.prerelease) if self.prerelease else ""
        return f"v{self.major}.{self.minor}.{self.patch}{pre}"


def parse(version: str) -> GoSemver | None:
    """Parse like Go's `semver.parse`; None when invalid (Go's `IsValid` is false)."""
    m = _FULL.fullmatch(version)
    if m is None:
        return None
    major, minor, patch, pre = m.group(1), m.group(2), m.group(3), m.group(4)
    return GoSemver(
        int(major),
        int(minor or 0),
        int(patch or 0),
        tuple(pre.split(".")) if pre else (),
    )


def is_valid(version: str) -> bool:
    return parse(version) is not None


def require_valid(version: str, *, what: str) -> GoSemver:
    """Parse or raise a message that says what to write instead."""
    parsed = parse(version)
    if parsed is None:
        raise UsageError(
            f"{what} must be a semantic version with a leading 'v' - got {version!r}",
            hint="write it like v1.30.0 (v1.30 and v1 are accepted shorthands)",
        )
    return parsed


def _compare_ident(a: str, b: str) -> int:
    a_num, b_num = a.isdigit(), b.isdigit()
    if a_num and b_num:
        # No leading zeros, so the longer number is the larger one.
        if len(a) != len(b):
            return -1 if len(a) < len(b) else 1
    elif a_num != b_num:
        return -1 if a_num else 1
    if a == b:
        return 0
    return -1 if a < b else 1


def _compare_prerelease(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    if a == b:
        return 0
    if not a:
        return 1
    if not b:
        return -1
    for x, y in zip(a, b, strict=False):
        c = _compare_ident(x, y)
        if c:
            return c
    return -1 if len(a) < len(b) else 1


def compare(v: str, w: str) -> int:
    """Go `semver.Compare`: invalid sorts below any valid version; two invalid ones are equal."""
    pv, pw = parse(v), parse(w)
    if pv is None and pw is None:
        return 0
    if pv is None:
        return -1
    if pw is None:
        return 1
    for x, y in ((pv.major, pw.major), (pv.minor, pw.minor), (pv.patch, pw.patch)):
        if x != y:
            return -1 if x < y else 1
    return _compare_prerelease(pv.prerelease, pw.prerelease)


def reached(target: str, threshold: str) -> bool:
    """Pluto's flag test: `threshold` is set and `target >= threshold`."""
    return bool(threshold) and compare(target, threshold) >= 0
