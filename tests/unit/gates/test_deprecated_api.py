"""Pluto-compatible detection: the e2e exit codes of GATES.md §1.2 and the parser rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_release.gates import deprecated_api, deprecations


def _detect(
    paths: list[Path], targets: dict[str, str] | None = None, **flags: object
) -> deprecated_api.Detection:
    files = [f for p in paths for f in (deprecated_api.walk_files(p) if p.is_dir() else [p])]
    scans = [deprecated_api.scan_file(f) for f in files]
    eff = deprecations.effective_targets(deprecations.DEFAULT_DATA, targets or {}, None)
    return deprecated_api.detect(scans, targets=eff, **flags)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("targets", "flags", "expected"),
    [
        ({"k8s": "v1.15.0"}, {}, 2),
        ({"k8s": "v1.15.0"}, {"only_show_removed": True}, 0),
        ({}, {}, 3),
        ({}, {"components": ["istio"]}, 0),
    ],
)
def test_e2e_exit_codes(
    reference: Path, targets: dict[str, str], flags: dict[str, object], expected: int
) -> None:
    result = _detect([reference / "pluto/e2e-assets"], targets, **flags)
    assert result.return_code == expected
    if flags.get("only_show_removed"):
        assert result.usages == ()


def test_single_deprecated_file_exits_3(reference: Path) -> None:
    result = _detect(
        [reference / "pluto/e2e-assets/deprecated116/deployment-extensions-v1beta1.yaml"]
    )
    assert result.return_code == 3


def test_unparseable_files_are_dropped_but_recorded(reference: Path) -> None:
    result = _detect([reference / "pluto/e2e-assets"])
    dropped = {Path(s.path).name for s in result.dropped}
    assert "deployment-deprecated.yaml" in dropped  # raw Helm template
    assert all(s.error for s in result.dropped)


def test_list_items_are_expanded_one_level(reference: Path) -> None:
    scan = deprecated_api.scan_file(
        reference / "pluto/e2e-assets/list/list-deployment-deprecated-and-non-deprecated.yaml"
    )
    assert [(s.api_version, s.kind, s.name) for s in scan.stubs] == [
        ("extensions/v1beta1", "Deployment", "utilities"),
        ("apps/v1", "Deployment", "utilities"),
    ]
    nested = deprecated_api.parse_manifest_text(
        "kind: List\nitems:\n- kind: List\n  apiVersion: v1\n  items:\n  - {apiVersion: extensions/v1beta1, kind: Deployment}\n"
    )
    assert [(s.kind, s.api_version) for s in nested.stubs] == [("List", "v1")]


def test_json_files(reference: Path) -> None:
    scan = deprecated_api.scan_file(
        reference / "pluto/finder-testdata/deployment-extensions-v1beta1.json"
    )
    assert [(s.api_version, s.kind) for s in scan.stubs] == [("extensions/v1beta1", "Deployment")]
    # Go's encoding/json matches field names case-insensitively; a type mismatch falls back to YAML.
    upper = deprecated_api.parse_manifest_text(
        json.dumps({"APIVERSION": "apps/v1beta1", "Kind": "Deployment"})
    )
    assert (upper.stubs[0].api_version, upper.stubs[0].kind) == ("apps/v1beta1", "Deployment")
    mismatch = deprecated_api.parse_manifest_text('{"apiVersion": "v1", "kind": 5}')
    assert mismatch.stubs[0].kind == "5"
    other = deprecated_api.scan_file(reference / "pluto/finder-testdata/other.txt")
    assert not any(s.kind for s in other.stubs)


def test_yaml_rules() -> None:
    text = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: 010, namespace: ~}\n---\n- not a mapping\n---\n"
    scan = deprecated_api.parse_manifest_text(text)
    assert scan.error is None
    assert scan.stubs[0].name == "010"  # scalars are read as their text
    assert scan.stubs[0].namespace == ""
    assert deprecated_api.parse_manifest_text("a: [\n").error is not None
    assert deprecated_api.parse_manifest_text("- x\n---\n- y\n").error is not None


def test_return_code_formula() -> None:
    data = deprecations.DEFAULT_DATA
    psp = deprecated_api.parse_manifest_text(
        "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\n"
    )
    usages = deprecated_api.filter_usages(
        deprecated_api.find_usages([psp], {"k8s": "v1.30.0"}, data)
    )
    assert deprecated_api.return_code(usages) == 4  # no replacement available -> 4
    assert deprecated_api.return_code(usages, ignore_unavailable_replacements=True) == 3
    assert (
        deprecated_api.return_code(
            usages, ignore_unavailable_replacements=True, ignore_removals=True
        )
        == 0
    )  # deprecations without a replacement don't count once unavailable ones are ignored


def test_pluto_json_shape(reference: Path) -> None:
    result = _detect([reference / "pluto/e2e-assets/deprecated116"], {"k8s": "v1.16.0"})
    doc = json.loads(deprecated_api.pluto_json(result.usages, result.targets))
    item = doc["items"][0]
    assert list(item) == [
        "name",
        "filePath",
        "api",
        "deprecated",
        "removed",
        "replacementAvailable",
    ]
    assert item["api"]["replacement-available-in"] == "v1.9.0"
    assert doc["target-versions"] == {
        "cert-manager": "v1.5.3",
        "istio": "v1.11.0",
        "k8s": "v1.16.0",
    }
    empty = json.loads(deprecated_api.pluto_json([], result.targets))
    assert "items" not in empty
