"""What Polaris's typed views of a pod look like: `json.Marshal(json.Unmarshal(x, &corev1.T))`.

Polaris decodes pod specs (and whole Pods) into the Go API types before checks see them. That
round trip drops fields the type doesn't have (the pod-level security context has no
`privileged`, so a pod-level `privileged: true` is invisible to `runAsPrivileged`), drops nulls
and zero-valued `omitempty` fields, always writes `container.name` and `container.resources`,
rewrites quantities canonically, and turns every number into a float64. Upstream fixtures depend
on this, so the relevant part of the corev1 model is written down here. Structures not modelled
field by field (affinity, probes, volume sources, ...) keep their content minus nulls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from gitops_release.gates.gocompat import quantity


class TypedDecodeError(ValueError):
    """A value Go's JSON decoder would refuse for the typed field (the resource is skipped)."""


@dataclass(frozen=True)
class F:
    """One field: its type and how Go's encoder treats it.

    kind: str | bool | int | quantity | strmap | qmap | list | struct | opaque | time.
    `always`: emitted even when zero (no omitempty, or a struct value).
    `pointer`: omitted only when null (a nil pointer), so `false`/`0`/`""` survive.
    """

    kind: str
    elem: str = ""
    always: bool = False
    pointer: bool = False


def _p(kind: str, elem: str = "") -> F:
    return F(kind, elem, pointer=True)


S, B, I = F("str"), F("bool"), F("int")  # noqa: E741 - short names keep the tables readable
OPAQUE_LIST = F("list", "opaque")

_OBJECT_META: dict[str, F] = {
    "name": S,
    "generateName": S,
    "namespace": S,
    "selfLink": S,
    "uid": S,
    "resourceVersion": S,
    "generation": I,
    "creationTimestamp": F("time", always=True),
    "deletionTimestamp": _p("time"),
    "deletionGracePeriodSeconds": _p("int"),
    "labels": F("strmap"),
    "annotations": F("strmap"),
    "ownerReferences": OPAQUE_LIST,
    "finalizers": F("list", "str"),
    "managedFields": OPAQUE_LIST,
}

_SE_LINUX: dict[str, F] = {"user": S, "role": S, "type": S, "level": S}
_WINDOWS: dict[str, F] = {
    "gmsaCredentialSpecName": _p("str"),
    "gmsaCredentialSpec": _p("str"),
    "runAsUserName": _p("str"),
    "hostProcess": _p("bool"),
}
_PROFILE: dict[str, F] = {"type": F("str", always=True), "localhostProfile": _p("str")}
_CAPABILITIES: dict[str, F] = {"add": F("list", "str"), "drop": F("list", "str")}

_SECURITY_CONTEXT: dict[str, F] = {
    "capabilities": _p("struct", "Capabilities"),
    "privileged": _p("bool"),
    "seLinuxOptions": _p("struct", "SELinuxOptions"),
    "windowsOptions": _p("struct", "WindowsOptions"),
    "runAsUser": _p("int"),
    "runAsGroup": _p("int"),
    "runAsNonRoot": _p("bool"),
    "readOnlyRootFilesystem": _p("bool"),
    "allowPrivilegeEscalation": _p("bool"),
    "procMount": _p("str"),
    "seccompProfile": _p("struct", "Profile"),
    "appArmorProfile": _p("struct", "Profile"),
}

_POD_SECURITY_CONTEXT: dict[str, F] = {
    "seLinuxOptions": _p("struct", "SELinuxOptions"),
    "windowsOptions": _p("struct", "WindowsOptions"),
    "runAsUser": _p("int"),
    "runAsGroup": _p("int"),
    "runAsNonRoot": _p("bool"),
    "supplementalGroups": F("list", "int"),
    "supplementalGroupsPolicy": _p("str"),
    "fsGroup": _p("int"),
    "sysctls": OPAQUE_LIST,
    "fsGroupChangePolicy": _p("str"),
    "seccompProfile": _p("struct", "Profile"),
    "appArmorProfile": _p("struct", "Profile"),
    "seLinuxChangePolicy": _p("str"),
}

_RESOURCES: dict[str, F] = {"limits": F("qmap"), "requests": F("qmap"), "claims": OPAQUE_LIST}

