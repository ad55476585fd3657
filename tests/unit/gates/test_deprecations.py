"""The project's deprecation table is Pluto v5.24.0's data, entry by entry and in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_release.errors import ConfigError
from gitops_release.gates import deprecations
from gitops_release.gates.deprecations import DEFAULT_DATA, DeprecatedApi
from gitops_release.yamlio import godocs


def _reference_entries(reference: Path) -> tuple[list[DeprecatedApi], dict[str, str]]:
    doc = godocs.load_one((reference / "pluto" / "versions.yaml").read_text())
    entries = [
        DeprecatedApi(
            e["version"],
            e["kind"],
            e["deprecated-in"],
            e["removed-in"],
            e["replacement-api"],
            e.get("replacement-available-in") or "",
            e["component"],
        )
        for e in doc["deprecated-versions"]
    ]
    return entries, dict(doc["target-versions"])


def test_table_equals_pluto_versions_yaml(reference: Path) -> None:
    entries, targets = _reference_entries(reference)
    assert len(entries) == 112
    assert len(deprecations.DEPRECATED_APIS) == len(entries)
    for i, (ours, theirs) in enumerate(zip(deprecations.DEPRECATED_APIS, entries, strict=True)):
        assert ours == theirs, f"entry {i} differs"
    assert dict(deprecations.DEFAULT_TARGET_VERSIONS) == targets


def test_table_counts_documented_in_gates_md() -> None:
    apis = deprecations.DEPRECATED_APIS
    by_component = {
        c: sum(1 for a in apis if a.component == c) for c in ("k8s", "cert-manager", "istio")
    }
    assert by_component == {"k8s": 86, "cert-manager": 24, "istio": 2}
    assert sum(1 for a in apis if a.replacement_available_in) == 51
    assert sum(1 for a in apis if not a.deprecated_in) == 3
    # audit.k8s.io/v1alpha1 Policy appears twice; the first one wins.
    first = DEFAULT_DATA.find("audit.k8s.io/v1alpha1", "Policy")
    assert first is next(a for a in apis if a.api_version == "audit.k8s.io/v1alpha1")


def test_additional_versions_duplicate_of_default_is_refused(reference: Path) -> None:
    with pytest.raises(
        ConfigError, match="duplicate cannot be added to defaults: Deployment extensions/v1beta1"
    ):
        deprecations.load_additional(
            reference / "pluto/e2e-assets/additional-versions/duplicate.yaml"
        )


def test_additional_versions_are_appended_and_add_only_new_components(
    reference: Path, tmp_path: Path
) -> None:
    merged = deprecations.load_additional(
        reference / "pluto/e2e-assets/additional-versions/new.yaml"
    )
    assert merged.apis[:112] == deprecations.DEPRECATED_APIS
    assert merged.apis[112].kind == "AnotherCRD"
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "deprecated-versions:\n- {version: x.io/v1, kind: A, deprecated-in: v1.0.0, removed-in: '', "
        "replacement-api: '', component: k8s}\n- {version: x.io/v1, kind: A, deprecated-in: v1.0.0, "
        "removed-in: '', replacement-api: '', component: k8s}\n"
        "target-versions: {k8s: v1.0.0, other: v2.0.0}\n"
    )
    merged = deprecations.load_additional(extra)
    assert len(merged.apis) == 114  # duplicates within the extra file are not checked
    assert merged.target_versions["k8s"] == "v1.25.0"  # defaults keep their components
    assert merged.target_versions["other"] == "v2.0.0"


def test_every_component_needs_a_target(reference: Path, tmp_path: Path) -> None:
    merged = deprecations.load_additional(
        reference / "pluto/e2e-assets/additional-versions/new.yaml"
    )
    assert deprecations.effective_targets(merged, {}, None)["other"] == "v1.0.0"
    no_target = tmp_path / "crd.yaml"
    no_target.write_text(
        "deprecated-versions:\n- {version: x.io/v1, kind: A, deprecated-in: v1.0.0, removed-in: '', "
        "replacement-api: '', component: mine}\n"
    )
    with pytest.raises(ConfigError, match="missing component: mine"):
        deprecations.effective_targets(deprecations.load_additional(no_target), {}, None)
    assert deprecations.effective_targets(
        deprecations.load_additional(no_target), {"mine": "v1"}, None
    )


def test_target_versions_must_be_go_semver() -> None:
    with pytest.raises(ConfigError, match="got k8s 1.30.0"):
        deprecations.effective_targets(DEFAULT_DATA, {"k8s": "1.30.0"}, None)
    with pytest.raises(ConfigError, match="zero components"):
        deprecations.effective_targets(DEFAULT_DATA, {}, ())


def test_a_components_list_is_narrowed_to_the_known_components_as_pluto_does() -> None:
    targets = deprecations.effective_targets(DEFAULT_DATA, {}, ("k8s", "no-such-component"))
    assert targets["k8s"] == DEFAULT_DATA.target_versions["k8s"]
    with pytest.raises(ConfigError, match="cannot find deprecations for zero components"):
        deprecations.effective_targets(DEFAULT_DATA, {}, ("no-such-component",))
    # the zero-components check comes first, as in Pluto, before the versions are validated
    with pytest.raises(ConfigError, match="zero components"):
        deprecations.effective_targets(DEFAULT_DATA, {"k8s": "1.30"}, ("nothing",))
