"""Rendered manifests as resources: parsing, identity, and a normalised YAML form.

A resource is identified the way the API server identifies it: API group (not version), kind,
namespace and name. So a version bump of `apiVersion` is a change of the same resource, not a
removal plus an addition. Normalised YAML (sorted keys, one stable layout) keeps key order and
quoting noise out of the diff.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.representer import SafeRepresenter

from gitops_release.errors import GitopsReleaseError, RenderError
from gitops_release.yamlio import nodes as yamlnodes


@dataclass(frozen=True, order=True)
class ResourceKey:
    group: str
    kind: str
    namespace: str
    name: str

    @property
    def label(self) -> str:
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {where}"


@dataclass(frozen=True, eq=False)
class Resource:
    key: ResourceKey
    api_version: str
    body: Mapping[str, Any]


def group_of(api_version: str) -> str:
    """`apps/v1` → `apps`; `v1` → `` (the core group)."""
    return api_version.rpartition("/")[0]


# Built-in kinds that live outside namespaces (`kubectl api-resources --namespaced=false`),
# by (group, kind). Other kinds are taken as namespaced, as most custom resources are, except
# those named `Cluster…` (ClusterIssuer, ClusterSecretStore, ClusterPolicy…).
CLUSTER_SCOPED = frozenset(
    {
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("", "ComponentStatus"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("networking.k8s.io", "IngressClass"),
        ("node.k8s.io", "RuntimeClass"),
        ("policy", "PodSecurityPolicy"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    }
)


def is_namespaced(group: str, kind: str) -> bool:
    return (group, kind) not in CLUSTER_SCOPED and not kind.startswith("Cluster")


def parse_manifests(
    text: str, *, source: str, default_namespace: str | None = None
) -> tuple[Resource, ...]:
    """Every resource in a rendered multi-document text; `kind: *List` documents are expanded.

    With `default_namespace`, namespaced resources without a namespace get that one (as Argo CD
    applies them to its Application's destination namespace). Errors never quote the offending
    text: rendered output may hold Secret values.
    """
    try:
        docs = yamlnodes.compose_all(text, source=source, error=GitopsReleaseError)
    except GitopsReleaseError as exc:
        position = re.match(rf"{re.escape(source)}:(\d+):", exc.message)
        where = f" (line {position.group(1)})" if position else ""
        raise RenderError(f"{source}: rendered output is not valid YAML{where}") from None
    seen: dict[ResourceKey, int] = {}
    found: list[Resource] = []
    for number, node in enumerate(docs, start=1):
        data = yamlnodes.to_python(node)
        if data is None:
            continue
        if not isinstance(data, dict):
            raise RenderError(f"{source}: document {number} is not a mapping")
        for body in _expand(data):
            resource = _resource(body)
            if default_namespace and not resource.key.namespace:
                resource = _in_namespace(resource, default_namespace)
            count = seen.get(resource.key, 0) + 1
            seen[resource.key] = count
            if count > 1:  # the same identity twice in one output: keep both, distinguishable
                key = resource.key
                resource = Resource(
                    ResourceKey(key.group, key.kind, key.namespace, f"{key.name}#{count}"),
                    resource.api_version,
                    resource.body,
                )
            found.append(resource)
    return tuple(found)


def _expand(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    items = data.get("items")
    if str(data.get("kind", "")).endswith("List") and isinstance(items, list):
        for item in items:
            if isinstance(item, dict):
                yield from _expand(item)
        return
    yield data


def _resource(body: dict[str, Any]) -> Resource:
    api_version = str(body.get("apiVersion") or "")
    raw_meta = body.get("metadata")
    meta: dict[str, Any] = raw_meta if isinstance(raw_meta, dict) else {}
    key = ResourceKey(
        group=group_of(api_version),
        kind=str(body.get("kind") or ""),
        namespace=str(meta.get("namespace") or ""),
        name=str(meta.get("name") or meta.get("generateName") or ""),
    )
    return Resource(key, api_version, body)


def _in_namespace(resource: Resource, namespace: str) -> Resource:
    key = resource.key
    if not is_namespaced(key.group, key.kind):
        return resource
    body = dict(resource.body)
    meta = body.get("metadata")
    body["metadata"] = {**(meta if isinstance(meta, dict) else {}), "namespace": namespace}
    return Resource(
        ResourceKey(key.group, key.kind, namespace, key.name), resource.api_version, body
    )


class _Representer(SafeRepresenter):
    """Multi-line strings as literal blocks, so a changed line of a ConfigMap file shows as one
    changed line."""


def _represent_str(representer: SafeRepresenter, value: str) -> Any:
    style = "|" if "\n" in value.rstrip("\n") and value == value.rstrip(" ") else None
    return representer.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Representer.add_representer(str, _represent_str)


def normalize(body: Mapping[str, Any]) -> str:
    """Stable YAML text of a resource: sorted keys, block style, literal multi-line strings."""
    yaml = YAML(typ="safe", pure=True)  # one per call: YAML objects are not thread-safe
    yaml.Representer = _Representer
    yaml.default_flow_style = False
    yaml.width = 4096  # no folding of long lines: a changed word must not reflow a paragraph
    out = io.StringIO()
    try:
        yaml.dump(dict(body), out)
    except (YAMLError, MarkedYAMLError) as exc:  # pragma: no cover - plain data always dumps
        raise RenderError(f"cannot normalise a resource: {type(exc).__name__}") from None
    return out.getvalue()
