"""Cases derived from Polaris v10.2.2's own unit tests of `pkg/validator` (schema_test.go,
container_test.go, pod_test.go, controller_test.go, arbitrary_test.go, fullaudit_test.go,
polaris_template_variable_test.go), restated against the built-in engine.

Upstream calls `applyContainerSchemaChecks` / `applyControllerSchemaChecks` on Go objects; here
the same objects are written as manifests and go through `load_texts` + `run_audit`, and the
results of the matching container, pod or resource are compared. Each block names the Go test
it comes from. The last block covers the cross-resource checks, which have no unit test
upstream: its cases are derived from `pkg/validator/schema.go`, `pdb_hpa_validator.go` and the
check definitions, and say so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from gitops_release.gates.polaris import audit, config, manifests
from gitops_release.gates.polaris.results import AuditResult, ResourceResult, ResultMessage

# (success message, failure message) and category of every check these tests look at, as the
# upstream tests expect them.
MESSAGES: dict[str, tuple[str, str]] = {
    "cpuRequestsMissing": ("CPU requests are set", "CPU requests should be set"),
    "memoryRequestsMissing": ("Memory requests are set", "Memory requests should be set"),
    "cpuLimitsMissing": ("CPU limits are set", "CPU limits should be set"),
    "memoryLimitsMissing": ("Memory limits are set", "Memory limits should be set"),
    "memoryLimitsRange": (
        "Memory limits are within the required range",
        "Memory limits should be within the required range",
    ),
    "memoryRequestsRange": (
        "Memory requests are within the required range",
        "Memory requests should be within the required range",
    ),
    "foo": ("success!", "fail!"),
    "livenessProbeMissing": ("", "Liveness probe should be configured"),
    "readinessProbeMissing": ("", "Readiness probe should be configured"),
    "tagNotSpecified": ("Image tag is specified", "Image tag should be specified"),
    "pullPolicyNotAlways": ("", 'Image pull policy should be "Always"'),
    "hostPortSet": ("Host port is not configured", "Host port should not be configured"),
    "runAsRootAllowed": ("Is not allowed to run as root", "Should not be allowed to run as root"),
    "notReadOnlyRootFilesystem": ("Filesystem is read only", "Filesystem should be read only"),
    "runAsPrivileged": ("Not running as privileged", "Should not be running as privileged"),
    "privilegeEscalationAllowed": (
        "Privilege escalation not allowed",
        "Privilege escalation should not be allowed",
    ),
    "dangerousCapabilities": (
        "Container does not have any dangerous capabilities",
        "Container should not have dangerous capabilities",
    ),
    "insecureCapabilities": (
        "Container does not have any insecure capabilities",
        "Container should not have insecure capabilities",
    ),
    "hostIPCSet": ("Host IPC is not configured", "Host IPC should not be configured"),
    "hostPIDSet": ("Host PID is not configured", "Host PID should not be configured"),
    "hostNetworkSet": ("Host network is not configured", "Host network should not be configured"),
    "hostPathSet": ("HostPath volumes are not configured", "HostPath volumes must be forbidden"),
    "procMount": (
        "The default /proc masks are set up to reduce attack surface, and should be required",
        "Proc mount must not be changed from the default",
    ),
    "hostProcess": (
        "Privileged access to the host check is valid",
        "Privileged access to the host is disallowed",
    ),
    "deploymentMissingReplicas": (
        "Multiple replicas are scheduled",
        "Only one replica is scheduled",
    ),
    "pdbDisruptionsIsZero": (
        "Voluntary evictions are possible",
        "Voluntary evictions are not possible",
    ),
    "tlsSettingsMissing": ("Ingress has TLS configured", "Ingress does not have TLS configured"),
}
EFFICIENCY = {
    "cpuRequestsMissing",
    "memoryRequestsMissing",
    "cpuLimitsMissing",
    "memoryLimitsMissing",
    "memoryLimitsRange",
    "memoryRequestsRange",
}
RELIABILITY = {
    "livenessProbeMissing",
    "readinessProbeMissing",
    "tagNotSpecified",
    "pullPolicyNotAlways",
    "deploymentMissingReplicas",
    "pdbDisruptionsIsZero",
}


def _category(check_id: str) -> str:
    if check_id in EFFICIENCY:
        return "Efficiency"
    return "Reliability" if check_id in RELIABILITY else "Security"


Row = tuple[str, bool, str, str, str]  # (ID, Success, Severity, Message, Category)


def _rows(results: Mapping[str, ResultMessage]) -> list[Row]:
    return sorted((m.id, m.success, m.severity, m.message, m.category) for m in results.values())


def _expected(verdicts: Mapping[str, bool], conf: config.PolarisConfig) -> list[Row]:
    return sorted(
        (
            check_id,
            ok,
            conf.checks[check_id],
            MESSAGES[check_id][0 if ok else 1],
            _category(check_id),
        )
        for check_id, ok in verdicts.items()
    )


def _conf(raw: str | Mapping[str, Any]) -> config.PolarisConfig:
    text = raw if isinstance(raw, str) else json.dumps(raw)
    return config.build_config(config.parse_config_text(text))


def _audit(docs: Sequence[Mapping[str, Any]], conf: config.PolarisConfig) -> AuditResult:
    """Audit the documents as one `polaris audit` input; the gate's own loader must agree."""
    text = "\n---\n".join(json.dumps(d) for d in docs) + "\n"
    result = audit.run_audit(
        manifests.load_texts([("m.yaml", text)], polaris_compatible=True), conf
    )
    assert result.errors == []
    gate = audit.run_audit(manifests.load_texts([("m.yaml", text)]), conf)
    assert [r.as_json() for r in gate.results] == [r.as_json() for r in result.results]
    return result


