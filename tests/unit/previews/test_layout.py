"""Where previews go: placeholders filled, every preview found again, names checked."""

from __future__ import annotations

import re

import pytest

from gitops_release.config import PreviewSettings
from gitops_release.previews.layout import (
    find_previews,
    layout_problems,
    path_pattern,
    place_of,
    static_prefix,
)

SETTINGS = PreviewSettings(
    template="apps/{app}/overlays/preview",
    host="{app}-pr-{pr}.preview.example.com",
)


def test_place_fills_every_text() -> None:
    place = place_of(SETTINGS, "web", 7)
    assert (place.path, place.template, place.namespace, place.host) == (
        "previews/web/pr-7",
        "apps/web/overlays/preview",
        "web-pr-7",
        "web-pr-7.preview.example.com",
    )
    assert place.url == "https://web-pr-7.preview.example.com"
    assert place.template_from_path == "../../../apps/web/overlays/preview"


def test_no_host_no_url() -> None:
    assert place_of(PreviewSettings(template="t/{app}"), "web", 1).url is None


@pytest.mark.parametrize(
    ("template", "path", "app", "pr"),
    [
        ("previews/{app}/pr-{pr}", "previews/web/pr-7", "web", "7"),
        ("previews/pr-{pr}", "previews/pr-12", None, "12"),
        ("p/{app}-{pr}/{app}", "p/web-3/web", "web", "3"),
    ],
)
def test_pattern_finds_filled_paths(template: str, path: str, app: str | None, pr: str) -> None:
    match = path_pattern(template).fullmatch(path)
    assert match is not None
    assert (match.groupdict().get("app"), match.group("pr")) == (app, pr)


@pytest.mark.parametrize(
    "path", ["previews/web/pr-07", "previews/web/pr-x", "previews/web/pr-7/sub", "previews/pr-7"]
)
def test_pattern_rejects_other_paths(path: str) -> None:
    assert path_pattern("previews/{app}/pr-{pr}").fullmatch(path) is None


def test_pattern_escapes_the_literal_parts() -> None:
    assert path_pattern("a.b/{pr}").fullmatch("axb/1") is None
    assert isinstance(path_pattern("a.b/{pr}"), re.Pattern)


def test_static_prefix() -> None:
    assert static_prefix("previews/{app}/pr-{pr}") == "previews"
    assert static_prefix("{app}/previews/{pr}") == ""
    assert static_prefix("envs/preview/pr-{pr}") == "envs/preview"


def test_find_previews_only_records_directly_in_a_preview_directory() -> None:
    paths = [
        "previews/web/pr-7/.rec",
        "previews/web/pr-7/kustomization.yaml",
        "previews/web/pr-7/sub/.rec",
        "previews/api/pr-12/.rec",
        "apps/web/.rec",
    ]
    assert find_previews(paths, SETTINGS, ".rec") == {
        "previews/web/pr-7/.rec": ("web", 7),
        "previews/api/pr-12/.rec": ("api", 12),
    }


def problems(raw: dict[str, object], apps: tuple[str, ...] = ("web", "api")) -> dict[str, str]:
    return dict(layout_problems({"template": "apps/{app}/preview", **raw}, apps=list(apps)))


def test_a_valid_layout_has_no_problems() -> None:
    assert problems({"host": "{app}-{pr}.example.com"}) == {}


def test_path_must_name_pr_and_app_when_there_are_several_apps() -> None:
    found = problems({"path": "previews/{app}"})
    assert "does not name {pr}" in found["path"]
    found = problems({"path": "previews/pr-{pr}"})
    assert "does not name {app}" in found["path"]
    assert problems({"path": "previews/pr-{pr}"}, apps=("web",)) == {}


def test_template_must_be_outside_the_previews() -> None:
    found = problems({"path": "apps/{app}/preview/pr-{pr}"})
    assert "overlaps the preview directory" in found["template"]


def test_namespace_and_host_must_be_valid_once_filled() -> None:
    found = problems({"namespace": "{app}_pr_{pr}"})
    assert "'web_pr_123456' is not a valid namespace name" in found["namespace"]
    long_name = problems({"namespace": "x" * 60 + "-{pr}"})
    assert "namespace" in long_name
    assert "not a valid host name" in problems({"host": "{app}.Preview.example.com"})["host"]
    assert problems({}, apps=("web.v2",))["namespace"].startswith("'web.v2-pr-123456'")
