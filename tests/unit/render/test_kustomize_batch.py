"""Splitting a batched kustomize build by its wrapper label (pure), and image overrides."""

from __future__ import annotations

import pytest

from gitops_release.render.kustomize import (
    BATCH_LABEL,
    parse_image_override,
    plan_batches,
    split_batch_output,
)
from gitops_release.render.model import RenderRoot

OUTPUT = f"""apiVersion: v1
kind: ConfigMap
metadata:
  labels:
    {BATCH_LABEL}: r0
  name: settings-abc
  namespace: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: api
    {BATCH_LABEL}: r1
    tier: backend
  name: api
  namespace: api
spec:
  template:
    metadata:
      labels:
        {BATCH_LABEL}: not-touched
"""


def test_split_removes_the_label_and_an_emptied_labels_map() -> None:
    split = split_batch_output(OUTPUT)
    assert split is not None
    assert split["r0"].docs == [
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-abc\n  namespace: web\n"
    ]
    assert split["r0"].namespaces == {"web"}
    [api] = split["r1"].docs
    assert "    app: api\n    tier: backend\n  name: api\n" in api
    assert f"        {BATCH_LABEL}: not-touched" in api


def test_unexpected_output_means_no_split() -> None:
    assert split_batch_output("apiVersion: v1\nkind: X\nmetadata:\n  name: x\n") is None


def root(key: str, namespace: str | None) -> RenderRoot:
    return RenderRoot(key=key, name=key, kind="kustomize", path=key, namespace=namespace)


def test_batches_never_share_a_namespace() -> None:
    roots = [root("a", "x"), root("b", "x"), root("c", "y"), root("d", "x"), root("e", "z")]
    batches = plan_batches(roots, 2)
    assert [[r.key for r in b] for b in batches] == [["a", "c"], ["b", "e"], ["d"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ghcr.io/acme/web:1.2.3", {"name": "ghcr.io/acme/web", "newTag": "1.2.3"}),
        ("localhost:5000/web:1", {"name": "localhost:5000/web", "newTag": "1"}),
        (
            "web=ghcr.io/acme/web@sha256:abc",
            {"name": "web", "newName": "ghcr.io/acme/web", "digest": "sha256:abc"},
        ),
        ("nginx", {"name": "nginx"}),
    ],
)
def test_argo_cd_image_overrides(text: str, expected: dict[str, str]) -> None:
    assert parse_image_override(text) == expected