def _only(result: AuditResult, kind: str | None = None) -> ResourceResult:
    (found,) = [r for r in result.results if kind is None or r.resource.kind == kind]
    return found


def _pod(
    containers: Sequence[Mapping[str, Any]] = ({"name": "test"},),
    *,
    name: str = "test",
    namespace: str | None = None,
    annotations: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    """`test.MockPod()` (one container "test") by default."""
    meta: dict[str, Any] = {"name": name}
    if namespace is not None:
        meta["namespace"] = namespace
    if annotations:
        meta["annotations"] = dict(annotations)
    if labels:
        meta["labels"] = dict(labels)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {"containers": [dict(c) for c in containers], **spec},
    }


def _controller(
    kind: str,
    name: str,
    *,
    namespace: str | None = None,
    annotations: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    pod_spec: Mapping[str, Any] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    """A controller whose pod template holds `pod_spec` (MockPod's spec by default)."""
    template: dict[str, Any] = {"spec": dict(pod_spec or {"containers": [{"name": "test"}]})}
    if labels:
        template["metadata"] = {"labels": dict(labels)}
    api_version = {"Job": "batch/v1", "CronJob": "batch/v1"}.get(kind, "apps/v1")
    body: dict[str, Any] = {**spec, "template": template}
    if kind == "CronJob":
        body = {**spec, "schedule": "* * * * *", "jobTemplate": {"spec": {"template": template}}}
    meta: dict[str, Any] = {"name": name}
    if namespace is not None:
        meta["namespace"] = namespace
    if annotations:
        meta["annotations"] = dict(annotations)
    return {"apiVersion": api_version, "kind": kind, "metadata": meta, "spec": body}


# =============================================================================================
# Container checks: schema_test.go and container_test.go
# =============================================================================================

RESOURCE_CONF_MINIMAL = {
    "checks": {
        "cpuRequestsMissing": "warning",
        "memoryRequestsMissing": "warning",
        "cpuLimitsMissing": "danger",
        "memoryLimitsMissing": "danger",
    }
}
RESOURCE_CONF_EXEMPTIONS = {
    **RESOURCE_CONF_MINIMAL,
    "exemptions": [{"rules": list(RESOURCE_CONF_MINIMAL["checks"]), "controllerNames": ["foo"]}],
}


def _range_check(kind: str, maximum: str) -> str:
    plural = "limits" if kind == "Limits" else "requests"
    return f"""
  memory{kind}Range:
    successMessage: Memory {plural} are within the required range
    failureMessage: Memory {plural} should be within the required range
    category: Efficiency
    target: Container
    containers: {{exclude: [initContainer]}}
    schema:
      '$schema': https://json-schema.org/draft/2019-09/schema
      type: object
      required: [resources]
      properties:
        resources:
          type: object
          required: [{plural}]
          properties:
            {plural}:
              type: object
              required: [memory]
              properties:
                memory: {{type: string, resourceMinimum: 200M, resourceMaximum: {maximum}}}
"""


# `resourceConfRanges` of schema_test.go.
RESOURCE_CONF_RANGES = (
    "checks: {memoryRequestsRange: danger, memoryLimitsRange: warning}\ncustomChecks:"
    + _range_check("Limits", "6G")
    + _range_check("Requests", "3G")
)
# `customCheckExemptions` of schema_test.go.
CUSTOM_CHECK_EXEMPTIONS = """
checks: {foo: danger}
customChecks:
  foo:
    successMessage: success!
    failureMessage: fail!
    target: Container
    category: Security
    schema:
      properties:
        image: {pattern: ^quay.io}
exemptions:
- controllerNames: [exempt]
  rules: [foo]
"""

EMPTY_CONTAINER = {"name": "Empty"}
CPU_ONLY = {"name": "Empty", "resources": {"requests": {"cpu": "100m"}, "limits": {"cpu": "200m"}}}
FULLY_SET = {
    "name": "Empty",
    "resources": {
        "requests": {"cpu": "300m", "memory": "400Mi"},
        "limits": {"cpu": "400m", "memory": "500Mi"},
    },
}

# TestValidateHealthChecks
PROBES_REQUIRED = {"checks": {"readinessProbeMissing": "danger", "livenessProbeMissing": "warning"}}
# An empty `checks` map is refused when the config is loaded (as Polaris's config.Parse does);
# "nothing enabled" is written with the checks set to ignore.
PROBES_IGNORED = {"checks": {"readinessProbeMissing": "ignore", "livenessProbeMissing": "ignore"}}
PROBED = {"name": "test", "livenessProbe": {}, "readinessProbe": {}}

# TestValidateImage
IMAGE_IGNORED = {"checks": {"tagNotSpecified": "ignore", "pullPolicyNotAlways": "ignore"}}
IMAGE_STANDARD = {"checks": {"tagNotSpecified": "danger", "pullPolicyNotAlways": "ignore"}}
IMAGE_STRONG = {"checks": {"tagNotSpecified": "danger", "pullPolicyNotAlways": "danger"}}

# TestValidateNetworking
PORTS_IGNORED = {"checks": {"hostPortSet": "ignore"}}
PORTS_STANDARD = {"checks": {"hostPortSet": "warning"}}
PORTS_STRONG = {"checks": {"hostPortSet": "danger"}}
HOST_PORT = {"name": "test", "ports": [{"containerPort": 3000, "hostPort": 443}]}
NO_HOST_PORT = {"name": "test", "ports": [{"containerPort": 3000}]}

# TestValidateSecurity
SECURITY_CHECKS = (
    "runAsRootAllowed",
    "runAsPrivileged",
    "notReadOnlyRootFilesystem",
    "privilegeEscalationAllowed",
    "dangerousCapabilities",
    "insecureCapabilities",
)
SECURITY_IGNORED = {"checks": dict.fromkeys(SECURITY_CHECKS, "ignore")}
SECURITY_STANDARD = {
    "checks": {
        "runAsRootAllowed": "warning",
        "runAsPrivileged": "danger",
        "notReadOnlyRootFilesystem": "warning",
        "privilegeEscalationAllowed": "danger",
        "dangerousCapabilities": "danger",
        "insecureCapabilities": "warning",
    }
}
SECURITY_STRONG = {"checks": dict.fromkeys(SECURITY_CHECKS, "danger")}


def _secured(
    run_as_non_root: bool | None,
    read_only: bool,
    privileged: bool,
    escalation: bool,
    caps: dict[str, list[str]],
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "readOnlyRootFilesystem": read_only,
        "privileged": privileged,
        "allowPrivilegeEscalation": escalation,
        "capabilities": caps,
    }
    if run_as_non_root is not None:
        context["runAsNonRoot"] = run_as_non_root
    return {"name": "test", "securityContext": context}


BAD_SECURITY = _secured(
    False, False, True, True, {"add": ["AUDIT_WRITE", "SYS_ADMIN", "NET_ADMIN"]}
)
INHERIT_SECURITY = _secured(None, True, False, False, {"drop": ["ALL"]})
GOOD_SECURITY = _secured(True, True, False, False, {"drop": ["NET_BIND_SERVICE", "FOWNER"]})
STRONG_SECURITY = _secured(True, True, False, False, {"drop": ["ALL"]})
GOOD_POD = {"securityContext": {"runAsNonRoot": True}}
BAD_POD = {"securityContext": {"runAsNonRoot": False}}
ALL_PASS = dict.fromkeys(SECURITY_CHECKS, True)
BAD_VERDICTS = dict.fromkeys(SECURITY_CHECKS, False)

# TestValidateRunAsRoot
RUN_AS_ROOT = {"checks": {"runAsRootAllowed": "warning"}}


def _ctx(**context: Any) -> dict[str, Any]:
    return {"name": "test", "securityContext": context}


@dataclass(frozen=True)
class ContainerCase:
    conf: str | Mapping[str, Any]
    container: Mapping[str, Any]
    expected: Mapping[str, bool]  # check ID -> Success
    pod_spec: Mapping[str, Any] = field(default_factory=dict)
    init: bool = False
    controller: str = "foo"
    annotations: Mapping[str, str] = field(default_factory=dict)
    only: str | None = None  # upstream compares only the dangers / dangers and warnings


CONTAINER_CASES = {
    # --- schema_test.go ---
    "TestValidateResourcesPartiallyValid": ContainerCase(
        RESOURCE_CONF_RANGES,
        CPU_ONLY,
        {"memoryLimitsRange": False, "memoryRequestsRange": False},
    ),
    "TestValidateResourcesInit-container": ContainerCase(
        RESOURCE_CONF_RANGES,
        EMPTY_CONTAINER,
        {"memoryLimitsRange": False, "memoryRequestsRange": False},
    ),
    "TestValidateResourcesInit-initContainer": ContainerCase(
        RESOURCE_CONF_RANGES, EMPTY_CONTAINER, {}, init=True
    ),
    "TestValidateResourcesFullyValid-ranges": ContainerCase(
        RESOURCE_CONF_RANGES,
        FULLY_SET,
        {"memoryLimitsRange": True, "memoryRequestsRange": True},
    ),
    "TestValidateResourcesFullyValid-minimal": ContainerCase(
        RESOURCE_CONF_MINIMAL, FULLY_SET, dict.fromkeys(RESOURCE_CONF_MINIMAL["checks"], True)
    ),
    "TestValidateCustomCheckExemptions-exempt": ContainerCase(
        CUSTOM_CHECK_EXEMPTIONS,
        {"name": "example", "image": "hub.docker.com/foo"},
        {},
        controller="exempt",
    ),
    "TestValidateCustomCheckExemptions-notexempt": ContainerCase(
        CUSTOM_CHECK_EXEMPTIONS,
        {"name": "example", "image": "hub.docker.com/foo"},
        {"foo": False},
        controller="notexempt",
    ),
    # --- container_test.go ---
    "TestValidateResourcesEmptyConfig": ContainerCase(
        {"checks": dict.fromkeys(RESOURCE_CONF_MINIMAL["checks"], "ignore")},
        EMPTY_CONTAINER,
        {},
    ),
    "TestValidateResourcesEmptyContainer": ContainerCase(
        RESOURCE_CONF_MINIMAL,
        EMPTY_CONTAINER,
        dict.fromkeys(RESOURCE_CONF_MINIMAL["checks"], False),
    ),
    "TestValidateHealthChecks-probes not configured": ContainerCase(
        PROBES_IGNORED, {"name": "test"}, {}, only="dangers"
    ),
    "TestValidateHealthChecks-probes not required": ContainerCase(
        PROBES_IGNORED, {"name": "test"}, {}, only="dangers"
    ),
    "TestValidateHealthChecks-probes required & configured": ContainerCase(
        PROBES_REQUIRED, PROBED, {}, only="dangers"
    ),
    "TestValidateHealthChecks-probes required, not configured, but init": ContainerCase(
        PROBES_REQUIRED, {"name": "test"}, {}, init=True, only="dangers"
    ),
    "TestValidateHealthChecks-probes required & not configured": ContainerCase(
        PROBES_REQUIRED,
        {"name": "test"},
        {"readinessProbeMissing": False, "livenessProbeMissing": False},
        only="dangers+warnings",
    ),
    "TestValidateHealthChecks-probes configured, but not required": ContainerCase(
        PROBES_IGNORED, PROBED, {}, only="dangers"
    ),
    "TestValidateImage-emptyConf + emptyCV": ContainerCase(
        IMAGE_IGNORED, {"name": "test"}, {}, only="dangers"
    ),
    "TestValidateImage-standardConf + emptyCV": ContainerCase(
        IMAGE_STANDARD, {"name": "test"}, {"tagNotSpecified": False}, only="dangers"
    ),
    "TestValidateImage-standardConf + badCV": ContainerCase(
        IMAGE_STANDARD,
        {"name": "test", "image": "test"},
        {"tagNotSpecified": False},
        only="dangers",
    ),
    "TestValidateImage-standardConf + lessBadCV": ContainerCase(
        IMAGE_STANDARD,
        {"name": "test", "image": "test:latest", "imagePullPolicy": ""},
        {"tagNotSpecified": False},
        only="dangers",
    ),
    "TestValidateImage-strongConf + badCV": ContainerCase(
        IMAGE_STRONG,
        {"name": "test", "image": "test"},
        {"tagNotSpecified": False, "pullPolicyNotAlways": False},
        only="dangers",
    ),
    "TestValidateImage-strongConf + goodCV": ContainerCase(
        IMAGE_STRONG,
        {"name": "test", "image": "test:0.1.0", "imagePullPolicy": "Always"},
        {},
        only="dangers",
    ),
    "TestValidateNetworking-empty ports + empty validation config": ContainerCase(
        PORTS_IGNORED, {"name": "test"}, {}
    ),
    "TestValidateNetworking-empty ports + standard validation config": ContainerCase(
        PORTS_STANDARD, {"name": "test"}, {"hostPortSet": True}
    ),
    # Upstream's "strong" case here actually uses the standard config.
    "TestValidateNetworking-empty ports + strong validation config": ContainerCase(
        PORTS_STANDARD, {"name": "test"}, {"hostPortSet": True}
    ),
    "TestValidateNetworking-host ports + empty validation config": ContainerCase(
        PORTS_IGNORED, HOST_PORT, {}
    ),
    "TestValidateNetworking-host ports + standard validation config": ContainerCase(
        PORTS_STANDARD, HOST_PORT, {"hostPortSet": False}
    ),
    "TestValidateNetworking-no host ports + standard validation config": ContainerCase(
        PORTS_STANDARD, NO_HOST_PORT, {"hostPortSet": True}
    ),
    "TestValidateNetworking-host ports + strong validation config": ContainerCase(
        PORTS_STRONG, HOST_PORT, {"hostPortSet": False}
    ),
    "TestValidateSecurity-empty security context + empty validation config": ContainerCase(
        SECURITY_IGNORED, {"name": "test"}, {}
    ),
    "TestValidateSecurity-empty security context + standard validation config": ContainerCase(
        SECURITY_STANDARD,
        {"name": "test"},
        {**BAD_VERDICTS, "runAsPrivileged": True, "dangerousCapabilities": True},
    ),
    "TestValidateSecurity-bad security context + standard validation config": ContainerCase(
        SECURITY_STANDARD, BAD_SECURITY, BAD_VERDICTS
    ),
    "TestValidateSecurity-bad security context + good settings in podspec": ContainerCase(
        SECURITY_STANDARD, BAD_SECURITY, BAD_VERDICTS, pod_spec=GOOD_POD
    ),
    "TestValidateSecurity-bad security context + bad default in podspec": ContainerCase(
        SECURITY_STANDARD, BAD_SECURITY, BAD_VERDICTS, pod_spec=BAD_POD
    ),
    "TestValidateSecurity-good security context + standard validation config": ContainerCase(
        SECURITY_STANDARD, GOOD_SECURITY, {**ALL_PASS, "insecureCapabilities": False}
    ),
    "TestValidateSecurity-good security context + strong validation config": ContainerCase(
        SECURITY_STRONG, GOOD_SECURITY, {**ALL_PASS, "insecureCapabilities": False}
    ),
    "TestValidateSecurity-strong security context + strong validation config": ContainerCase(
        SECURITY_STRONG, STRONG_SECURITY, ALL_PASS
    ),
    "TestValidateSecurity-strong security context + strong config via podspec default": (
        ContainerCase(SECURITY_STRONG, INHERIT_SECURITY, ALL_PASS, pod_spec=GOOD_POD)
    ),
    "TestValidateSecurity-strong security context + bad setting in podspec default": (
        ContainerCase(SECURITY_STRONG, STRONG_SECURITY, ALL_PASS, pod_spec=BAD_POD)
    ),
    "TestValidateRunAsRoot-pod=false,container=nil": ContainerCase(
        RUN_AS_ROOT, _ctx(), {"runAsRootAllowed": False}, pod_spec=BAD_POD
    ),
    "TestValidateRunAsRoot-pod=false,container=true": ContainerCase(
        RUN_AS_ROOT, _ctx(runAsNonRoot=True), {"runAsRootAllowed": True}, pod_spec=BAD_POD
    ),
    "TestValidateRunAsRoot-pod=nil,container=runAsUser": ContainerCase(
        RUN_AS_ROOT, _ctx(runAsUser=1000), {"runAsRootAllowed": True}
    ),
    "TestValidateRunAsRoot-pod=runAsUser,container=nil": ContainerCase(
        RUN_AS_ROOT,
        _ctx(),
        {"runAsRootAllowed": True},
        pod_spec={"securityContext": {"runAsUser": 1000}},
    ),
    "TestValidateRunAsRoot-pod=runAsUser,container=runAsUser0": ContainerCase(
        RUN_AS_ROOT,
        _ctx(runAsUser=0),
        {"runAsRootAllowed": False},
        pod_spec={"securityContext": {"runAsUser": 1000}},
    ),
    "TestValidateRunAsRoot-pod=runAsUser,container=false": ContainerCase(
        RUN_AS_ROOT,
        _ctx(runAsNonRoot=False),
        {"runAsRootAllowed": False},
        pod_spec={"securityContext": {"runAsUser": 1000}},
    ),
    "TestValidateResourcesExemption-exempt": ContainerCase(
        RESOURCE_CONF_EXEMPTIONS, EMPTY_CONTAINER, {}
    ),
    "TestValidateResourcesExemption-disallowExemptions": ContainerCase(
        {**RESOURCE_CONF_EXEMPTIONS, "disallowExemptions": True},
        EMPTY_CONTAINER,
        dict.fromkeys(RESOURCE_CONF_MINIMAL["checks"], False),
    ),
    "TestValidateResourcesEmptyContainerCPURequestsExempt": ContainerCase(
        RESOURCE_CONF_MINIMAL,
        EMPTY_CONTAINER,
        {"memoryRequestsMissing": False, "cpuLimitsMissing": False, "memoryLimitsMissing": False},
        annotations={
            "polaris.fairwinds.com/cpuRequestsMissing-exempt": "true",
            "polaris.fairwinds.com/memoryRequestsMissing-exempt": "truthy",  # not an exemption
        },
    ),
}


@pytest.mark.parametrize("case", [pytest.param(c, id=i) for i, c in CONTAINER_CASES.items()])
def test_container_checks(case: ContainerCase) -> None:
    """The results of one container of a Pod named after the upstream controller."""
    conf = _conf(case.conf)
    if case.init:  # a regular container besides the init container under test
        pod = _pod(
            [{"name": "main"}],
            name=case.controller,
            annotations=case.annotations,
            initContainers=[case.container],
            **case.pod_spec,
        )
    else:
        pod = _pod(
            [case.container], name=case.controller, annotations=case.annotations, **case.pod_spec
        )
    resource = _only(_audit([pod], conf))
    assert resource.pod is not None
    (container,) = [c for c in resource.pod.containers if c.name == case.container["name"]]
    rows = _rows(container.results)
    if case.only == "dangers":
        rows = [r for r in rows if not r[1] and r[2] == "danger"]
    elif case.only == "dangers+warnings":
        rows = [r for r in rows if not r[1]]
    assert rows == _expected(case.expected, conf)


# =============================================================================================
# Pod-level checks: pod_test.go
# =============================================================================================

POD_CHECKS_ALL = {
    "hostIPCSet": "danger",
    "hostPIDSet": "danger",
    "hostNetworkSet": "warning",
    "hostPortSet": "danger",
    "hostPathSet": "warning",
    "procMount": "warning",
    "hostProcess": "warning",
}
POD_CHECKS_HOST = {
    k: POD_CHECKS_ALL[k] for k in ("hostIPCSet", "hostPIDSet", "hostNetworkSet", "hostPortSet")
}
HOST_ACCESS_CONTAINER = {
    "name": "test",
    "securityContext": {"procMount": "Unmasked", "windowsOptions": {"hostProcess": True}},
}
HOST_PATH_VOLUMES = [{"name": "hostpath", "hostPath": {"path": "/var/run/docker.sock"}}]

POD_CASES = [
    # (upstream test, config, pod, pod-level verdicts, (successes, warnings, dangers) overall)
    (
        "TestValidatePod",
        {"checks": POD_CHECKS_ALL},
        _pod(),
        {k: True for k in POD_CHECKS_ALL if k != "hostPortSet"},
        (7, 0, 0),
    ),
    (
        "TestInvalidIPCPod",
        {"checks": POD_CHECKS_ALL},
        _pod([HOST_ACCESS_CONTAINER], hostIPC=True, volumes=HOST_PATH_VOLUMES),
        {
            "hostIPCSet": False,
            "hostNetworkSet": True,
            "hostPIDSet": True,
            "hostPathSet": False,
            "procMount": False,
            "hostProcess": False,
        },
        (3, 3, 1),
    ),
    (
        "TestInvalidNetworkPod",
        {"checks": POD_CHECKS_HOST},
        _pod(hostNetwork=True),
        {"hostNetworkSet": False, "hostIPCSet": True, "hostPIDSet": True},
        (3, 1, 0),
    ),
    (
        "TestInvalidPIDPod",
        {"checks": POD_CHECKS_HOST},
        _pod(hostPID=True),
        {"hostPIDSet": False, "hostIPCSet": True, "hostNetworkSet": True},
        (3, 0, 1),
    ),
    (
        "TestExemption",
        {
            "checks": POD_CHECKS_HOST,
            "exemptions": [{"rules": ["hostIPCSet"], "controllerNames": ["foo"]}],
        },
        _pod(name="foo", hostIPC=True),
        {"hostNetworkSet": True, "hostPIDSet": True},
        (3, 0, 0),
    ),
]


@pytest.mark.parametrize(
    ("raw", "pod", "verdicts", "summary"),
    [pytest.param(*rest, id=name) for name, *rest in POD_CASES],
)
def test_pod_checks(
    raw: Mapping[str, Any],
    pod: Mapping[str, Any],
    verdicts: Mapping[str, bool],
    summary: tuple[int, int, int],
) -> None:
    conf = _conf(raw)
    result = _audit([pod], conf)
    resource = _only(result)
    assert resource.pod is not None
    assert len(resource.pod.containers) == 1
    assert result.counts() == summary
    assert _rows(resource.pod.results) == _expected(verdicts, conf)


# =============================================================================================
# Controller checks, from controller_test.go
# =============================================================================================


def test_validate_controller() -> None:
    """TestValidateController: MockPod's spec in a Deployment; pod checks land in PodResult."""
    conf = _conf({"checks": {"hostIPCSet": "danger", "hostPIDSet": "danger"}})
    result = _audit([_controller("Deployment", "test")], conf)
    resource = _only(result)
    assert resource.resource.kind == "Deployment"
    assert resource.pod is not None
    assert len(resource.pod.containers) == 1
    assert result.counts() == (2, 0, 0)
    assert _rows(resource.pod.results) == _expected({"hostIPCSet": True, "hostPIDSet": True}, conf)


REPLICAS_CONF = {"checks": {"deploymentMissingReplicas": "danger"}}
EXPECTED_REPLICAS = {"test-deployment": False, "test-deployment-2": True}


def _replica_verdicts(result: AuditResult) -> dict[str, list[Row]]:
    return {
        r.resource.name: _rows(r.results) for r in result.results if r.resource.kind == "Deployment"
    }


def test_controller_level_checks_on_kube_test_files(reference: Path) -> None:
    """TestControllerLevelChecks, first half: Polaris's loader test directory test_1."""
    conf = _conf(REPLICAS_CONF)
    loaded = manifests.load_paths(
        [reference / "polaris/kube-test_files/test_1"], polaris_compatible=True
    )
    assert len(loaded.resources) == 10
    verdicts = _replica_verdicts(audit.run_audit(loaded, conf))
    assert verdicts == {
        name: _expected({"deploymentMissingReplicas": ok}, conf)
        for name, ok in EXPECTED_REPLICAS.items()
    }


def test_controller_level_checks_on_mock_deployments() -> None:
    """TestControllerLevelChecks, second half: MockDeploy twice, the second with 2 replicas."""
    conf = _conf(REPLICAS_CONF)
    docs = [
        _controller("Deployment", "test-deployment", namespace="test"),
        _controller("Deployment", "test-deployment-2", namespace="test", replicas=2),
    ]
    result = _audit(docs, conf)
    assert len(result.results) == 2
    assert _replica_verdicts(result) == {
        name: _expected({"deploymentMissingReplicas": ok}, conf)
        for name, ok in EXPECTED_REPLICAS.items()
    }


PROBES_DANGER = {"checks": {"readinessProbeMissing": "danger", "livenessProbeMissing": "warning"}}


@pytest.mark.parametrize(
    ("kind", "init", "summary"),
    [
        pytest.param("Deployment", True, (0, 1, 1), id="TestSkipHealthChecks-Deployment"),
        pytest.param("Job", False, (0, 0, 0), id="TestSkipHealthChecks-Job"),
        pytest.param("CronJob", False, (0, 0, 0), id="TestSkipHealthChecks-CronJob"),
    ],
)
def test_skip_health_checks(kind: str, init: bool, summary: tuple[int, int, int]) -> None:
    """Probes are not required of init containers, Jobs and CronJobs."""
    conf = _conf(PROBES_DANGER)
    pod_spec: dict[str, Any] = {"containers": [{"name": "test"}]}
    if init:
        pod_spec["initContainers"] = [{"name": "test"}]
    result = _audit([_controller(kind, "test", pod_spec=pod_spec)], conf)
    resource = _only(result)
    assert resource.resource.kind == kind
    assert resource.pod is not None
    assert result.counts() == summary
    *init_results, main = resource.pod.containers
    assert len(init_results) == (1 if init else 0)
    assert all(c.results == {} for c in init_results)
    expected = {"readinessProbeMissing": False, "livenessProbeMissing": False} if init else {}
    assert _rows(main.results) == _expected(expected, conf)


@pytest.mark.parametrize(
    ("exemptions", "annotation", "disallow", "summary"),
    [
        pytest.param([], False, False, (0, 1, 1), id="TestControllerExemptions-none"),
        pytest.param(
            [{"namespace": "foo"}], False, False, (0, 0, 0), id="TestControllerExemptions-namespace"
        ),
        pytest.param([], True, False, (0, 0, 0), id="TestControllerExemptions-annotation"),
        pytest.param([], True, True, (0, 1, 1), id="TestControllerExemptions-disallowExemptions"),
    ],
)
def test_controller_exemptions(
    exemptions: list[dict[str, Any]],
    annotation: bool,
    disallow: bool,
    summary: tuple[int, int, int],
) -> None:
    conf = _conf({**PROBES_DANGER, "exemptions": exemptions, "disallowExemptions": disallow})
    annotations = {"polaris.fairwinds.com/exempt": "true"} if annotation else None
    deployment = _controller("Deployment", "test", namespace="foo", annotations=annotations)
    result = _audit([deployment], conf)
    assert [r.resource.kind for r in result.results] == ["Deployment"]
    assert result.counts() == summary


# =============================================================================================
# Whole audit: fullaudit_test.go
# =============================================================================================


def test_get_template_data() -> None:
    """TestGetTemplateData: `GetMockControllers("test")` audited with the probe checks."""
    conf = _conf(PROBES_DANGER)
    kinds = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]
    docs: list[dict[str, Any]] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "test"}}
    ]
    docs += [_controller(k, k.lower(), namespace="test") for k in kinds]
    result = _audit(docs, conf)
    assert result.counts() == (0, 3, 3)
    assert result.score == 0
    assert result.cluster_info["Controllers"] == 5
    assert result.cluster_info["Namespaces"] == 1
    per_kind = {}
    for r in result.results:
        if r.pod is None:  # the Namespace (a path audit lists it, without results)
            assert list(r.messages()) == []
            continue
        (container,) = r.pod.containers
        per_kind[r.resource.kind] = len(container.results)
    assert per_kind == {
        "StatefulSet": 2,
        "DaemonSet": 2,
        "Deployment": 2,
        "Job": 0,
        "CronJob": 0,
    }


