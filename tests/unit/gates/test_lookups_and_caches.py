"""Lookups and per-run caches give what the plain scans give."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from gitops_release.errors import ConfigError
from gitops_release.gates import GateSettings, deprecations, run_gates
from gitops_release.gates.polaris import audit, config, manifests


def _linear(data: deprecations.DeprecationData, api_version: str, kind: str) -> object:
    return next((e for e in data.apis if e.matches(api_version, kind)), None)


def test_indexed_lookup_is_the_first_match_of_the_table() -> None:
    data = deprecations.DEFAULT_DATA
    versions = {e.api_version for e in data.apis} | {"v1", "apps/v1", ""}
    kinds = {e.kind for e in data.apis} | {"Deployment", "Anything", ""}
    for api_version in versions:
        for kind in kinds:
            assert data.find(api_version, kind) is _linear(data, api_version, kind)


def test_indexed_lookup_keeps_table_order_with_whole_api_entries() -> None:
    whole = deprecations.DeprecatedApi("x/v1", "", "v1.1.0", "", "", "", "k8s")
    specific = deprecations.DeprecatedApi("x/v1", "Thing", "v1.2.0", "", "", "", "k8s")
    first = deprecations.DeprecationData((whole, specific), {})
    second = deprecations.DeprecationData((specific, whole), {})
    assert first.find("x/v1", "Thing") is whole
    assert second.find("x/v1", "Thing") is specific
    assert second.find("x/v1", "Other") is whole
    assert first.find("y/v1", "Thing") is None


MANIFESTS = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: exempt
  namespace: demo
  annotations: {polaris.fairwinds.com/tagNotSpecified-exempt: 'true'}
spec:
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: plain, namespace: demo}
spec:
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: stateful, namespace: demo}
spec:
  template:
    spec:
      containers: [{name: app, image: nginx}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: all-exempt
  namespace: demo
  annotations: {polaris.fairwinds.com/exempt: 'true'}
spec:
  template:
    spec:
      containers: [{name: app, image: nginx}]
"""


def test_exemptions_and_targets_are_worked_out_per_resource() -> None:
    conf = config.build_config(
        {"checks": {"tagNotSpecified": "danger", "deploymentMissingReplicas": "warning"}}
    )
    result = audit.run_audit(manifests.load_texts([("m.yaml", MANIFESTS)]), conf)
    failing = {
        r.resource.name: sorted(m.id for m, _ in r.messages() if not m.success)
        for r in result.results
    }
    assert failing == {
        "exempt": ["deploymentMissingReplicas"],
        "plain": ["deploymentMissingReplicas", "tagNotSpecified"],
        "stateful": ["tagNotSpecified"],  # the replicas check is for Deployments only
        "all-exempt": [],
    }


@pytest.mark.parametrize("enabled", [True, False])
def test_run_gates_leaves_the_garbage_collector_as_it_found_it(
    tmp_path: Path, enabled: bool
) -> None:
    (tmp_path / "m.yaml").write_text(MANIFESTS)
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        run_gates([tmp_path], GateSettings(engine="builtin"))
        assert gc.isenabled() is enabled
        with pytest.raises(ConfigError):
            run_gates([tmp_path], GateSettings(engine="builtin", polaris_config=tmp_path / "no"))
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()
