"""The manifest loader, checked against Polaris's own loader tests (pkg/kube/test_files)."""

from __future__ import annotations

from pathlib import Path

from gitops_release.gates.polaris import manifests


def test_directory_of_resources(reference: Path) -> None:
    loaded = manifests.load_paths(
        [reference / "polaris/kube-test_files/test_1"], polaris_compatible=True
    )
    assert len(loaded.resources) == 10
    info = loaded.cluster_info()
    assert info["Namespaces"] == 1
    assert info["Pods"] == 2
    assert info["Controllers"] == 8
    assert loaded.warnings == []


def test_multi_document_file(reference: Path) -> None:
    loaded = manifests.load_paths(
        [reference / "polaris/kube-test_files/test_2/multi.yaml"], polaris_compatible=True
    )
    kinds = sorted(r.group_kind for r in loaded.resources)
    assert kinds == ["Namespace", "Namespace", "apps/Deployment"]
    assert len(loaded.by_group_kind("apps/Deployment")) == 1


def test_bad_file_is_skipped_like_polaris_but_reported_by_the_gate(reference: Path) -> None:
    bad = reference / "polaris/kube-test_files/test_3/bad.yaml"
    polaris = manifests.load_paths([bad], polaris_compatible=True)
    assert polaris.resources == []
    assert polaris.errors == []
    assert len(polaris.warnings) == 1  # skipped without failing the run
    gate = manifests.load_paths([bad])
    assert gate.resources == []
    assert any("cannot parse YAML" in e.message for e in gate.errors if e.file == str(bad))


def test_chunk_split_rules() -> None:
    text = "kind: A\nmetadata: {name: a}\n--- # comment\nkind: B\n---\n\n---\nkind: C\nmetadata: {name: c}\n"
    loaded = manifests.load_texts([("x.yaml", text)], polaris_compatible=True)
    # `--- # comment` does not split, so the chunk holds two documents and only A is read.
    assert [r.kind for r in loaded.resources] == ["A", "C"]
    gate = manifests.load_texts([("x.yaml", text)])
    assert [r.kind for r in gate.resources] == ["A", "B", "C"]


def test_only_yaml_files_in_polaris_mode(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(
        '{"kind": "Service", "apiVersion": "v1", "metadata": {"name": "s"}}'
    )
    (tmp_path / "b.yml").write_text("kind: Service\napiVersion: v1\nmetadata: {name: t}\n")
    assert [
        r.name for r in manifests.load_paths([tmp_path], polaris_compatible=True).resources
    ] == ["t"]
    assert [r.name for r in manifests.load_paths([tmp_path]).resources] == ["s", "t"]


def test_status_and_creation_timestamp_are_dropped_when_unset() -> None:
    text = "apiVersion: v1\nkind: Service\nmetadata: {name: s, creationTimestamp: null}\nstatus: {x: 1}\n"
    (resource,) = manifests.load_texts([("x.yaml", text)], polaris_compatible=True).resources
    assert "status" not in resource.obj
    assert "creationTimestamp" not in resource.obj["metadata"]


def test_pod_spec_discovery_and_typed_views() -> None:
    text = """apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  jobTemplate:
    spec:
      template:
        metadata: {labels: {a: b}}
        spec:
          securityContext: {privileged: true, runAsUser: 5}
          hostNetwork: false
          containers:
          - image: x:1
            unknownField: 1
            resources: {limits: {cpu: 1.5, memory: 1024Mi}}
"""
    (resource,) = manifests.load_texts([("x.yaml", text)]).resources
    assert resource.is_controller
    assert resource.pod_template is not None
    assert resource.pod_template["metadata"] == {"labels": {"a": "b"}}
    spec = resource.pod_spec
    assert spec is not None
    assert spec["securityContext"] == {"runAsUser": 5.0}  # pod level has no `privileged`
    assert "hostNetwork" not in spec  # zero-valued omitempty field
    (container,) = spec["containers"]
    assert container == {
        "name": "",
        "image": "x:1",
        "resources": {"limits": {"cpu": "1500m", "memory": "1Gi"}},
    }


def test_lists_are_not_expanded_as_in_polaris_and_the_gate_says_so() -> None:
    text = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: a}}\n"
    gate = manifests.load_texts([("l.yaml", text)])
    assert gate.audited == []
    assert gate.errors == []
    assert [w.message for w in gate.warnings] == [
        "kind: List is not expanded by Polaris: its 1 item(s) are not audited by the policy gate"
    ]
    polaris = manifests.load_texts([("l.yaml", text)], polaris_compatible=True)
    assert [r.kind for r in polaris.resources] == ["List"]
    assert polaris.audited == []


def test_a_repeated_key_takes_its_last_value_as_yaml_v2_does() -> None:
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: first, name: last}\n"
        "spec:\n  template:\n    spec:\n      containers: [{name: c, image: a}]\n"
        "      containers: [{name: c, image: b}]\n"
    )
    loaded = manifests.load_texts([("d.yaml", text)])
    assert loaded.errors == []
    (resource,) = loaded.audited
    assert resource.name == "last"
    tagged = text.replace("kind: Deployment", "kind: !!str Deployment")  # the slow path
    (slow,) = manifests.load_texts([("d.yaml", tagged)]).audited
    assert slow.name == "last"


def test_null_spec_is_reported() -> None:
    loaded = manifests.load_texts(
        [("x.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: null\n")]
    )
    assert loaded.resources == []
    assert "not a mapping" in loaded.errors[0].message
