"""The direct construction of documents from composed nodes gives exactly what ruamel's
constructor (with the Go scalar rules) gives, and one composition serves both gates."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_release.gates import deprecated_api
from gitops_release.gates.polaris import manifests
from gitops_release.gates.sources import read_sources
from gitops_release.yamlio import godocs

TRICKY = [
    "a: 1\na: 2\n",  # duplicate key: ruamel's error
    "<<: {a: 1}\nb: 2\n",  # merge key
    "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n",
    "a: &x {b: 1}\nc: *x\n",  # alias: the same object twice
    "a: &x [1, 2]\nb: *x\n",
    "&a [*a]\n",  # a list that contains itself
    "a: !!str 1\n",
    "a: !foo bar\n",
    "a: !!binary aGVsbG8=\n",
    "a: !!set {x, y}\n",
    "a: !!timestamp 2001-01-01\n",
    "--- !!map\na: 1\n",
    "? [a]\n: 1\n",  # complex key
    "1: a\n'1': b\n",  # keys equal once stringified
    "true: 1\n1: 2\n",  # keys equal in Python
    "null: 1\n~: 2\n",
    "1.5: a\n2: b\n0x10: c\n",
    "a: yes\nb: on\nc: 010\nd: 0x1F\ne: 1e3\nf: .inf\ng: -.Inf\nh: .nan\ni: ~\nj:\nk: 2001-01-01\n",
    "a: 1_000\nb: +12\nc: -0o17\nd: 0b101\ne: 99999999999999999999999\nf: 1.\ng: .5\n",
    "a: 'q'\nb: \"r\"\n'c': d\nd: ''\ne: \"\"\n",
    "a: |\n  x\n  y\nb: >\n  folded\n  text\n",
    "a: ! b\n",
    "? a\n",
    "{a: 1, a: 1}",
    "a: b\n...\n---\nc: d\n",
    "%YAML 1.1\n---\na: yes\n",
    "x: [1, 2, {y: z}]\n---\n- a\n---\nfoo\n---\n",
    "a: [\n",
    "- x\n---\n- y\n: bad",
    "a: 1\n---\nb: [\n",
    "a: 1\na: 2\n---\nb: [\n",  # a construction error before a syntax error
    "",
    "# only a comment\n",
    "---\n---\n",
    "kind: List\nitems:\n- kind: A\n- kind: B\n",
    'a: \u00e9\u00e8\nb: "\\u263a"\n',
    "a:\r\n  b: c\r\n",
]


def _same(a: Any, b: Any, depth: int = 0) -> bool:
    """Equal, with the same types all the way down (1 is not True, 1.0 is not 1)."""
    if depth > 50:  # a structure that contains itself
        return repr(a) == repr(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k], depth + 1) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y, depth + 1) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _slow_load_all(text: str, flavour: godocs.Flavour) -> tuple[Any, Any]:
    try:
        return godocs._load_all_slow(text, flavour, 0), None
    except godocs.YamlSyntaxError as exc:
        return None, exc


def _fast_load_all(text: str, flavour: godocs.Flavour) -> tuple[Any, Any]:
    try:
        return godocs.load_all(text, flavour), None
    except godocs.YamlSyntaxError as exc:
        return None, exc


def _slow_read(text: str) -> tuple[list[tuple[Any, int]], Any]:
    docs: list[tuple[Any, int]] = []
    try:
        docs.extend(godocs._iter_documents_slow(text, "v3"))
    except godocs.YamlSyntaxError as exc:
        return docs, exc
    return docs, None


def _assert_same_everywhere(text: str) -> None:
    for flavour in ("v3", "v2"):
        (a, error_a), (b, error_b) = _slow_load_all(text, flavour), _fast_load_all(text, flavour)
        assert error_a == error_b, (text, flavour)
        assert _same(a, b), (text, flavour)
    (docs_a, error_a), (docs_b, error_b) = _slow_read(text), godocs.read_documents(text)
    assert error_a == error_b, text
    assert [line for _, line in docs_a] == [line for _, line in docs_b], text
    assert _same([d for d, _ in docs_a], [d for d, _ in docs_b]), text


@pytest.mark.parametrize("text", TRICKY)
def test_direct_construction_matches_ruamel(text: str) -> None:
    _assert_same_everywhere(text)


def test_direct_construction_matches_ruamel_on_the_reference_data(reference: Path) -> None:
    texts = [
        p.read_text(encoding="utf-8")
        for p in sorted(reference.rglob("*"))
        if p.is_file() and p.suffix in (".yaml", ".yml", ".json")
    ]
    assert len(texts) > 300
    for text in texts:
        _assert_same_everywhere(text)


def test_rendered_manifests_take_the_direct_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(text: str) -> Any:
        raise AssertionError(f"fell back for {text!r}")

    monkeypatch.setattr(godocs, "_read_documents_slow", slow)
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, labels: {a: 'b'}}\n"
        "spec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n"
        "      - {name: c, image: 'x:1', ports: [{containerPort: 80}]}\n---\n"
    )
    docs, error = godocs.read_documents(text)
    assert error is None
    assert docs[0][0]["spec"]["template"]["spec"]["containers"][0]["ports"] == [
        {"containerPort": 80}
    ]


def test_aliases_share_the_object_as_in_ruamel() -> None:
    (doc,) = godocs.load_all("a: &x {b: 1}\nc: *x\n")
    assert doc["a"] is doc["c"]


_SCALARS = st.sampled_from(
    [
        *("a", "yes", "on", "~", "null", "", "010", "0x1F", "1e3", ".inf", "1_0", "-1", "+.5"),
        *("true", "'q'", '"1"', "2001-01-01", "<<", "!!str 5", "x y", "- a"),
    ]
)


def _yaml_text() -> st.SearchStrategy[str]:
    leaf = _SCALARS
    values = st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
            st.lists(st.tuples(_SCALARS, inner), max_size=3).map(
                lambda kvs: "{" + ", ".join(f"{k}: {v}" for k, v in kvs) + "}"
            ),
        ),
        max_leaves=8,
    )
    document = st.lists(st.tuples(_SCALARS, values), min_size=1, max_size=4).map(
        lambda kvs: "".join(f"{k}: {v}\n" for k, v in kvs)
    )
    return st.lists(document, min_size=1, max_size=3).map("---\n".join)


@settings(max_examples=300, deadline=None)
@given(_yaml_text())
def test_direct_construction_matches_ruamel_on_generated_yaml(text: str) -> None:
    _assert_same_everywhere(text)


def test_composing_once_leaves_the_nodes_for_the_deprecated_api_reading() -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: n}\n---\n- x\n"
    composed = godocs.compose_documents(text)
    before = deprecated_api.parse_manifest_text(text, composed=composed)
    godocs.read_documents(text, composed)
    assert deprecated_api.parse_manifest_text(text, composed=composed) == before
    assert before == deprecated_api.parse_manifest_text(text)


# --- one reading of each file for both gates -----------------------------------------------------

FILES: dict[str, bytes] = {
    "a-deploy.yaml": (
        b"apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: web, namespace: d}\n"
        b"spec:\n  template:\n    spec:\n      containers: [{name: c, image: 'nginx'}]\n"
    ),
    "b-list.yaml": b"kind: List\napiVersion: v1\nitems:\n- {kind: ConfigMap, apiVersion: v1, "
    b"metadata: {name: one}}\n- {kind: Secret, apiVersion: v1, metadata: {name: two}}\n",
    "c-crlf.yaml": b"apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: s\r\n",
    "d-latin1.yaml": b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n",
    "e-broken.yaml": b"apiVersion: v1\nkind: Service\nmetadata: {name: ok}\n---\nkind: [\n",
    "f-dupes.yaml": b"apiVersion: v1\nkind: Service\nkind: Service\nmetadata: {name: d}\n",
    "g-merge.yaml": b"base: &b {apiVersion: v1, kind: Namespace}\n---\n<<: {kind: Namespace}\n"
    b"apiVersion: v1\nmetadata: {name: m}\n",
    "h.json": b'{"apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy", '
    b'"metadata": {"name": "p"}}',
    "i-scalar.yaml": b"just text\n---\n- a list\n",
    "j-nameless.yaml": b"apiVersion: v1\nkind: Service\n",
    "k-empty.yaml": b"",
    "l-pod.yaml": b"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
    b"  - {name: c, image: 'x:1', resources: {limits: {cpu: 1.5}}}\n  hostNetwork: yes\n",
}


def _write(tmp_path: Path) -> list[Path]:
    for name, data in FILES.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "z-dangling.yaml").symlink_to(tmp_path / "missing")
    return sorted(tmp_path.iterdir())


def test_one_reading_gives_what_each_gate_reads_alone(tmp_path: Path) -> None:
    files = _write(tmp_path)
    shared = read_sources(files)
    assert shared.scans == [deprecated_api.scan_file(f) for f in files]
    alone = manifests.load_paths(files)
    assert shared.loaded.errors == alone.errors
    assert shared.loaded.warnings == alone.warnings
    assert shared.loaded.resources == alone.resources
    assert any(s.error for s in shared.scans)
    assert any("cannot read file" in e.message for e in alone.errors)  # the invalid UTF-8
    assert len(alone.resources) >= 6


def test_run_gates_reads_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gitops_release.gates import GateSettings, run_gates

    files = _write(tmp_path)
    composed: list[str] = []
    original = godocs.compose_documents

    def counting(text: str, **kwargs: Any) -> godocs.Composed:
        composed.append(text)
        return original(text, **kwargs)

    monkeypatch.setattr(godocs, "compose_documents", counting)
    report = run_gates(files, GateSettings(engine="builtin"))
    readable = [f for f in files if f.exists()]
    # Once per file for both gates; the CRLF file twice, as Polaris's loader reads it with
    # universal newlines.
    assert len(composed) == len(readable) + 1
    assert report.engines == (("deprecated-api", "built-in"), ("polaris", "built-in"))
