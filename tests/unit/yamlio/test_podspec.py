"""The workload → pod spec table, and the kinds each of its readers accepts (as before)."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_release.edit.document import YamlFile
from gitops_release.edit.targets import find_container_images
from gitops_release.gates.polaris import audit
from gitops_release.gates.polaris.manifests import build_resource
from gitops_release.render.run import Rendered
from gitops_release.steps.gating import container_images
from gitops_release.yamlio import podspec

TEMPLATE = ("spec", "template", "spec")
WORKLOADS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Pod": ("v1", ("spec",)),
    "Deployment": ("apps/v1", TEMPLATE),
    "StatefulSet": ("apps/v1", TEMPLATE),
    "DaemonSet": ("apps/v1", TEMPLATE),
    "ReplicaSet": ("apps/v1", TEMPLATE),
    "Job": ("batch/v1", TEMPLATE),
    "CronJob": ("batch/v1", ("spec", "jobTemplate", "spec", "template", "spec")),
    "ReplicationController": ("v1", TEMPLATE),
    "Rollout": ("argoproj.io/v1alpha1", TEMPLATE),
}
POD_SPEC = {
    "initContainers": [{"name": "init", "image": "i:1"}],
    "containers": [{"name": "c", "image": "c:1"}],
}


def _manifest(kind: str, api: str, path: tuple[str, ...]) -> dict[str, Any]:
    body: Any = POD_SPEC
    for step in reversed(path):
        body = {step: body}
    return {"apiVersion": api, "kind": kind, "metadata": {"name": kind.lower()}, **body}


def _yaml(doc: Any, indent: str = "") -> str:
    """Block YAML for mappings of mappings and lists of flat mappings (enough for these)."""
    lines = []
    for key, value in doc.items():
        if isinstance(value, dict):
            lines.append(f"{indent}{key}:\n{_yaml(value, indent + '  ')}")
        elif isinstance(value, list):
            items = "".join(
                f"{indent}- {{name: {v['name']}, image: '{v['image']}'}}\n" for v in value
            )
            lines.append(f"{indent}{key}:\n{items}")
        else:
            lines.append(f"{indent}{key}: {value}\n")
    return "".join(lines)


@pytest.mark.parametrize("kind", WORKLOADS)
def test_each_kind_has_its_path(kind: str) -> None:
    api, path = WORKLOADS[kind]
    assert podspec.pod_spec_path(kind, api) == path
    assert podspec.find_pod_spec(_manifest(kind, api, path)) == POD_SPEC


def test_the_table_is_the_union_of_the_kinds() -> None:
    assert set(podspec.POD_SPEC_PATHS) == set(WORKLOADS)
    assert podspec.PATHS_BY_LENGTH == (
        ("spec",),
        TEMPLATE,
        ("spec", "jobTemplate", "spec", "template", "spec"),
    )
    assert podspec.POD_SPEC_KEYS == ("jobTemplate", "spec", "template")  # Polaris's order


def test_other_kinds_and_other_rollouts_have_none() -> None:
    assert podspec.pod_spec_path("Service", "v1") is None
    assert podspec.pod_spec_path(None, "") is None
    assert podspec.pod_spec_path("Rollout", "example.com/v1") is None
    assert podspec.pod_spec_path("Deployment", "apps/v1", kinds=("Pod",)) is None


def test_a_rollout_with_a_workload_ref_has_no_pod_spec() -> None:
    rollout = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Rollout",
        "spec": {"workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}},
    }
    assert podspec.find_pod_spec(rollout) is None
    assert build_resource(rollout).pod_spec is None
    assert list(find_container_images(YamlFile.parse("r.yaml", _yaml(rollout)))) == []


def test_containers_lists_init_containers_first_and_only_mappings() -> None:
    spec = {"containers": [{"name": "c"}, "x", None], "initContainers": [{"name": "i"}]}
    assert podspec.containers(spec) == [{"name": "i"}, {"name": "c"}]
    assert podspec.containers({"containers": None}) == []


def _all_workloads() -> list[dict[str, Any]]:
    return [_manifest(kind, api, path) for kind, (api, path) in WORKLOADS.items()]


def test_the_edit_engine_edits_every_kind_but_replication_controllers() -> None:
    text = "---\n".join(_yaml(doc) for doc in _all_workloads())
    found = {
        (f.resource, f.container) for f in find_container_images(YamlFile.parse("all.yaml", text))
    }
    kinds = set(WORKLOADS) - {"ReplicationController"}
    assert found == {(f"{k}/{k.lower()}", c) for k in kinds for c in ("init", "c")}


def test_check_indexes_the_images_of_every_kind() -> None:
    text = "---\n".join(_yaml(doc) for doc in _all_workloads())
    images = container_images({"root": Rendered(key="root", name="root", text=text)})
    assert {(key[1], key[4]) for key in images} == {
        (k, c) for k in WORKLOADS for c in ("init", "c")
    }


@pytest.mark.parametrize("kind", WORKLOADS)
def test_polaris_finds_the_pod_spec_of_every_kind(kind: str) -> None:
    api, path = WORKLOADS[kind]
    resource = build_resource(_manifest(kind, api, path))
    assert resource.pod_spec is not None
    assert [c["name"] for c in resource.pod_spec["containers"]] == ["c"]


def test_polaris_mutation_prefixes_are_its_own_kinds() -> None:
    assert audit._POD_SPEC_PREFIX == {
        "CronJob": "/spec/jobTemplate/spec/template/spec",
        "Pod": "/spec",
        "Deployment": "/spec/template/spec",
        "DaemonSet": "/spec/template/spec",
        "StatefulSet": "/spec/template/spec",
        "Job": "/spec/template/spec",
        "ReplicationController": "/spec/template/spec",
    }
