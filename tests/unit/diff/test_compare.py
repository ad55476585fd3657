"""Comparing one root's two rendered sides."""

from __future__ import annotations

from gitops_release.diff.compare import RootInfo, diff_texts

INFO = RootInfo("kustomize:x", "x", "x", "kustomize")
DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: prod}}
spec:
  replicas: {replicas}
  template:
    spec:
      containers: [{{name: web, image: "web:{tag}"}}]
"""


def test_changed_added_removed() -> None:
    base = (
        DEPLOY.format(replicas=1, tag=1)
        + "---\napiVersion: v1\nkind: Service\nmetadata: {name: old}\n"
    )
    head = (
        DEPLOY.format(replicas=2, tag=2)
        + "---\napiVersion: v1\nkind: Service\nmetadata: {name: new}\n"
    )
    diff = diff_texts(INFO, base, head, salt=b"s")
    assert diff.status == "changed"
    assert [(r.kind, r.name, r.change) for r in diff.resources] == [
        ("Deployment", "web", "changed"),
        ("Service", "new", "added"),
        ("Service", "old", "removed"),
    ]
    assert "-  replicas: 1\n+  replicas: 2\n" in diff.resources[0].diff
    assert diff.resources[0].diff.startswith(
        "--- base/Deployment prod/web\n+++ head/Deployment prod/web\n"
    )
    assert [(i.container, i.old, i.new) for i in diff.images] == [("web", "web:1", "web:2")]


def test_key_order_is_no_change() -> None:
    base = "kind: ConfigMap\nmetadata: {name: a}\ndata: {x: '1', y: '2'}\n"
    head = "data:\n  y: '2'\n  x: '1'\nmetadata:\n  name: a\nkind: ConfigMap\n"
    assert diff_texts(INFO, base, head, salt=b"s").status == "unchanged"


def test_unparsable_side_is_the_roots_error() -> None:
    diff = diff_texts(INFO, "kind: [", "kind: ConfigMap\n", salt=b"s")
    assert diff.status == "error"
    assert (diff.error or "").startswith("x (base): rendered output is not valid YAML (line ")
