"""Cases derived from Pluto v5.24.0's own unit tests of `pkg/api` (versions_test.go,
output_test.go), restated against the built-in engine.

Each block names the upstream Go test (or Example) it comes from. Upstream checks private
helpers one by one (`jsonToStub`, `isDeprecatedIn`, `GetReturnCode`, ...); here the same inputs
go through the public pipeline: `parse_manifest_text` -> `find_usages` -> `filter_usages` ->
`return_code` / `pluto_json`, and `load_additional` for the versions-file helpers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from gitops_release.errors import ConfigError
from gitops_release.gates import binaries, deprecated_api, deprecations
from gitops_release.gates.deprecations import DeprecatedApi, DeprecationData

# `testVersionDeployment` of versions_test.go.
TEST_DEPLOYMENT = DeprecatedApi(
    "extensions/v1beta1", "Deployment", "v1.9.0", "v1.16.0", "apps/v1", "v1.10.0", "k8s"
)
# `mockInstance` of versions_test.go (its istio target is not valid semver on purpose).
MOCK_TARGETS = {"k8s": "v1.16.0", "istio": "1.6.1", "cert-manager": "v0.15.0"}
MOCK_DATA = DeprecationData((TEST_DEPLOYMENT,), MOCK_TARGETS)

JSON_LIST = (
    '{"kind": "List", "apiVersion": "v1", "items": '
    '[{"kind": "foo", "apiVersion": "bar"},{"kind": "bar", "apiVersion": "foo"}]}'
)
YAML_LIST = (
    "kind: List\napiVersion: v1\nitems:\n- kind: foo\n  apiVersion: bar\n"
    "- kind: bar\n  apiVersion: foo"
)
FOO_BAR = [("bar", "foo"), ("foo", "bar")]  # (apiVersion, kind) of the two list items


def _stubs(text: str, path: str = "-") -> deprecated_api.FileScan:
    return deprecated_api.parse_manifest_text(text, path=path)


# --- Test_jsonToStub, Test_yamlToStub, Test_containsStub --------------------------------------
# (apiVersion, kind) of every stub read from the data; `error` means the data is refused.
# `jsonToStub("")` errors upstream, but only as the JSON step of `containsStub`, which then
# reads "" as YAML without error: that is the case listed under Test_containsStub.
STUB_CASES = [
    # Test_jsonToStub
    ("json not stub", "{}", [("", "")], False),
    ("json is stub", '{"kind": "foo", "apiVersion": "bar"}', [("bar", "foo")], False),
    ("json list is multiple stubs", JSON_LIST, FOO_BAR, False),
    # Test_yamlToStub
    ("yaml not stub", "foo: bar", [("", "")], False),
    ("not yaml", "*.", [], True),
    ("yaml is stub", "kind: foo\napiVersion: bar", [("bar", "foo")], False),
    ("yaml list is multiple stubs", YAML_LIST, FOO_BAR, False),
    # Test_containsStub
    ("yaml not stub", "foo: bar", [("", "")], False),
    ("not yaml", "*.", [], True),
    ("yaml is stub", "kind: foo\napiVersion: bar", [("bar", "foo")], False),
    ("json not stub", "{}", [("", "")], False),
    ("empty string", "", [], False),
    ("no data", "", [], False),
    ("json is stub", '{"kind": "foo", "apiVersion": "bar"}', [("bar", "foo")], False),
]
STUB_SOURCES = ["Test_jsonToStub"] * 3 + ["Test_yamlToStub"] * 4 + ["Test_containsStub"] * 7


@pytest.mark.parametrize(
    ("text", "expected", "error"),
    [
        pytest.param(text, expected, error, id=f"{source}-{name}")
        for source, (name, text, expected, error) in zip(STUB_SOURCES, STUB_CASES, strict=True)
    ],
)
def test_stubs_read_from_data(text: str, expected: list[tuple[str, str]], error: bool) -> None:
    scan = _stubs(text)
    assert [(s.api_version, s.kind) for s in scan.stubs] == expected
    assert (scan.error is not None) is error
    assert all(s.name == "" and s.namespace == "" for s in scan.stubs)


# --- Test_IsVersioned ---------------------------------------------------------------------------
# With `mockInstance` (one entry: testVersionDeployment): how many outputs, and whether the data
# is refused. Every output found is testVersionDeployment, with no name and no namespace.
IS_VERSIONED_CASES = [
    ("yaml no version", "foo: bar", 0, False),
    ("not json or yaml", "some text\nthat is not yaml", 0, True),
    ("yaml has version", "kind: Deployment\napiVersion: extensions/v1beta1", 1, False),
    (
        "yaml list has version",
        "kind: List\napiVersion: v1\nitems:\n- kind: Deployment\n  apiVersion: extensions/v1beta1",
        1,
        False,
    ),
    ("json no version", "{}", 0, False),
    ("empty string", "", 0, False),
    ("no data", "", 0, False),
    ("json has version", '{"kind": "Deployment", "apiVersion": "extensions/v1beta1"}', 1, False),
    (
        "json list has version",
        (
            '{"kind": "List", "apiVersion": "v1", "items": '
            '[{"kind": "Deployment", "apiVersion": "extensions/v1beta1"}]}'
        ),
        1,
        False,
    ),
    ("not yaml", "*.", 0, True),
]


@pytest.mark.parametrize(
    ("text", "outputs", "error"),
    [pytest.param(t, o, e, id=f"Test_IsVersioned-{n}") for n, t, o, e in IS_VERSIONED_CASES],
)
def test_is_versioned(text: str, outputs: int, error: bool) -> None:
    scan = _stubs(text)
    assert (scan.error is not None) is error
    usages = deprecated_api.find_usages([scan], MOCK_TARGETS, MOCK_DATA)
    assert [u.api for u in usages] == [TEST_DEPLOYMENT] * outputs
    assert all((u.stub.name, u.stub.namespace) == ("", "") for u in usages)


# --- TestVersion_IsDeprecatedIn, TestVersion_IsRemovedIn, TestVersion_isReplacementAvailableIn --
# (targets, component, threshold, expected flag). The same six cases for each of the three flags.
FLAG_CASES = [
    ("not yet 1.15.0", {"foo": "v1.15.0"}, "foo", "v1.16.0", False),
    ("equal values", {"foo": "v1.16.0"}, "foo", "v1.16.0", True),
    ("greater than", {"foo": "v1.17.0"}, "foo", "v1.16.0", True),
    ("bad semVer", {"foo": "foo"}, "foo", "v1.16.0", False),
    ("blank threshold - never", {"foo": "v1.16.0"}, "foo", "", False),
    ("target not included for component", {"one": "v1.16.0"}, "two", "v1.16.0", False),
]
# The removed / replacement-available variants of "bad semVer" leave the component empty.
FLAG_TESTS = {
    "deprecated": "TestVersion_IsDeprecatedIn",
    "removed": "TestVersion_IsRemovedIn",
    "replacement_available": "TestVersion_isReplacementAvailableIn",
}


def _flag_params() -> list[Any]:
    params: list[Any] = []
    for flag, source in FLAG_TESTS.items():
        for name, targets, component, threshold, expected in FLAG_CASES:
            comp = "" if name == "bad semVer" and flag != "deprecated" else component
            params.append(
                pytest.param(flag, targets, comp, threshold, expected, id=f"{source}-{name}")
            )
    return params


@pytest.mark.parametrize(("flag", "targets", "component", "threshold", "expected"), _flag_params())
def test_version_flags(
    flag: str, targets: dict[str, str], component: str, threshold: str, expected: bool
) -> None:
    entry = DeprecatedApi(
        "x.example.com/v1",
        "Thing",
        threshold if flag == "deprecated" else "",
        threshold if flag == "removed" else "",
        "",
        threshold if flag == "replacement_available" else "",
        component,
    )
    scan = _stubs("apiVersion: x.example.com/v1\nkind: Thing\n")
    (usage,) = deprecated_api.find_usages([scan], targets, DeprecationData((entry,), targets))
    assert getattr(usage, flag) is expected
    # The other two thresholds are blank, hence never reached.
    assert [getattr(usage, f) for f in FLAG_TESTS if f != flag] == [False, False]


# --- Test_isDuplicate, TestVersion_isContainedIn, TestCombineAdditionalVersions ----------------
# Upstream `Version{Kind, Name}` pairs: Name is the apiVersion. Merging an additional versions
# file into a base table is refused when an entry has the (kind, version) of a base entry.


def _versions_file(entries: Sequence[tuple[str, str]]) -> str:
    lines = ["deprecated-versions:"]
    lines += [f"- {{version: {name}, kind: {kind}}}" for kind, name in entries]
    return "\n".join(lines) + "\n"


def _merge(
    tmp_path: Path, additional: Sequence[tuple[str, str]], defaults: Sequence[tuple[str, str]]
) -> DeprecationData:
    extra = tmp_path / "additional.yaml"
    extra.write_text(_versions_file(additional))
    base = tuple(DeprecatedApi(name, kind, "", "", "", "", "") for kind, name in defaults)
    return deprecations.load_additional(extra, DeprecationData(base, {}))


MERGE_CASES = [
    # Test_isDuplicate
    ("is duplicate", [("Deployment", "apps/v1")], [("Deployment", "apps/v1")], True),
    (
        "is not duplicate",
        [("Deployment", "extensions/v1beta1")],
        [("Deployment", "apps/v1")],
        False,
    ),
    # TestVersion_isContainedIn
    (
        "true",
        [("Deployment", "extensions/v1beta1")],
        [("Deployment", "extensions/v1beta1"), ("Deployment", "apps/v1")],
        True,
    ),
    (
        "false",
        [("Deployment", "extensions/v1beta1")],
        [("Deployment", "apps/v1"), ("Deployment", "extensions/v1beta2")],
        False,
    ),
    # TestCombineAdditionalVersions
    (
        "error combining due to duplicate",
        [("Deployment", "apps/v1")],
        [("Deployment", "apps/v1")],
        True,
    ),
    (
        "combined after the defaults",
        [("Deployment", "extensions/v1beta1")],
        [("Deployment", "apps/v1")],
        False,
    ),
]
MERGE_SOURCES = ["Test_isDuplicate"] * 2 + ["TestVersion_isContainedIn"] * 2
MERGE_SOURCES += ["TestCombineAdditionalVersions"] * 2


@pytest.mark.parametrize(
    ("additional", "defaults", "duplicate"),
    [
        pytest.param(a, d, dup, id=f"{source}-{name}")
        for source, (name, a, d, dup) in zip(MERGE_SOURCES, MERGE_CASES, strict=True)
    ],
)
def test_additional_versions_duplicates(
    tmp_path: Path,
    additional: list[tuple[str, str]],
    defaults: list[tuple[str, str]],
    duplicate: bool,
) -> None:
    if duplicate:
        kind, name = additional[0]
        with pytest.raises(ConfigError) as raised:
            _merge(tmp_path, additional, defaults)
        # TestCombineAdditionalVersions: the exact message.
        message = str(raised.value).splitlines()[0]
        assert message == f"duplicate cannot be added to defaults: {kind} {name}"
        return
    merged = _merge(tmp_path, additional, defaults)
    assert [(a.kind, a.api_version) for a in merged.apis] == [
        (kind, name) for kind, name in [*defaults, *additional]
    ]


# --- TestMarshalVersions, TestGetDefaultVersionList ----------------------------------------------
VERSIONS_DOC = """deprecated-versions:
- version: extensions/v1beta1
  kind: Deployment
  deprecated-in: v1.9.0
  removed-in: v1.16.0
  replacement-api: apps/v1
  replacement-available-in: v1.10.0
  component: k8s