# =============================================================================================
# Template input: polaris_template_variable_test.go
# =============================================================================================

TEMPLATE_CHECK = """
checks: {templateInput: danger}
customChecks:
  templateInput:
    successMessage: sub-keys present
    failureMessage: sub-keys missing
    category: Reliability
    target: %s
    schemaString: |
      {{ if and (eq .Polaris.PodSpec.nodeName "testNodeName") (eq .Polaris.PodTemplate.metadata.name "testpod") }}
      type: object
      {{ else }}
      not: {}
      {{ end }}
"""


@pytest.mark.parametrize(
    ("target", "pod_name", "node_name", "success"),
    [
        pytest.param("PodSpec", "testpod", "testNodeName", True, id="PodSpec"),
        pytest.param("PodTemplate", "testpod", "testNodeName", True, id="PodTemplate"),
        # controls: the values do come from the audited pod
        pytest.param("PodSpec", "testpod", "otherNode", False, id="PodSpec-other-node"),
        pytest.param("PodTemplate", "otherpod", "testNodeName", False, id="PodTemplate-other-name"),
    ],
)
def test_template_input_has_polaris_sub_keys(
    target: str, pod_name: str, node_name: str, success: bool
) -> None:
    """TestGetTemplateInputReturnsPolarisSubKeys: `.Polaris.PodSpec.nodeName` and
    `.Polaris.PodTemplate.metadata.name` are there for pod-level checks."""
    conf = _conf(TEMPLATE_CHECK % target)
    resource = _only(_audit([_pod(name=pod_name, nodeName=node_name)], conf))
    assert resource.pod is not None
    assert [(m.id, m.success) for m in resource.pod.results.values()] == [
        ("templateInput", success)
    ]


