"""Chart fetching: version constraints as Helm reads them, and downloads that can be forbidden."""

from __future__ import annotations

from pathlib import Path

import pytest
import semantic_version

from gitops_release.render.chart_fetch import ChartFetcher, ChartFetchError, constraint
from gitops_release.render.model import ChartRef

VERSIONS = ["1.2.3", "1.2.9", "1.3.0", "1.10.0", "2.0.0", "2.1.0-rc.1", "0.2.5", "0.3.0"]


@pytest.mark.parametrize(
    ("text", "best"),
    [
        ("1.2.3", "1.2.3"),
        ("v1.2.3", "1.2.3"),
        ("^1.2.0", "1.10.0"),
        ("~1.2.3", "1.2.9"),
        ("~1.2", "1.2.9"),
        ("1.x", "1.10.0"),
        ("1.2.x", "1.2.9"),
        (">=1.0.0 <2.0.0", "1.10.0"),
        (">=1.0.0, <2.0.0", "1.10.0"),  # Masterminds: a comma is an AND
        ("^0.2.0", "0.2.5"),
        ("*", "2.0.0"),  # never a prerelease unless asked for
        ("", "2.0.0"),
        (">=2.1.0-rc.0", "2.1.0-rc.1"),
        ("1.2.3 || 0.3.0", "1.2.3"),
    ],
)
def test_the_highest_version_a_helm_constraint_allows(text: str, best: str) -> None:
    choices = [semantic_version.Version(v) for v in VERSIONS]
    assert str(constraint(text).select(choices)) == best


def test_an_unreadable_constraint_says_how_to_write_one() -> None:
    with pytest.raises(ChartFetchError, match="not a version constraint"):
        constraint("latest!!")


def test_downloads_can_be_switched_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITOPS_RELEASE_CHART_FETCH", "off")
    fetcher = ChartFetcher(tmp_path)
    ref = ChartRef("http://127.0.0.1:9/charts", "redis", "17.3.1")
    with pytest.raises(ChartFetchError, match="chart downloads are off"):
        fetcher.fetch(ref)
    cached = fetcher._cached(ref.repository, ref.name, semantic_version.Version("17.3.1"))
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"package")
    assert fetcher.fetch(ref) == cached  # what is cached still renders