target-versions:
  k8s: v1.16.0
  istio: v1.6.0
  cert-manager: v0.15.1"""


def _load(path: Path) -> DeprecationData:
    return deprecations.load_additional(path, DeprecationData((), {}))


def test_marshal_versions_no_error(tmp_path: Path) -> None:
    """TestMarshalVersions "no error"."""
    path = tmp_path / "versions.yaml"
    path.write_text(VERSIONS_DOC)
    data = _load(path)
    assert data.apis == (TEST_DEPLOYMENT,)
    assert dict(data.target_versions) == {
        "k8s": "v1.16.0",
        "istio": "v1.6.0",
        "cert-manager": "v0.15.1",
    }


def test_marshal_versions_unmarshal_error(tmp_path: Path) -> None:
    """TestMarshalVersions "unmarshal error": a bare scalar is no versions file."""
    path = tmp_path / "versions.yaml"
    path.write_text("foo")
    with pytest.raises(ConfigError):
        _load(path)


def test_get_default_version_list(reference: Path) -> None:
    """TestGetDefaultVersionList: pkg/api/test_data/versions.yaml is well-formed."""
    data = _load(reference / "pluto/api-test_data/versions.yaml")
    assert data.apis
    assert data.target_versions
    assert len(data.apis) == 4
    istio = data.find("networking.istio.io/v1alpha3", "AnyKind")
    assert istio is not None
    assert istio.kind == ""


# --- TestInstance_checkVersion ------------------------------------------------------------------
def test_check_version_empty_kind_matches_any_kind() -> None:
    """TestInstance_checkVersion "empty kind": a whole-API entry matches and takes the object's
    kind; name and namespace come from the object."""
    entry = DeprecatedApi("cert-manager.k8s.io", "", "", "", "", "", "cert-manager")
    scan = _stubs(
        "kind: any\napiVersion: cert-manager.k8s.io\nmetadata: {name: foo, namespace: foobar}\n"
    )
    targets = {"cert-manager": "v1.0.0"}
    (usage,) = deprecated_api.find_usages([scan], targets, DeprecationData((entry,), targets))
    assert usage.api is entry
    assert usage.kind == "any"
    assert (usage.stub.name, usage.stub.namespace) == ("foo", "foobar")
    # As upstream returns a copy with Kind filled in, the JSON output names the object's kind.
    item = json.loads(deprecated_api.pluto_json([usage], targets))["items"][0]
    assert item["api"] == {
        "version": "cert-manager.k8s.io",
        "kind": "any",
        "deprecated-in": "",
        "removed-in": "",
        "replacement-api": "",
        "replacement-available-in": "",
        "component": "cert-manager",
    }


# --- output_test.go ------------------------------------------------------------------------------
# testOutput1 / testOutput2: the same API, component "foo"; target foo=v1.16.0.
OUTPUT_API = DeprecatedApi(
    "extensions/v1beta1", "Deployment", "v1.9.0", "v1.16.0", "apps/v1", "v1.10.0", "foo"
)
# testOutputDeprecatedNotRemoved
DEPRECATED_NOT_REMOVED = DeprecatedApi("apps/v1", "Deployment", "v1.16.0", "", "none", "", "foo")
# testOutputNoOutput
NOT_DEPRECATED = DeprecatedApi("apps/v1", "Deployment", "", "", "", "", "foo")
FOO_TARGETS = {"foo": "v1.16.0"}
OUTPUT_DOCS = {
    "some name one": (
        "apiVersion: extensions/v1beta1\nkind: Deployment\n"
        "metadata: {name: some name one, namespace: pluto-namespace}\n"
    ),
    "some name two": "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: some name two}\n",
    "deprecated not removed": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: deprecated not removed}\n",
}


def _outputs(names: Sequence[str], data: DeprecationData) -> list[deprecated_api.ApiUsage]:
    """Only testOutput1 has a file path ("path-to-file")."""
    usages = []
    for name in names:
        if name == "some name one":
            scan = _stubs(OUTPUT_DOCS[name], path="path-to-file")
            usages += deprecated_api.find_usages([scan], FOO_TARGETS, data)
        else:
            scan = _stubs(OUTPUT_DOCS[name])
            usages += deprecated_api.find_usages([scan], FOO_TARGETS, data, with_file_path=False)
    return usages


def _row(u: deprecated_api.ApiUsage) -> tuple[str, str, str, str, bool, bool, bool]:
    """The columns of the `normal` table: NAME KIND VERSION REPLACEMENT REMOVED DEPRECATED
    REPL AVAIL."""
    return (
        u.stub.name,
        u.kind,
        u.api.api_version,
        u.api.replacement_api,
        u.removed,
        u.deprecated,
        u.replacement_available,
    )


ROW_ONE = ("some name one", "Deployment", "extensions/v1beta1", "apps/v1", True, True, True)
ROW_TWO = ("some name two", "Deployment", "extensions/v1beta1", "apps/v1", True, True, True)
ROW_DEP = ("deprecated not removed", "Deployment", "apps/v1", "none", False, True, False)

DISPLAY_CASES = [
    # ExampleInstance_DisplayOutput_normal
    pytest.param(
        ["some name one", "some name two", "deprecated not removed"],
        (OUTPUT_API, DEPRECATED_NOT_REMOVED),
        {"components": ["foo"]},
        [ROW_ONE, ROW_TWO, ROW_DEP],
        id="ExampleInstance_DisplayOutput_normal",
    ),
    # ExampleInstance_DisplayOutput_onlyShowRemoved
    pytest.param(
        ["some name one", "some name two", "deprecated not removed"],
        (OUTPUT_API, DEPRECATED_NOT_REMOVED),
        {"components": ["foo"], "only_show_removed": True},
        [ROW_ONE, ROW_TWO],
        id="ExampleInstance_DisplayOutput_onlyShowRemoved",
    ),
    # ExampleInstance_DisplayOutput_noOutput: nothing is left to display
    pytest.param(
        ["deprecated not removed"],
        (NOT_DEPRECATED,),
        {"components": ["foo"]},
        [],
        id="ExampleInstance_DisplayOutput_noOutput",
    ),
    # ExampleInstance_DisplayOutput_zeroLength (no outputs at all)
    pytest.param([], (OUTPUT_API,), {}, [], id="ExampleInstance_DisplayOutput_zeroLength"),
    # The examples' `Components: [foo]` keep component foo; FilterOutput drops other components.
    pytest.param(
        ["some name one", "some name two"],
        (OUTPUT_API,),
        {"components": ["k8s"]},
        [],
        id="ExampleInstance_DisplayOutput-component-not-listed",
    ),
]


@pytest.mark.parametrize(("names", "apis", "options", "rows"), DISPLAY_CASES)
def test_display_output_filter(
    names: list[str],
    apis: tuple[DeprecatedApi, ...],
    options: Mapping[str, object],
    rows: list[tuple[object, ...]],
) -> None:
    usages = _outputs(names, DeprecationData(apis, FOO_TARGETS))
    kept = deprecated_api.filter_usages(usages, **options)  # type: ignore[arg-type]
    assert [_row(u) for u in kept] == rows
    if not rows:
        assert "items" not in json.loads(deprecated_api.pluto_json(kept, FOO_TARGETS))


def test_display_output_json() -> None:
    """ExampleInstance_DisplayOutput_json: one line, Go field order, omitempty name/filePath/
    namespace, the target versions last."""
    api = {
        "version": "extensions/v1beta1",
        "kind": "Deployment",
        "deprecated-in": "v1.9.0",
        "removed-in": "v1.16.0",
        "replacement-api": "apps/v1",
        "replacement-available-in": "v1.10.0",
        "component": "foo",
    }
    flags = {"deprecated": True, "removed": True, "replacementAvailable": True}
    expected = {
        "items": [
            {
                "name": "some name one",
                "filePath": "path-to-file",
                "namespace": "pluto-namespace",
                "api": api,
                **flags,
            },
            {"name": "some name two", "api": api, **flags},
        ],
        "target-versions": FOO_TARGETS,
    }
    usages = deprecated_api.filter_usages(
        _outputs(["some name one", "some name two"], DeprecationData((OUTPUT_API,), FOO_TARGETS)),
        components=["foo"],
    )
    text = deprecated_api.pluto_json(usages, FOO_TARGETS)
    assert text == json.dumps(expected, separators=(",", ":")) + "\n"
    # The adapter for the real binary reads that exact output back to the same usages.
    parsed, targets = binaries.parse_pluto_json(text)
    assert targets == FOO_TARGETS
    assert deprecated_api.pluto_json(parsed, targets) == text
    assert [_row(u) for u in parsed] == [_row(u) for u in usages]


# --- TestGetReturnCode ---------------------------------------------------------------------------
# Outputs are `Version{DeprecatedIn, RemovedIn, ReplacementAvailableIn, Component: foo}` with the
# target foo=v1.16.0; flags are (ignore deprecations, ignore removals, ignore unavailable).
RETURN_CODE_CASES = [
    ("empty return zero", None, (False, False, False), 0),
    ("version is deprecated return two", ("v1.16.0", "v1.20.0", ""), (False, False, False), 4),
    (
        "version is deprecated ignore deprecations",
        ("v1.16.0", "v1.20.0", ""),
        (True, False, False),
        4,
    ),
    ("version is removed", ("v1.12.0", "v1.16.0", ""), (False, False, False), 4),
    (
        "version is removed and replacement is unavailable",
        ("v1.16.0", "v1.16.0", "v1.17.0"),
        (False, False, True),
        3,
    ),
    (
        "version is deprecated and replacement is unavailable",
        ("v1.16.0", "v1.20.0", "v1.17.0"),
        (False, False, False),
        4,
    ),
    (
        "version is deprecated and replacement is unavailable but ignored",
        ("v1.16.0", "v1.20.0", "v1.17.0"),
        (False, False, True),
        0,
    ),
]


@pytest.mark.parametrize(
    ("versions", "ignore", "expected"),
    [pytest.param(v, i, e, id=f"TestGetReturnCode-{n}") for n, v, i, e in RETURN_CODE_CASES],
)
def test_get_return_code(
    versions: tuple[str, str, str] | None, ignore: tuple[bool, bool, bool], expected: int
) -> None:
    usages: list[deprecated_api.ApiUsage] = []
    if versions is not None:
        deprecated_in, removed_in, available_in = versions
        entry = DeprecatedApi(
            "x.example.com/v1", "Thing", deprecated_in, removed_in, "", available_in, "foo"
        )
        scan = _stubs("apiVersion: x.example.com/v1\nkind: Thing\n")
        usages = deprecated_api.find_usages([scan], FOO_TARGETS, DeprecationData((entry,), {}))
    ignore_deprecations, ignore_removals, ignore_unavailable = ignore
    code = deprecated_api.return_code(
        usages,
        ignore_deprecations=ignore_deprecations,
        ignore_removals=ignore_removals,
        ignore_unavailable_replacements=ignore_unavailable,
    )
    assert code == expected
    # Upstream counts the outputs as given; every one here survives the output filter too.
    assert deprecated_api.filter_usages(usages) == usages