# =============================================================================================
# Kind-targeted checks: arbitrary_test.go
# =============================================================================================


def test_validate_pdb() -> None:
    """TestValidatePDB: a PodDisruptionBudget without a spec."""
    conf = _conf({"checks": {"pdbDisruptionsIsZero": "warning"}})
    pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "pdb"}}
    resource = _only(_audit([pdb], conf))
    assert resource.pod is None
    assert _rows(resource.results) == _expected({"pdbDisruptionsIsZero": False}, conf)


def test_validate_ingress() -> None:
    """TestValidateIngress: a networking.k8s.io/v1beta1 Ingress with TLS."""
    conf = _conf({"checks": {"tlsSettingsMissing": "warning"}})
    ingress = {
        "apiVersion": "networking.k8s.io/v1beta1",
        "kind": "Ingress",
        "metadata": {"name": "ingress"},
        "spec": {"tls": [{"hosts": ["test"], "secretName": "secret"}]},
    }
    resource = _only(_audit([ingress], conf))
    assert _rows(resource.results) == _expected({"tlsSettingsMissing": True}, conf)


# =============================================================================================
# Cross-resource checks. Upstream has no unit test for these in pkg/validator; the cases are
# derived from schema.go (additional schemas: candidates of the same namespace or cluster-scoped,
# any candidate passing suffices, none means failure), pdb_hpa_validator.go, and the check
# definitions missingPodDisruptionBudget / missingNetworkPolicy.
# =============================================================================================

