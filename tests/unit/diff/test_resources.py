"""Resource identity and normalisation."""

from __future__ import annotations

import pytest

from gitops_release.diff.resources import ResourceKey, normalize, parse_manifests
from gitops_release.errors import RenderError


def test_identity_is_group_kind_namespace_name() -> None:
    [old] = parse_manifests(
        "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\n"
        "metadata: {name: web, namespace: prod}\n",
        source="t",
    )
    [new] = parse_manifests(
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
        "metadata: {namespace: prod, name: web}\n",
        source="t",
    )
    assert (
        old.key == new.key == ResourceKey("autoscaling", "HorizontalPodAutoscaler", "prod", "web")
    )
    [core] = parse_manifests("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n", source="t")
    assert core.key == ResourceKey("", "Service", "", "s")


def test_lists_are_expanded_and_empty_documents_skipped() -> None:
    text = """---
# only a comment
---
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
  - {apiVersion: v1, kind: SecretList, items: [{apiVersion: v1, kind: Secret, metadata: {name: s}}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a}
"""
    found = parse_manifests(text, source="t")
    assert [r.key.label for r in found] == ["ConfigMap a", "Secret s", "ConfigMap a#2"]


def test_invalid_output_never_quotes_its_text() -> None:
    with pytest.raises(RenderError) as err:
        parse_manifests("kind: Secret\ndata: {password: hunter2-secret\n", source="web (head)")
    assert "hunter2" not in str(err.value)
    assert err.value.message.startswith("web (head): rendered output is not valid YAML")
    with pytest.raises(RenderError, match="document 1 is not a mapping"):
        parse_manifests("- a\n", source="t")


def test_normalized_yaml_ignores_key_order_and_quoting() -> None:
    a = parse_manifests(
        "kind: ConfigMap\nmetadata: {name: x}\ndata: {b: '1', a: \"2\"}\n", source="t"
    )
    b = parse_manifests(
        "data:\n  a: '2'\n  b: \"1\"\nmetadata:\n  name: x\nkind: ConfigMap\n", source="t"
    )
    assert normalize(a[0].body) == normalize(b[0].body)
    assert (
        normalize(a[0].body) == "data:\n  a: '2'\n  b: '1'\nkind: ConfigMap\nmetadata:\n  name: x\n"
    )


def test_multi_line_strings_are_literal_blocks() -> None:
    [r] = parse_manifests(
        'kind: ConfigMap\ndata:\n  app.conf: "line one\\nline two\\n"\n', source="t"
    )
    assert "app.conf: |\n    line one\n    line two\n" in normalize(r.body)
