"""Compiled schemas remember verdicts per projected instance: never a wrong verdict, and a hit
for instances that differ only where the schema does not look."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_release.gates.polaris import checks, manifests, schema
from gitops_release.gates.polaris.builtin_checks import BUILTIN_CHECKS
from gitops_release.yamlio import godocs


class _Counting:
    """Stands in for the jsonschema validator and counts the verdicts it works out."""

    def __init__(self, validator: Any) -> None:
        self.validator = validator
        self.calls = 0

    def is_valid(self, instance: Any) -> bool:
        self.calls += 1
        return bool(self.validator.is_valid(instance))


def _compiled(raw: dict[str, Any]) -> tuple[schema.MemoValidator, _Counting]:
    compiled = schema.compile_schema(raw)
    assert isinstance(compiled, schema.MemoValidator)
    counting = _Counting(compiled._validator)
    compiled._validator = counting
    return compiled, counting


def _direct(raw: dict[str, Any], instance: Any) -> bool:
    return bool(schema.PolarisValidator(schema.preprocess(raw)).is_valid(instance))


def _static(check_id: str) -> checks.StaticSchema:
    source = BUILTIN_CHECKS[check_id].schema
    assert isinstance(source, checks.StaticSchema)
    return source


CPU_LIMIT = _static("cpuLimitsMissing")


def test_instances_differing_only_elsewhere_share_a_verdict() -> None:
    compiled, counting = _compiled(dict(CPU_LIMIT.schema))
    containers = [
        {
            "name": f"app{i}",
            "image": f"ghcr.io/acme/app{i}:1",
            "resources": {"limits": {"cpu": "1"}},
        }
        for i in range(50)
    ]
    assert all(compiled.is_valid(c) for c in containers)
    assert counting.calls == 2  # the first (never remembered) and the second


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"resources": {"limits": {"cpu": "1"}}}, {"resources": {"limits": {"cpu": ""}}}),
        ({"resources": {"limits": {"cpu": "1"}}}, {"resources": {"limits": {}}}),
        ({"resources": {"limits": {"cpu": "1"}}}, {"resources": {"limits": {"cpu": 1}}}),
        ({"resources": {"limits": {"cpu": "1"}}}, {"resources": {"limits": None}}),
        ({"resources": {"limits": {"cpu": "1"}}}, {"resources": {"limits": ["cpu"]}}),
        ({"resources": {"limits": {"cpu": "1"}}}, {"resources": {"requests": {"cpu": "1"}}}),
    ],
)
def test_a_relevant_difference_is_never_shared(first: Any, second: Any) -> None:
    raw = dict(CPU_LIMIT.schema)
    compiled, _ = _compiled(raw)
    for _ in range(3):  # past the first, unremembered verdict
        assert compiled.is_valid(first) == _direct(raw, first)
        assert compiled.is_valid(second) == _direct(raw, second)
    assert compiled.is_valid(first) != compiled.is_valid(second)


SCALAR_KINDS: list[Any] = [1, 1.0, True, "1", None, 0, 0.0, -0.0, False, "", [], {}, [1], {"a": 1}]


@pytest.mark.parametrize(
    "raw",
    [
        {"properties": {"v": {"const": 1}}},
        {"properties": {"v": {"type": "integer"}}},
        {"properties": {"v": {"type": "boolean"}}},
        {"properties": {"v": {"enum": [1, "1", None]}}},
        {"properties": {"v": {"minimum": 1}}},
        {"properties": {"v": {"type": "array", "minItems": 1}}},
        {"properties": {"v": {"type": "object", "minProperties": 1}}},
        {"properties": {"v": {"not": {"const": 0}}}},
        {"properties": {"v": {"uniqueItems": True}}},
    ],
)
def test_values_equal_in_python_but_not_in_json_stay_apart(raw: dict[str, Any]) -> None:
    compiled, _ = _compiled(raw)
    for _ in range(2):
        for value in SCALAR_KINDS:
            instance = {"v": value, "other": "ignored"}
            assert compiled.is_valid(instance) == _direct(raw, instance), value


def test_required_keys_count_by_presence_and_counted_keys_by_name() -> None:
    raw = {
        "type": "object",
        "required": ["a"],
        "properties": {"labels": {"type": "object", "minProperties": 2}},
    }
    compiled, counting = _compiled(raw)
    same = [{"a": i, "labels": {"x": str(i), "y": "v"}} for i in range(5)]
    assert all(compiled.is_valid(i) for i in same)
    assert counting.calls == 2
    assert not compiled.is_valid({"labels": {"x": "1", "y": "v"}})  # no `a`
    assert not compiled.is_valid({"a": 1, "labels": {"x": "1"}})  # one label only


def test_whole_values_are_kept_for_keywords_that_read_everything() -> None:
    for raw in (
        {"properties": {"data": {"propertyNames": {"pattern": "^[a-z]+$"}}}},
        {"properties": {"data": {"additionalProperties": {"type": "string"}}}},
        {"$ref": "#/$defs/x", "$defs": {"x": {"required": ["a"]}}},
        {"properties": {"q": {"resourceMinimum": "1"}}},
        {"properties": {"q": {"someUnknownKeyword": 1}}},
    ):
        compiled, _ = _compiled(raw)
        need = schema.need_of([schema.preprocess(raw)])
        if "properties" in raw:
            assert need is not None
            assert all(sub is None for _, sub in need.properties)  # the whole value there
        else:
            assert need is None  # the whole instance
        for instance in (
            {"data": {"ok": "x"}, "a": 1, "q": "2"},
            {"data": {"Not-OK": "x"}, "q": "500m"},
            {"data": {"ok": 1}, "a": 1, "q": "1"},
            {"data": {"ok": "x"}, "q": "2"},
        ):
            for _ in range(2):
                assert compiled.is_valid(instance) == _direct(raw, instance), (raw, instance)


def test_instances_that_are_not_plain_json_data_skip_the_memo() -> None:
    raw = {"minProperties": 1, "properties": {"v": {"type": "array"}}}
    compiled, counting = _compiled(raw)
    odd: list[Any] = [{"v": (1, 2)}, {"v": {1, 2}}, {1: "x", "v": []}, {"v": b"ab"}]
    for instance in odd * 2:
        assert compiled.is_valid(instance) == _direct(raw, instance)
        assert schema.memo_key(instance, compiled.need) is None
    assert counting.calls == len(odd) * 2
    # What the schema does not read may be anything.
    assert schema.memo_key({"v": [], "w": (1, 2)}, compiled.need) is not None


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "_MEMO_LIMIT", 3)
    compiled, _ = _compiled({"properties": {"v": {"minimum": 5}}})
    for value in range(10):
        assert compiled.is_valid({"v": value}) == (value >= 5)
    assert len(compiled._memo) <= 3


def test_templated_schemas_keep_verdicts_per_rendered_text() -> None:
    """A schema rendered per resource (its text depends on the object) is a different compiled
    schema per text, so the memo cannot mix up two renderings."""
    builder = BUILTIN_CHECKS["metadataAndInstanceMismatched"].schema
    assert isinstance(builder, checks.BuiltSchema)

    def verdict(name: str, label: str) -> bool:
        obj = {"metadata": {"name": name, "labels": {"app.kubernetes.io/instance": label}}}
        resolved = builder.resolve(checks.CheckInput(obj))
        assert not isinstance(resolved, checks.Blank)
        assert resolved is not None
        return resolved.is_valid(obj)

    for _ in range(3):
        assert verdict("a", "a")
        assert not verdict("a", "b")
        assert verdict("b", "b")
        assert not verdict("b", "a")


# --- differential: every built-in schema, memo against a fresh validator --------------------------


def _static_schemas() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for check_id, spec in sorted(BUILTIN_CHECKS.items()):
        if isinstance(spec.schema, checks.StaticSchema) and spec.schema.schema:
            out.append((check_id, dict(spec.schema.schema)))
    return out


STATIC = _static_schemas()


def _instances(reference: Path) -> list[Any]:
    """Objects, pod specs and containers from every upstream fixture (typed as audited)."""
    out: list[Any] = []
    root = reference / "polaris" / "test-checks"
    for path in sorted(root.rglob("*.yaml")):
        if path.name == "check.yaml":
            continue
        loaded = manifests.load_paths([path], polaris_compatible=True)
        for resource in loaded.resources:
            out.append(resource.obj)
            if resource.pod_spec is not None:
                out.append(resource.pod_spec)
                out.append(resource.pod_template)
                for container in resource.pod_spec.get("containers") or []:
                    out.append(container)
                    out.append({**resource.pod_spec, "containers": [container]})
    return out


def test_memo_verdicts_equal_fresh_verdicts_on_every_fixture(reference: Path) -> None:
    instances = _instances(reference)
    assert len(instances) > 500
    compared = 0
    for _, raw in STATIC:
        compiled = schema.compile_schema(raw)
        fresh = schema.PolarisValidator(schema.preprocess(raw))
        for _ in range(2):
            for instance in instances:
                assert compiled.is_valid(instance) == fresh.is_valid(instance)
                compared += 1
    assert compared > 20_000


_LEAF = st.one_of(
    st.sampled_from(
        ["", "ALL", "Always", "Default", "x:1", "x:latest", "100m", "1Gi", "Unconfined"]
    ),
    st.sampled_from([0, 1, 2, 1.0, 0.5, True, False, None, -1]),
)
_KEYS = st.sampled_from(
    [
        "securityContext",
        "capabilities",
        "add",
        "drop",
        "privileged",
        "runAsNonRoot",
        "runAsUser",
        "readOnlyRootFilesystem",
        "allowPrivilegeEscalation",
        "resources",
        "limits",
        "requests",
        "cpu",
        "memory",
        "image",
        "imagePullPolicy",
        "containers",
        "hostNetwork",
        "hostPort",
        "ports",
        "env",
        "name",
        "value",
        "replicas",
        "spec",
        "metadata",
        "labels",
        "procMount",
        "livenessProbe",
        "volumes",
        "hostPath",
        "seccompProfile",
        "type",
        "windowsOptions",
        "hostProcess",
    ]
)
_JSON = st.recursive(
    _LEAF,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=12,
)


# Shared by every generated example, so the memos fill up across examples.
PAIRS = [
    (schema.compile_schema(raw), schema.PolarisValidator(schema.preprocess(raw)))
    for _, raw in STATIC
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(_KEYS, _JSON, max_size=5), min_size=2, max_size=6))
def test_memo_verdicts_equal_fresh_verdicts_on_generated_instances(
    instances: list[dict[str, Any]],
) -> None:
    for compiled, fresh in PAIRS:
        for instance in instances + instances:
            assert compiled.is_valid(instance) == fresh.is_valid(instance), instance


def test_rendered_template_schemas_are_memoised_too() -> None:
    text = godocs.load_one("type: object\nproperties: {a: {const: yes}}\n", "v2")
    compiled = schema.compile_schema(text)
    assert isinstance(compiled, schema.MemoValidator)
    assert compiled.is_valid({"a": True})
    assert not compiled.is_valid({"a": "yes"})
    assert not compiled.is_valid({"a": 1})
    assert compiled.is_valid({"a": True, "b": 1})
