"""Conformance with Polaris v10.2.2: the upstream fixtures, its own check definitions, `fix`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gitops_release.gates.polaris import audit, builtin_checks, config, manifests
from gitops_release.gates.polaris.mutations import apply_mutations
from gitops_release.yamlio import godocs
from tests.unit.gates.reference import collected

from .helpers import audit_file, fixture_cases, fixture_config, raw_check

CASES = collected(fixture_cases)


def test_fixture_count(reference: Path) -> None:
    cases = fixture_cases(reference)
    failures = [c for c in cases if "failure" in c.name]
    assert (len(cases), len(cases) - len(failures), len(failures)) == (302, 136, 166)


@pytest.mark.parametrize("case", CASES)
def test_upstream_fixture(case: Path) -> None:
    """Polaris's protocol: a failure case needs a danger; a success case a pass and no danger."""
    result = audit_file(case, fixture_config(case.parent))
    assert result.errors == []
    successes, _, dangers = result.counts()
    assert successes + dangers >= 1
    if "failure" in case.name:
        assert dangers >= 1
    else:
        assert successes >= 1
        assert dangers == 0


def test_builtins_match_polaris_definitions_on_every_fixture(reference: Path) -> None:
    """Polaris's own check YAMLs, run through the Go-template path as custom checks, give the
    same result tree as the built-ins on every fixture (5,000+ individual results)."""
    severities = godocs.load_one((reference / "polaris/default.yaml").read_text(), "v2")["checks"]
    custom = {
        p.stem: raw_check(p)
        for p in sorted((reference / "polaris/checks").glob("*.yaml"))
        # Polaris codes this one in Go; as a schema-less custom check it would always pass.
        if p.stem != "pdbMinAvailableGreaterThanHPAMinReplicas"
    }
    mutations = sorted(severities)
    ours = config.build_config({"checks": severities, "mutations": mutations})
    theirs = config.build_config(
        {"checks": severities, "customChecks": custom, "mutations": mutations}
    )
    files = fixture_cases(reference) + sorted(
        (reference / "polaris/test-checks").glob("*/mutated*")
    )
    files += sorted((reference / "polaris/kube-test_files").rglob("*.yaml"))
    compared = 0
    for path in files:
        loaded = manifests.load_paths([path], polaris_compatible=True)
        a, b = audit.run_audit(loaded, ours), audit.run_audit(loaded, theirs)
        assert a.errors == b.errors == []
        assert [r.as_json() for r in a.results] == [r.as_json() for r in b.results], path
        compared += sum(1 for r in a.results for _ in r.messages())
    assert compared > 5000


def test_default_severities_match_polaris_default(reference: Path) -> None:
    doc = godocs.load_one((reference / "polaris/default.yaml").read_text(), "v2")
    ours = {k: v.default_severity for k, v in builtin_checks.BUILTIN_CHECKS.items()}
    assert ours == doc["checks"]
    assert len(ours) == 44


def test_builtin_messages_match_polaris(reference: Path) -> None:
    for path in sorted((reference / "polaris/checks").glob("*.yaml")):
        theirs = raw_check(path)
        ours = builtin_checks.BUILTIN_CHECKS[path.stem]
        assert (ours.success_message, ours.failure_message, ours.category, ours.target) == (
            theirs.get("successMessage"),
            theirs.get("failureMessage"),
            theirs.get("category"),
            theirs.get("target"),
        ), path.stem


def _prune(value: Any) -> Any:
    """Drop empty mappings: `polaris fix` removes parents a `remove` left empty."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v != {}}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def _mutated_cases(reference: Path) -> list[Path]:
    return sorted((reference / "polaris" / "test-checks").glob("*/mutated*"))


@pytest.mark.parametrize("mutated", collected(_mutated_cases))
def test_mutations_reproduce_polaris_fix(mutated: Path) -> None:
    """The mutations emitted for the failure case, applied as patches, give the fixed file."""
    failure = mutated.with_name(mutated.name.replace("mutated", "failure"))
    conf = fixture_config(mutated.parent, mutations=[mutated.parent.name])
    result = audit_file(failure, conf)
    mutations = [
        m
        for r in result.results
        for message, _ in r.messages()
        if not message.success
        for m in message.mutations or ()
    ]
    assert mutations
    assert all(m["Path"].startswith("/spec/") for m in mutations)
    fixed = apply_mutations(godocs.load_one(failure.read_text()), mutations)
    assert _prune(fixed) == _prune(godocs.load_one(mutated.read_text()))
    json.dumps(mutations)  # serialisable as in Polaris's output