_PORT: dict[str, F] = {
    "name": S,
    "hostPort": I,
    "containerPort": F("int", always=True),
    "protocol": S,
    "hostIP": S,
}

_ENV: dict[str, F] = {"name": F("str", always=True), "value": S, "valueFrom": _p("opaque")}

_CONTAINER: dict[str, F] = {
    "name": F("str", always=True),
    "image": S,
    "command": F("list", "str"),
    "args": F("list", "str"),
    "workingDir": S,
    "ports": F("list", "ContainerPort"),
    "envFrom": OPAQUE_LIST,
    "env": F("list", "EnvVar"),
    "resources": F("struct", "ResourceRequirements", always=True),
    "resizePolicy": OPAQUE_LIST,
    "restartPolicy": _p("str"),
    "volumeMounts": OPAQUE_LIST,
    "volumeDevices": OPAQUE_LIST,
    "livenessProbe": _p("opaque"),
    "readinessProbe": _p("opaque"),
    "startupProbe": _p("opaque"),
    "lifecycle": _p("opaque"),
    "terminationMessagePath": S,
    "terminationMessagePolicy": S,
    "imagePullPolicy": S,
    "securityContext": _p("struct", "SecurityContext"),
    "stdin": B,
    "stdinOnce": B,
    "tty": B,
}

_VOLUME_SOURCES = (
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
)
_VOLUME: dict[str, F] = {
    "name": F("str", always=True),
    "hostPath": _p("struct", "HostPath"),
    **{source: _p("opaque") for source in _VOLUME_SOURCES},
}
_HOST_PATH: dict[str, F] = {"path": F("str", always=True), "type": _p("str")}

_POD_SPEC: dict[str, F] = {
    "volumes": F("list", "Volume"),
    "initContainers": F("list", "Container"),
    "containers": F("list", "Container", always=True),
    "ephemeralContainers": OPAQUE_LIST,
    "restartPolicy": S,
    "terminationGracePeriodSeconds": _p("int"),
    "activeDeadlineSeconds": _p("int"),
    "dnsPolicy": S,
    "nodeSelector": F("strmap"),
    "serviceAccountName": S,
    "serviceAccount": S,
    "automountServiceAccountToken": _p("bool"),
    "nodeName": S,
    "hostNetwork": B,
    "hostPID": B,
    "hostIPC": B,
    "shareProcessNamespace": _p("bool"),
    "securityContext": _p("struct", "PodSecurityContext"),
    "imagePullSecrets": OPAQUE_LIST,
    "hostname": S,
    "subdomain": S,
    "affinity": _p("opaque"),
    "schedulerName": S,
    "tolerations": OPAQUE_LIST,
    "hostAliases": OPAQUE_LIST,
    "priorityClassName": S,
    "priority": _p("int"),
    "dnsConfig": _p("opaque"),
    "readinessGates": OPAQUE_LIST,
    "runtimeClassName": _p("str"),
    "enableServiceLinks": _p("bool"),
    "preemptionPolicy": _p("str"),
    "overhead": F("qmap"),
    "topologySpreadConstraints": OPAQUE_LIST,
    "setHostnameAsFQDN": _p("bool"),
    "os": _p("opaque"),
    "hostUsers": _p("bool"),
    "schedulingGates": OPAQUE_LIST,
    "resourceClaims": OPAQUE_LIST,
    "resources": _p("struct", "ResourceRequirements"),
}

_POD: dict[str, F] = {
    "kind": S,
    "apiVersion": S,
    "metadata": F("struct", "ObjectMeta", always=True),
    "spec": F("struct", "PodSpec", always=True),
    "status": F("opaque", always=True),
}

STRUCTS: dict[str, dict[str, F]] = {
    "Pod": _POD,
    "ObjectMeta": _OBJECT_META,
    "PodSpec": _POD_SPEC,
    "Container": _CONTAINER,
    "ContainerPort": _PORT,
    "EnvVar": _ENV,
    "ResourceRequirements": _RESOURCES,
    "SecurityContext": _SECURITY_CONTEXT,
    "PodSecurityContext": _POD_SECURITY_CONTEXT,
    "Capabilities": _CAPABILITIES,
    "SELinuxOptions": _SE_LINUX,
    "WindowsOptions": _WINDOWS,
    "Profile": _PROFILE,
    "Volume": _VOLUME,
    "HostPath": _HOST_PATH,
}

