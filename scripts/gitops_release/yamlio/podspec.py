"""Which keys lead from a workload to its pod spec (and so to its containers).

One table for every reader: the edit engine (located nodes), `check`'s image index (plain data),
and the Polaris-compatible engine (its discovery walk and its mutation paths). Each reader keeps
the set of kinds it accepted before; the table is their union.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from types import MappingProxyType
from typing import Any

KeyPath = tuple[str, ...]

POD: KeyPath = ("spec",)
TEMPLATE: KeyPath = ("spec", "template", "spec")
JOB_TEMPLATE: KeyPath = ("spec", "jobTemplate", "spec", "template", "spec")

POD_SPEC_PATHS: Mapping[str, KeyPath] = MappingProxyType(
    {
        "Pod": POD,
        "Deployment": TEMPLATE,
        "StatefulSet": TEMPLATE,
        "DaemonSet": TEMPLATE,
        "ReplicaSet": TEMPLATE,
        "ReplicationController": TEMPLATE,
        "Job": TEMPLATE,
        "CronJob": JOB_TEMPLATE,
        # An Argo Rollout holds its pod template unless it points at a Deployment's
        # (`spec.workloadRef`); only in the argoproj.io API group.
        "Rollout": TEMPLATE,
    }
)
ROLLOUT_API_GROUP = "argoproj.io/"

# The distinct paths, the shortest first: the order a reader that does not look at the kind
# tries them in.
PATHS_BY_LENGTH: tuple[KeyPath, ...] = tuple(sorted(set(POD_SPEC_PATHS.values()), key=len))
# Every key on those paths, in sorted order (the order Polaris's discovery walk tries them in).
POD_SPEC_KEYS: tuple[str, ...] = tuple(sorted({key for path in PATHS_BY_LENGTH for key in path}))
CONTAINER_LISTS = ("initContainers", "containers")


def pod_spec_path(
    kind: str | None, api_version: str, kinds: Collection[str] = POD_SPEC_PATHS
) -> KeyPath | None:
    """The path to the pod spec of an object of `kind` (among `kinds`), or None."""
    if kind is None or kind not in kinds:
        return None
    if kind == "Rollout" and not api_version.startswith(ROLLOUT_API_GROUP):
        return None
    return POD_SPEC_PATHS.get(kind)


def find_pod_spec(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The pod spec of an object of any kind: the first of `PATHS_BY_LENGTH` that ends at a
    mapping holding `containers`."""
    for path in PATHS_BY_LENGTH:
        spec: Any = obj
        for step in path:
            spec = spec.get(step) if isinstance(spec, dict) else None
        if isinstance(spec, dict) and "containers" in spec:
            return spec
    return None


def containers(pod_spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The init containers, then the containers, of a pod spec (the entries that are mappings)."""
    found = [item for key in CONTAINER_LISTS for item in pod_spec.get(key) or []]
    return [c for c in found if isinstance(c, dict)]
