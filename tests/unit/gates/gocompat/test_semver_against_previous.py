"""The python-semver based Go semver agrees with the hand-written one it replaces."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_release.gates import semver as previous
from gitops_release.gates.gocompat import semver

_IDENTS = ["0", "1", "01", "9", "10", "11", "alpha", "beta", "rc", "a-b", "-", "0a", "A", "x1", ""]
_NUMBERS = ["0", "1", "01", "2", "9", "10", "25", "99999999999999999999"]


def _corpus() -> list[str]:
    out = {"", "v", "V1", "1.2.3", "v1.2.3\n", "v1.2.3 ", "v\u0661.2.3", "v1.\u0662.3", "vv1"}
    for parts in itertools.product(_NUMBERS, repeat=3):
        out.update({"v" + ".".join(parts), "v" + ".".join(parts[:2]), "v" + parts[0]})
    for core in ("v1", "v1.2", "v1.2.3", "v1.2.3.4"):
        for pre, build in itertools.product(["", *_IDENTS, "rc.1", "rc.01", "a..b"], repeat=2):
            out.add(core + (f"-{pre}" if pre != "" else "") + (f"+{build}" if build else ""))
            out.add(f"{core}-{pre}+{build}")
    return sorted(out)


CORPUS = _corpus()


def _same_parse(version: str) -> None:
    old, new = previous.parse(version), semver.parse(version)
    assert (old is None) == (new is None), version
    if old is not None and new is not None:
        assert (old.major, old.minor, old.patch) == (new.major, new.minor, new.patch)
        assert old.prerelease == (tuple(new.prerelease.split(".")) if new.prerelease else ())


def test_same_verdicts_on_the_corpus() -> None:
    for version in CORPUS:
        _same_parse(version)


def test_same_order_on_the_corpus() -> None:
    valid = [*[v for v in CORPUS if previous.is_valid(v)][::7], "bad", "v1.2-x"]
    for a, b in itertools.product(valid, repeat=2):
        assert semver.compare(a, b) == previous.compare(a, b), (a, b)
        assert semver.reached(a, b) == previous.reached(a, b), (a, b)


_TEXT = st.text(alphabet="v0123456789.-+aZ\u0661\n ", max_size=16)


@settings(max_examples=1000, deadline=None)
@given(_TEXT)
def test_same_verdict_on_any_text(version: str) -> None:
    _same_parse(version)


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(CORPUS) | _TEXT, st.sampled_from(CORPUS) | _TEXT)
def test_same_order_on_any_pair(a: str, b: str) -> None:
    assert semver.compare(a, b) == previous.compare(a, b)