_ZERO: dict[str, Any] = {"str": "", "bool": False, "int": 0.0, "time": None}


def json_round_trip(value: Any) -> Any:
    """`json.Unmarshal(json.Marshal(x))` into `interface{}`: numbers become floats."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): json_round_trip(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_round_trip(v) for v in value]
    return str(value)


def _opaque(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _opaque(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_opaque(v) for v in value]
    return json_round_trip(value)


def _scalar(kind: str, value: Any, where: str) -> Any:
    if kind == "str":
        if not isinstance(value, str):
            raise TypedDecodeError(f"{where}: expected a string, got {value!r}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise TypedDecodeError(f"{where}: expected true or false, got {value!r}")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypedDecodeError(f"{where}: expected an integer, got {value!r}")
        if isinstance(value, float) and not value.is_integer():
            raise TypedDecodeError(f"{where}: expected an integer, got {value!r}")
        return float(value)
    if kind == "time":
        if not isinstance(value, str):
            raise TypedDecodeError(f"{where}: expected a timestamp, got {value!r}")
        return value
    if kind == "quantity":
        return _quantity(value, where)
    raise TypedDecodeError(f"{where}: unsupported field kind {kind}")  # pragma: no cover


@lru_cache(maxsize=4096)
def _canonical_quantity(text: str) -> str:
    """The canonical form of a quantity string (raises QuantityError, which is not cached)."""
    return quantity.parse_quantity(text).canonical()


def _quantity(value: Any, where: str) -> str:
    try:
        if isinstance(value, str):
            return _canonical_quantity(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return quantity.from_json_number(value).canonical()
    except quantity.QuantityError as exc:
        raise TypedDecodeError(f"{where}: {exc}") from None
    raise TypedDecodeError(f"{where}: expected a quantity, got {value!r}")


def _is_zero(kind: str, value: Any) -> bool:
    if value is None:
        return True
    if kind in ("str", "bool", "int"):
        return not value
    if kind in ("strmap", "qmap", "list"):
        return len(value) == 0
    return False


def _value(spec: F, value: Any, where: str) -> Any:
    kind = spec.kind
    if kind == "struct":
        return decode(spec.elem, value, where)
    if kind == "opaque":
        return _opaque(value)
    if kind in ("strmap", "qmap"):
        if not isinstance(value, Mapping):
            raise TypedDecodeError(f"{where}: expected a mapping, got {value!r}")
        scalar = "str" if kind == "strmap" else "quantity"
        return {str(k): _scalar(scalar, v, f"{where}.{k}") for k, v in value.items()}
    if kind == "list":
        if not isinstance(value, list | tuple):
            raise TypedDecodeError(f"{where}: expected a list, got {value!r}")
        elem = _element(spec.elem)
        return [_value(elem, v, f"{where}[{i}]") for i, v in enumerate(value)]
    return _scalar(kind, value, where)


@cache
def _element(elem: str) -> F:
    return F(elem) if elem in ("str", "int", "opaque") else F("struct", elem)


def decode(struct: str, value: Any, where: str = "") -> dict[str, Any] | None:
    """The typed view of `value` as Go struct `struct` (None for null, like a nil pointer)."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypedDecodeError(f"{where or struct}: expected a mapping, got {value!r}")
    fields = STRUCTS[struct]
    out: dict[str, Any] = {}
    for name, spec in fields.items():
        raw = value.get(name)
        if raw is None:
            if spec.always:
                out[name] = _absent(spec)
            continue
        decoded = _value(spec, raw, f"{where}.{name}" if where else name)
        if decoded is None and not spec.always:
            continue
        if not spec.pointer and not spec.always and _is_zero(spec.kind, decoded):
            continue
        out[name] = decoded
    return out


def _absent(spec: F) -> Any:
    if spec.kind == "struct":
        return decode(spec.elem, {})
    if spec.kind in ("opaque",):
        return {}
    if spec.kind == "list":
        return None
    return _ZERO.get(spec.kind)


def typed_pod_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    decoded = decode("PodSpec", spec, "spec")
    return decoded if decoded is not None else {}


def typed_pod(pod: Mapping[str, Any]) -> dict[str, Any]:
    decoded = decode("Pod", pod)
    return decoded if decoded is not None else {}