WEB = {"app": "web"}
WEB_FE = {"app": "web", "tier": "fe"}


def _pdb(namespace: str, match: Mapping[str, str], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "pdb", "namespace": namespace},
        "spec": {"selector": {"matchLabels": dict(match)}, **spec},
    }


def _hpa(namespace: str, target_kind: str = "Deployment", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "hpa", "namespace": namespace},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": target_kind, "name": "web"},
            "maxReplicas": 10,
            **spec,
        },
    }


def _netpol(namespace: str, match: Mapping[str, str], *, egress: bool = True) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "podSelector": {"matchLabels": dict(match)},
        "policyTypes": ["Ingress", "Egress"],
        "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}],
    }
    if egress:
        spec["egress"] = [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "np", "namespace": namespace},
        "spec": spec,
    }


def _web(labels: Mapping[str, str] = WEB) -> dict[str, Any]:
    return _controller("Deployment", "web", namespace="demo", labels=labels, replicas=2)


CROSS_RESOURCE_CASES = [
    # missingPodDisruptionBudget (schema.go additional schemas + the check's anyOf of labels)
    ("missingPodDisruptionBudget", [_web(), _pdb("demo", WEB)], True, "pdb-same-namespace"),
    ("missingPodDisruptionBudget", [_web()], False, "pdb-none-is-failure"),
    ("missingPodDisruptionBudget", [_web(), _pdb("other", WEB)], False, "pdb-other-namespace"),
    ("missingPodDisruptionBudget", [_web(), _pdb("demo", {"app": "api"})], False, "pdb-no-match"),
    (
        "missingPodDisruptionBudget",
        [_web(WEB_FE), _pdb("demo", {"tier": "fe", "x": "y"})],
        True,
        "pdb-any-label-matches",
    ),
    # missingNetworkPolicy (target PodTemplate; oneOf over the pod's labels)
    ("missingNetworkPolicy", [_web(), _netpol("demo", WEB)], True, "netpol-same-namespace"),
    ("missingNetworkPolicy", [_web()], False, "netpol-none-is-failure"),
    ("missingNetworkPolicy", [_web(), _netpol("other", WEB)], False, "netpol-other-namespace"),
    (
        "missingNetworkPolicy",
        [_web(), _netpol("demo", WEB, egress=False)],
        False,
        "netpol-without-egress-rules",
    ),
    (
        "missingNetworkPolicy",
        [_web(WEB_FE), _netpol("demo", {"app": "web"})],
        True,
        "netpol-one-of-two-labels",
    ),
    # oneOf: a selector naming both pod labels satisfies both branches, so the check fails.
    (
        "missingNetworkPolicy",
        [_web(WEB_FE), _netpol("demo", WEB_FE)],
        False,
        "netpol-both-labels-oneOf",
    ),
    # pdbMinAvailableGreaterThanHPAMinReplicas, from pdb_hpa_validator.go
    (
        "pdbMinAvailableGreaterThanHPAMinReplicas",
        [_web(), _pdb("demo", WEB, minAvailable=2), _hpa("demo", minReplicas=3)],
        True,
        "pdbhpa-lower",
    ),
    (
        "pdbMinAvailableGreaterThanHPAMinReplicas",
        [_web(), _pdb("demo", WEB, minAvailable=3), _hpa("demo", minReplicas=3)],
        True,
        "pdbhpa-equal",
    ),
    (
        "pdbMinAvailableGreaterThanHPAMinReplicas",
        [_web(), _pdb("demo", WEB, minAvailable=4), _hpa("demo", minReplicas=3)],
        False,
        "pdbhpa-greater",
    ),
    (
        "pdbMinAvailableGreaterThanHPAMinReplicas",
        [_web(), _pdb("demo", WEB, minAvailable="150%"), _hpa("demo", minReplicas=2)],
        False,
        "pdbhpa-percent-rounded-up-greater",
    ),
    (
        "pdbMinAvailableGreaterThanHPAMinReplicas",
        [_web(), _pdb("demo", WEB, minAvailable="50%"), _hpa("demo", minReplicas=3)],
        True,
        "pdbhpa-percent-rounded-up-lower",
    ),
    (
        "pdbMinAvailableGreaterThanHPAMinReplicas",
        [_web(), _pdb("demo", WEB, minAvailable="150%"), _hpa("demo")],
        True,
        "pdbhpa-percent-without-min-replicas",
    ),
    (
        "pdbMinAvailableGreaterThanHPAMinReplicas",
        [_web(), _pdb("demo", WEB, minAvailable=5), _hpa("demo")],
        True,
        "pdbhpa-without-min-replicas",
    ),
    (
        "pdbMinAvailableGreaterThanHPAMinReplicas",
        [_web(), _pdb("demo", WEB, minAvailable="5"), _hpa("demo", minReplicas=3)],
        True,
        "pdbhpa-string-without-percent",
    ),
    (
        "pdbMinAvailableGreaterThanHPAMinReplicas",
        [_web(), _pdb("demo", WEB, maxUnavailable=1), _hpa("demo", minReplicas=1)],
        True,
        "pdbhpa-no-min-available",
    ),
    (
        "pdbMinAvailableGreaterThanHPAMinReplicas",
        [_web(), _pdb("other", WEB, minAvailable=4), _hpa("elsewhere", minReplicas=3)],
        False,
        "pdbhpa-any-namespace",
    ),
    (
        "pdbMinAvailableGreaterThanHPAMinReplicas",
        [_web(), _pdb("demo", WEB, minAvailable=4), _hpa("demo", "StatefulSet", minReplicas=3)],
        True,
        "pdbhpa-hpa-targets-other-kind",
    ),
    (
        "pdbMinAvailableGreaterThanHPAMinReplicas",
        [_web(), _pdb("demo", {"app": "api"}, minAvailable=4), _hpa("demo", minReplicas=3)],
        True,
        "pdbhpa-pdb-no-match",
    ),
]


@pytest.mark.parametrize(
    ("check_id", "docs", "success"),
    [pytest.param(c, d, s, id=i) for c, d, s, i in CROSS_RESOURCE_CASES],
)
def test_cross_resource_checks(check_id: str, docs: list[dict[str, Any]], success: bool) -> None:
    conf = _conf({"checks": {check_id: "warning"}})
    deployment = _only(_audit(docs, conf), "Deployment")
    verdicts = [(m.id, m.success) for m, _ in deployment.messages()]
    assert verdicts == [(check_id, success)]
