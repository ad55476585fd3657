"""Helm values composition and the SDK child's output filtering."""

from __future__ import annotations

from gitops_release.render.helm_sdk import _kept
from gitops_release.render.helm_values import merge_all, set_expression


def test_value_layers_merge_like_helm() -> None:
    merged = merge_all(
        [
            {"image": {"repository": "r", "tag": "1"}, "list": [1, 2], "keep": True},
            {"image": {"tag": "2"}, "list": [3]},
            {"image": {"pullPolicy": "Always"}, "keep": None},
        ]
    )
    assert merged == {
        "image": {"repository": "r", "tag": "2", "pullPolicy": "Always"},
        "list": [3],
        "keep": None,  # helm drops null keys when it coalesces with the chart's defaults
    }


def test_parameters_escape_commas_like_argo_cd() -> None:
    assert set_expression("hosts", "a,b") == "hosts=a\\,b"
    assert set_expression("hosts", "a\\,b") == "hosts=a\\,b"


def test_notes_tests_and_empty_templates_are_dropped() -> None:
    assert _kept("api/templates/deployment.yaml", "kind: Deployment\n")
    assert not _kept("api/templates/NOTES.txt", "Thanks\n")
    assert not _kept("api/templates/tests/test-connection.yaml", "kind: Pod\n")
    assert not _kept("api/charts/db/templates/tests/t.yaml", "kind: Pod\n")
    assert not _kept("api/templates/disabled.yaml", "# nothing\n\n")
