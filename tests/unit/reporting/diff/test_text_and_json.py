"""The JSON contract and the text report."""

from __future__ import annotations

from gitops_release.reporting.diff import to_json, to_text
from tests.unit.diff.helpers import result, root


def test_json_contract() -> None:
    data = to_json(result(root("apps/web", 1)))
    assert {"base", "head", "roots"} <= data.keys()
    [r] = data["roots"]
    assert {"name", "path", "kind", "status", "error", "resources", "images"} <= r.keys()
    assert set(r["resources"][0]) >= {"apiVersion", "kind", "namespace", "name", "change", "diff"}
    assert r["images"] == [
        {"resource": "Deployment apps/web", "container": "app", "from": "app:1", "to": "app:2"}
    ]
    assert r["status"] == "changed"
    assert r["error"] is None


def test_text_report() -> None:
    text = to_text(result(root("apps/web", 1), root("apps/api", 0)))
    assert "  changed    apps/web  (kustomize apps/web): +0 ~1 -0, 1 image change(s)" in text
    assert "  unchanged  apps/api" in text
    assert "=== apps/web (kustomize apps/web)" in text
    assert "=== apps/api" not in text
    colored = to_text(result(root("apps/web", 1)), color=True)
    assert "\x1b[32m+" in colored
