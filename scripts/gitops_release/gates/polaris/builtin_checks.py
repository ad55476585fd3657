"""The 44 Polaris built-in checks, as this project implements them.

Each check keeps Polaris's ID, messages, category, target, filters, mutations and default
severity (so reports and configs are interchangeable with the binary), and its verdict logic is
written here as JSON Schema (for the checks Polaris defines by schema) or Python (schemas that
Polaris computes with a Go template from the object, and the PDB/HPA check that Polaris codes in
Go). Equality with Polaris is proven by the upstream fixtures (tests/unit/gates/polaris).

Where a Polaris template inserts a value unquoted into YAML (`const: {{ $value }}`), the value is
re-read as YAML 1.1 here too, so a label value `"true"` becomes a boolean and no longer matches,
exactly as it does in Polaris.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from gitops_release.gates.gocompat.template import (
    MISSING,
    TemplateError,
    go_eq,
    go_index,
    go_sprint,
    is_true,
    lookup,
    unwrap,
    yaml_scalar_text,
)
from gitops_release.gates.polaris.checks import (
    TARGET_CONTAINER,
    TARGET_CONTROLLER,
    TARGET_POD_SPEC,
    TARGET_POD_TEMPLATE,
    BuiltSchema,
    CheckInput,
    CheckSpec,
    Mutation,
    StaticSchema,
)
from gitops_release.yamlio import goscalars

Schema = dict[str, Any]
RBAC = "rbac.authorization.k8s.io"
CALICO_PSP = "gce:podsecuritypolicy:calico-sa"
SECURITY, RELIABILITY, EFFICIENCY = "Security", "Reliability", "Efficiency"
NO_INIT = ("initContainer",)


# --- schema vocabulary ------------------------------------------------------------------------


def obj(*required: str, **properties: Any) -> Schema:
    """An object schema; `required` names, properties by keyword (dots not allowed there)."""
    schema: Schema = {"type": "object"}
    if required:
        schema["required"] = list(required)
    if properties:
        schema["properties"] = properties
    return schema


def nested_required(path: Sequence[str], leaf: Schema) -> Schema:
    """`{a: {b: {c: leaf}}}` where every level is a required object property."""
    schema = leaf
    for name in reversed(path):
        schema = {"type": "object", "required": [name], "properties": {name: schema}}
    return schema


def one_of_names(*names: str) -> list[Schema]:
    return [{"const": n} for n in names]


def ci(word: str) -> str:
    """A case-insensitive whole-string pattern."""
    return f"(?i)^{word}$"


NOT_EMPTY_STRING: Schema = {"type": "string", "not": {"const": ""}}
PRIVATE_KEY = r"(?i)\s*-BEGIN\s+.*PRIVATE KEY-\s*"
SENSITIVE_NAMES = (
    "(?i)^AWS_SECRET_ACCESS_KEY$",
    "(?i)^GOOGLE_APPLICATION_CREDENTIALS$",
    "(?i)^AZURE_.+KEY$",
    "(?i)^OCI_CLI_KEY_CONTENT$",
    "(?i)password",
    "(?i)token",
    "(?i)bearer",
    "(?i)secret",
)
ALLOWED_NAME: Schema = {
    "allOf": [{"not": {"pattern": p}} for p in SENSITIVE_NAMES] + [{"pattern": "(?i).*"}]
}
NO_PRIVATE_KEY: Schema = {"allOf": [{"not": {"pattern": PRIVATE_KEY}}]}

# RBAC rules: one that grants exec/attach on pods, and one that grants everything.
EXEC_ATTACH_RULE: Schema = {
    "required": ["apiGroups", "resources", "verbs"],
    "properties": {
        "apiGroups": {
            "type": "array",
            "contains": {"type": "string", "anyOf": one_of_names("", "*")},
        },
        "resources": {
            "type": "array",
            "contains": {"type": "string", "anyOf": one_of_names("*", "pods/exec", "pods/attach")},
        },
        # `get` on the exec subresource opens the websocket, so it counts too.
        "verbs": {
            "type": "array",
            "contains": {"type": "string", "anyOf": one_of_names("*", "get", "create")},
        },
    },
}
WILDCARD_RULE: Schema = {
    "required": ["apiGroups", "resources", "verbs"],
    "properties": {
        "apiGroups": {"type": "array", "contains": {"type": "string", "const": "*"}},
        "resources": {"type": "array", "contains": {"type": "string", "const": "*"}},
        "verbs": {
            "type": "array",
            "uniqueItems": True,
            "oneOf": [
                {"contains": {"type": "string", "const": "*"}},
                {
                    "minItems": 7,
                    "items": {
                        "type": "string",
                        "enum": ["get", "list", "watch", "create", "update", "patch", "delete"],
                    },
                },
            ],
        },
    },
}


def rules_never(rule: Schema) -> Schema:
    return {"properties": {"rules": {"type": "array", "items": {"type": "object", "not": rule}}}}


def named(*alternatives: Schema, object_type: bool = False) -> Schema:
    """`metadata.name` (required) matching one of `alternatives`."""
    metadata: Schema = {
        "required": ["name"],
        "properties": {"name": {"type": "string", "anyOf": list(alternatives)}},
    }
    if object_type:
        metadata = {"type": "object", **metadata}
    return {"properties": {"metadata": metadata}}


def default_binding_name(*names: str) -> Schema:
    """An anyOf branch exempting Kubernetes' own (cluster)role bindings by name."""
    branch = named(
        *one_of_names(*names), {"pattern": "^system:"}, {"const": CALICO_PSP}, object_type=True
    )
    return {"required": ["metadata"], **branch}


def role_ref(
    kind: str, *, required: Sequence[str] = ("apiGroup", "kind", "name"), name: Schema | None = None
) -> Schema:
    props: Schema = {"kind": {"type": "string", "const": kind}}
    if "apiGroup" in required:
        props = {"apiGroup": {"type": "string", "const": RBAC}, **props}
    if name is not None:
        props["name"] = name
    return {
        "required": ["roleRef"],
        "properties": {"roleRef": {"required": list(required), "properties": props}},
    }


BOUND_NAME: Schema = {"type": "string", "minLength": 1}


def role_rules_schema(role_name: Any, rule: Schema) -> Schema:
    """The referenced (Cluster)Role must exist under that name and have no rule like `rule`."""
    return {
        "type": "object",
        "required": ["metadata", "rules"],
        "allOf": [
            {
                "properties": {
                    "metadata": {
                        "required": ["name"],
                        "properties": {"name": {"type": "string", "const": role_name}},
                    }
                }
            },
            rules_never(rule),
        ],
    }


# --- template-equivalent helpers --------------------------------------------------------------


def retyped(value: Any) -> Any:
    """`{{ $value }}` written unquoted into YAML and read back by Polaris's YAML 1.1 decoder."""
    text = yaml_scalar_text(value)
    if not text or text != text.strip() or "\n" in text:
        return text
    return goscalars.resolve_plain(text, "v2")


def quoted_text(value: Any) -> str:
    """`"{{ value }}"`: always a string."""
    return yaml_scalar_text(value)


def _range_items(value: Any) -> list[tuple[Any, Any]]:
    value = unwrap(value)
    if value is MISSING:
        return []
    if isinstance(value, Mapping):
        return [(k, value[k]) for k in sorted(value)]
    if isinstance(value, list):
        return list(enumerate(value))
    raise TemplateError(f"range can't iterate over {yaml_scalar_text(value)}")


def label_matchers(labels: Any) -> list[Schema]:
    """One alternative per pod label: `matchLabels` must contain that exact label."""
    out: list[Schema] = []
    for key, value in _range_items(labels):
        name = quoted_text(key)
        out.append(
            {"properties": {name: {"type": "string", "const": retyped(value)}}, "required": [name]}
        )
    return out


def _default_role_name(name: Any, *extra: str) -> bool:
    """Kubernetes' own roles (and the GKE calico PSP role) are never flagged."""
    for exact in extra:
        if go_eq(name, exact):
            return True
    if not isinstance(name, str):
        raise TemplateError("wrong type for value; expected string")
    return name.startswith("system:") or go_eq(name, CALICO_PSP)


# --- pod-level and container checks -----------------------------------------------------------


def _container_resource(kind: str, resource: str, value: str, comment: str) -> CheckSpec:
    label = {"cpu": "CPU", "memory": "Memory"}[resource]
    noun = {"limits": "limits", "requests": "requests"}[kind]
    return CheckSpec(
        id=f"{resource}{kind.capitalize()}Missing",
        success_message=f"{label} {noun} are set",
        failure_message=f"{label} {noun} should be set",
        category=EFFICIENCY,
        target=TARGET_CONTAINER,
        containers_exclude=NO_INIT,
        schema=StaticSchema.of(nested_required(("resources", kind, resource), NOT_EMPTY_STRING)),
        mutations=(Mutation("add", f"/resources/{kind}/{resource}", value, comment),),
    )


def _host_namespace(field: str, what: str) -> CheckSpec:
    return CheckSpec(
        id=f"{field}Set",
        success_message=f"Host {what} is not configured",
        failure_message=f"Host {what} should not be configured",
        category=SECURITY,
        target=TARGET_POD_SPEC,
        schema=StaticSchema.of({"type": "object", "properties": {field: {"not": {"const": True}}}}),
        mutations=(Mutation("remove", f"/{field}"),),
        default_severity="danger",
    )


def _pod_or_containers(field: str, *, value: Any) -> Schema:
    """`field` set to `value` in the pod security context (and not contradicted by the
    container), or in the container's own security context."""
    good = {
        "type": "object",
        "anyOf": [{"required": [field], "properties": {field: {"const": value}}}],
    }
    not_bad = {"type": "object", "properties": {field: {"const": value}}}
    return {
        "type": "object",
        "anyOf": [
            {
                "required": ["securityContext"],
                "properties": {
                    "securityContext": good,
                    "containers": {
                        "type": "array",
                        "items": {"properties": {"securityContext": not_bad}},
                    },
                },
            },
            {
                "properties": {
                    "containers": {
                        "type": "array",
                        "items": {
                            "required": ["securityContext"],
                            "properties": {"securityContext": good},
                        },
                    }
                }
            },
        ],
    }


def _run_as_root_schema() -> Schema:
    good = {
        "type": "object",
        "anyOf": [
            {"required": ["runAsUser"], "properties": {"runAsUser": {"minimum": 1}}},
            {"required": ["runAsNonRoot"], "properties": {"runAsNonRoot": {"const": True}}},
        ],
    }
    not_bad = {
        "type": "object",
        "properties": {"runAsUser": {"minimum": 1}, "runAsNonRoot": {"const": True}},
    }
    return {
        "type": "object",
        "anyOf": [
            {
                "required": ["securityContext"],
                "properties": {
                    "securityContext": good,
                    "containers": {
                        "type": "array",
                        "items": {"properties": {"securityContext": not_bad}},
                    },
                },
            },
            {
                "properties": {
                    "containers": {
                        "type": "array",
                        "items": {
                            "required": ["securityContext"],
                            "properties": {"securityContext": good},
                        },
                    }
                }
            },
        ],
    }


def _privileged_schema() -> Schema:
    not_bad = {"type": "object", "properties": {"privileged": {"not": {"const": True}}}}
    return {
        "type": "object",
        "properties": {
            "securityContext": not_bad,
            "containers": {"type": "array", "items": {"properties": {"securityContext": not_bad}}},
        },
    }


def _probe(kind: str, purpose: str) -> CheckSpec:
    field = f"{kind}Probe"
    return CheckSpec(
        id=f"{field}Missing",
        success_message=f"{kind.capitalize()} probe is configured",
        failure_message=f"{kind.capitalize()} probe should be configured",
        category=RELIABILITY,
        target=TARGET_CONTAINER,
        controllers_exclude=("Job", "CronJob"),
        containers_exclude=NO_INIT,
        schema=StaticSchema.of(
            {
                "type": "object",
                "required": [field],
                "properties": {field: {"type": "object", "not": {"const": None}}},
            }
        ),
        mutations=(
            Mutation(
                "add",
                f"/{field}",
                {
                    "exec": {"command": ["cat", "/tmp/healthy"]},  # noqa: S108 - Polaris's value
                    "initialDelaySeconds": 5,
                    "periodSeconds": 5,
                },
                f"TODO: Change the {field} setting to reflect your application's {purpose}",
            ),
        ),
    )


def _automount_service_account(check_input: CheckInput) -> Schema | None:
    """The pod's ServiceAccount must exist and opt out of token automounting, unless the pod
    itself opts out."""
    data = check_input.template_data()
    if go_eq(lookup(data, "Polaris", "PodSpec", "automountServiceAccountToken"), False):  # noqa: FBT003
        return None
    account = quoted_text(lookup(data, "Polaris", "PodSpec", "serviceAccountName"))
    return {
        "type": "object",
        "required": ["metadata", "automountServiceAccountToken"],
        "properties": {
            "metadata": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string", "const": account}},
            },
            "automountServiceAccountToken": {"type": "boolean", "const": False},
        },
    }


def _linux_hardening(check_input: CheckInput) -> Schema:
    """Seccomp, SELinux, dropped capabilities, or an AppArmor annotation for this container."""
    data = check_input.template_data()
    pod_seccomp = unwrap(
        lookup(data, "Polaris", "PodSpec", "securityContext", "seccompProfile", "type")
    )
    need_container_seccomp = not is_true(pod_seccomp) or go_eq(pod_seccomp, "Unconfined")
    profile_type: Schema = {"type": "string", "allOf": [{"not": {"const": "Unconfined"}}]}
    if need_container_seccomp:
        profile_type["allOf"].append({"minLength": 1})

    def maybe_required(name: str, schema: Schema) -> Schema:
        return {"required": [name], **schema} if need_container_seccomp else schema

    seccomp = maybe_required(
        "securityContext",
        {
            "type": "object",
            "properties": {
                "securityContext": maybe_required(
                    "seccompProfile",
                    {
                        "type": "object",
                        "properties": {
                            "seccompProfile": maybe_required(
                                "type", {"type": "object", "properties": {"type": profile_type}}
                            )
                        },
                    },
                )
            },
        },
    )
    selinux: Schema = {"type": "object"}
    if not is_true(unwrap(lookup(data, "Polaris", "PodSpec", "securityContext", "seLinuxOptions"))):
        selinux = nested_required(
            ("securityContext", "seLinuxOptions"), {"type": "object", "minProperties": 1}
        )
    drop = nested_required(
        ("securityContext", "capabilities"),
        {
            "type": "object",
            "required": ["drop"],
            "properties": {
                "drop": {"type": "array", "minItems": 1},
                "add": {
                    "type": "array",
                    "items": {"type": "string", "not": {"pattern": ci("ALL")}},
                },
            },
        },
    )
    annotation = go_sprint(
        "container.apparmor.security.beta.kubernetes.io/",
        lookup(data, "Polaris", "Container", "name"),
    )
    has_apparmor: Any = False
    if is_true(unwrap(lookup(data, "Polaris", "PodTemplate", "metadata", "annotations"))):
        has_apparmor = unwrap(
            go_index(data["Polaris"], "PodTemplate", "metadata", "annotations", annotation)
        )
    if is_true(has_apparmor):
        return {"type": "object"}
    return {"anyOf": [seccomp, selinux, drop]}


# --- controller and kind checks ---------------------------------------------------------------


def _instance_label(check_input: CheckInput) -> Schema:
    name = quoted_text(lookup(check_input.obj, "metadata", "name"))
    label = "app.kubernetes.io/instance"
    return {
        "type": "object",
        "properties": {
            "metadata": {
                "type": "object",
                "required": ["labels"],
                "properties": {
                    "labels": {
                        "type": "object",
                        "required": [label],
                        "properties": {label: {"const": name}},
                    }
                },
            }
        },
    }


def _network_policy(check_input: CheckInput) -> Schema:
    labels = lookup(check_input.template_data(), "Polaris", "PodTemplate", "metadata", "labels")
    match_labels: Schema = {"type": "object"}
    matchers = label_matchers(labels)
    if matchers:
        # Upstream uses oneOf: a policy selecting on two of the pod's labels does not count.
        match_labels["oneOf"] = matchers
    return {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "required": ["podSelector", "egress", "ingress"],
                "properties": {
                    "podSelector": {
                        "type": "object",
                        "required": ["matchLabels"],
                        "properties": {"matchLabels": match_labels},
                    },
                    "egress": {"type": "array", "minItems": 1},
                    "ingress": {"minItems": 1, "type": "array"},
                    "policyTypes": {
                        "type": "array",
                        "allOf": [
                            {"contains": {"pattern": ci("Egress")}},
                            {"contains": {"pattern": ci("Ingress")}},
                        ],
                    },
                },
            }
        },
    }


def _pdb_selects_pod(check_input: CheckInput) -> Schema:
    labels = lookup(check_input.obj, "spec", "template", "metadata", "labels")
    match_labels: Schema = {"type": "object"}
    matchers = label_matchers(labels)
    if matchers:
        match_labels["anyOf"] = matchers
    return {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "required": ["selector"],
                "properties": {
                    "selector": {
                        "type": "object",
                        "required": ["matchLabels"],
                        "properties": {"matchLabels": match_labels},
                    }
                },
            }
        },
    }


def _hpa_max(check_input: CheckInput) -> Schema:
    spec: Schema = {
        "type": "object",
        "properties": {
            "minReplicas": {"type": "integer", "minimum": 1},
            "maxReplicas": {"type": "integer", "minimum": 1},
        },
        "required": ["maxReplicas"],
    }
    min_replicas = unwrap(lookup(check_input.obj, "spec", "minReplicas"))
    if is_true(min_replicas):
        bound = retyped(min_replicas)
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            raise TemplateError(
                f"exclusiveMinimum must be a number, got {yaml_scalar_text(min_replicas)!r}"
            )
        spec["if"] = {
            "properties": {"minReplicas": {"type": "integer"}, "maxReplicas": {"type": "integer"}}
        }
        spec["then"] = {"properties": {"maxReplicas": {"exclusiveMinimum": bound}}}
        spec["else"] = {"properties": {"maxReplicas": {"minimum": 1}}}
    return {"type": "object", "properties": {"spec": spec}}


def _binding_to_role(
    role_kind: str,
    rule: Schema,
    *,
    always_object: bool,
    from_cluster_binding: bool = False,
) -> BuiltSchema:
    """The (Cluster)Role a binding references must exist and must not grant `rule`.

    ClusterRoleBindings to the built-in `view` role, RoleBindings to the other role kind, and
    bindings named like Kubernetes' own are not looked at. With `always_object` such a binding
    still needs some role of that kind to exist, as upstream's template renders `type: object`
    outside its conditions.
    """

    def build(check_input: CheckInput) -> Schema | None:
        binding = check_input.obj
        if from_cluster_binding:
            applies = not go_eq(lookup(binding, "roleRef", "name"), "view")
            extra: tuple[str, ...] = ("cluster-admin",)
        else:
            applies = go_eq(lookup(binding, "roleRef", "kind"), role_kind)
            extra = ()
        if applies and not _default_role_name(lookup(binding, "metadata", "name"), *extra):
            return role_rules_schema(quoted_text(lookup(binding, "roleRef", "name")), rule)
        return {"type": "object"} if always_object else None

    return BuiltSchema(build, where=f"additional schema {RBAC}/{role_kind}")


# --- pdbMinAvailableGreaterThanHPAMinReplicas (Go code upstream) ------------------------------


def _int_or_percent(value: Any) -> tuple[int, bool] | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value, False
    if isinstance(value, float) and value.is_integer():
        return int(value), False
    if isinstance(value, str) and value.endswith("%"):
        try:
            return int(value[:-1]), True
        except ValueError:
            return None
    return None


def pdb_min_available_within_hpa(resource: Any, index: Any) -> bool:
    """Fail when the Deployment's PDB minAvailable exceeds its HPA minReplicas.

    Like Polaris: the first PDB (any namespace) whose matchLabels share a label with the pod
    template, the first HPA targeting the Deployment by name; percentages are resolved against
    minReplicas (rounded up); anything unset or unreadable passes.
    """
    labels = lookup(resource.obj, "spec", "template", "metadata", "labels")
    labels = labels if isinstance(labels, Mapping) else {}
    pdb = None
    for candidate in index.by_group_kind("policy/PodDisruptionBudget"):
        selector = lookup(candidate.obj, "spec", "selector")
        if not isinstance(selector, Mapping):
            continue
        match = selector.get("matchLabels")
        if isinstance(match, Mapping) and any(labels.get(k, "") == v for k, v in match.items()):
            pdb = candidate
            break
    if pdb is None:
        return True
    hpa = None
    for candidate in index.by_group_kind("autoscaling/HorizontalPodAutoscaler"):
        ref = lookup(candidate.obj, "spec", "scaleTargetRef")
        if (
            isinstance(ref, Mapping)
            and ref.get("kind") == "Deployment"
            and ref.get("name") == resource.name
        ):
            hpa = candidate
            break
    if hpa is None:
        return True
    parsed = _int_or_percent(lookup(pdb.obj, "spec", "minAvailable"))
    if parsed is None:
        return True
    min_available, is_percent = parsed
    min_replicas = lookup(hpa.obj, "spec", "minReplicas")
    if not isinstance(min_replicas, int) or isinstance(min_replicas, bool):
        return True
    if is_percent:
        min_available = math.ceil(min_available * min_replicas / 100)
    return not min_available > min_replicas


# --- the table --------------------------------------------------------------------------------


def _rbac(
    role_kind: str,
    main: Schema,
    check_id: str,
    success: str,
    failure: str,
    additional: tuple[tuple[str, BuiltSchema], ...] = (),
) -> CheckSpec:
    return CheckSpec(
        id=check_id,
        success_message=success,
        failure_message=failure,
        category=SECURITY,
        target=f"{RBAC}/{role_kind}",
        schema=StaticSchema.of(main),
        additional=additional,
        default_severity="danger",
    )


def _build() -> tuple[CheckSpec, ...]:
    cluster_role_exec = {
        "type": "object",
        "required": ["metadata", "rules"],
        "anyOf": [
            named(
                *one_of_names("admin", "cluster-admin", "edit"),
                {"pattern": "^system:"},
                {"const": CALICO_PSP},
            ),
            rules_never(EXEC_ATTACH_RULE),
        ],
    }
    role_exec = {
        "type": "object",
        "required": ["metadata", "rules"],
        "anyOf": [
            named({"pattern": "^system:"}, {"const": CALICO_PSP}),
            {
                "properties": {
                    "metadata": {"required": ["name"], "properties": {"name": {"type": "string"}}},
                    **rules_never(EXEC_ATTACH_RULE)["properties"],
                }
            },
        ],
    }
    crb_admin = {
        "type": "object",
        "anyOf": [
            default_binding_name("cluster-admin"),
            role_ref("ClusterRole", name={**BOUND_NAME, "not": {"const": "cluster-admin"}}),
        ],
    }
    crb_exec = {
        "type": "object",
        "anyOf": [default_binding_name("cluster-admin"), role_ref("ClusterRole", name=BOUND_NAME)],
    }
    rb_admin_cluster_role = {
        "type": "object",
        "anyOf": [
            role_ref("Role", required=("kind",)),
            default_binding_name(),
            role_ref("ClusterRole", name={**BOUND_NAME, "not": {"const": "cluster-admin"}}),
        ],
    }
    rb_admin_role = {
        "type": "object",
        "anyOf": [
            role_ref("ClusterRole", required=("kind",)),
            default_binding_name(),
            role_ref("Role", name=BOUND_NAME),
        ],
    }
    rb_cluster_role_exec = {
        "type": "object",
        "anyOf": [
            role_ref("Role", required=("kind",)),
            default_binding_name(),
            role_ref("ClusterRole", name=BOUND_NAME),
        ],
    }
    rb_role_exec = {
        "type": "object",
        "anyOf": [
            {
                "required": ["roleRef"],
                "properties": {
                    "roleRef": {
                        "required": ["apiGroup", "kind", "name"],
                        "properties": {
                            "apiGroup": {"type": "string", "const": RBAC},
                            "kind": {"type": "string", "const": "ClusterRole"},
                        },
                    }
                },
            },
            default_binding_name(),
            role_ref("Role", name=BOUND_NAME),
        ],
    }
    caps_add = {
        "type": "array",
        "allOf": [
            {"not": {"contains": {"pattern": ci(c)}}} for c in ("ALL", "SYS_ADMIN", "NET_ADMIN")
        ],
    }
    dropped = (
        "NET_ADMIN",
        "CHOWN",
        "DAC_OVERRIDE",
        "FSETID",
        "FOWNER",
        "MKNOD",
        "NET_RAW",
        "SETGID",
        "SETUID",
        "SETFCAP",
        "SETPCAP",
        "NET_BIND_SERVICE",
        "SYS_CHROOT",
        "KILL",
        "AUDIT_WRITE",
    )
    caps_drop = {
        "type": "array",
        "oneOf": [
            {"contains": {"pattern": ci("ALL")}},
            {"allOf": [{"contains": {"pattern": ci(c)}} for c in dropped]},
        ],
    }
    host_process = {
        "type": "object",
        "properties": {
            "windowsOptions": {
                "type": "object",
                "properties": {"hostProcess": {"type": "boolean", "const": False}},
            }
        },
    }

    return (
        CheckSpec(
            id="automountServiceAccountToken",
            success_message="The ServiceAccount will not be automounted",
            failure_message="The ServiceAccount will be automounted",
            category=SECURITY,
            target=TARGET_POD_SPEC,
            schema=StaticSchema.of(
                obj(
                    serviceAccountName={"type": "string"},
                    automountServiceAccountToken={"type": "boolean", "not": {"const": True}},
                )
            ),
            additional=(
                (
                    "ServiceAccount",
                    BuiltSchema(_automount_service_account, "additional schema ServiceAccount"),
                ),
            ),
        ),
        _rbac(
            "ClusterRole",
            cluster_role_exec,
            "clusterrolePodExecAttach",
            "The ClusterRole does not allow pods/exec or pods/attach",
            "The ClusterRole allows Pods/exec or pods/attach",
        ),
        _rbac(
            "ClusterRoleBinding",
            crb_admin,
            "clusterrolebindingClusterAdmin",
            (
                "The ClusterRoleBinding does not reference the default cluster-admin "
                "ClusterRole or one with wildcard permissions"
            ),
            (
                "The ClusterRoleBinding references the default cluster-admin ClusterRole or "
                "one with wildcard permissions"
            ),
            (
                (
                    f"{RBAC}/ClusterRole",
                    _binding_to_role(
                        "ClusterRole", WILDCARD_RULE, always_object=False, from_cluster_binding=True
                    ),
                ),
            ),
        ),
        _rbac(
            "ClusterRoleBinding",
            crb_exec,
            "clusterrolebindingPodExecAttach",
            (
                "The ClusterRoleBinding does not reference a ClusterRole allowing pods/exec or "
                "pods/attach"
            ),
            (
                "The ClusterRoleBinding references a ClusterRole that allows Pods/exec, allows "
                "pods/attach, or that does not exist"
            ),
            (
                (
                    f"{RBAC}/ClusterRole",
                    _binding_to_role(
                        "ClusterRole",
                        EXEC_ATTACH_RULE,
                        always_object=True,
                        from_cluster_binding=True,
                    ),
                ),
            ),
        ),
        _container_resource(
            "limits",
            "cpu",
            "100m",
            "TODO: Set this to the maximum amount of CPU you want your workload to use",
        ),
        _container_resource(
            "requests",
            "cpu",
            "100m",
            "TODO: Set this to the amount of CPU you want to reserve for your workload",
        ),
        CheckSpec(
            id="dangerousCapabilities",
            success_message="Container does not have any dangerous capabilities",
            failure_message="Container should not have dangerous capabilities",
            category=SECURITY,
            target=TARGET_CONTAINER,
            schema=StaticSchema.of(obj(securityContext=obj(capabilities=obj(add=caps_add)))),
            mutations=(Mutation("remove", "/securityContext/capabilities/add"),),
            default_severity="danger",
        ),
        CheckSpec(
            id="deploymentMissingReplicas",
            success_message="Multiple replicas are scheduled",
            failure_message="Only one replica is scheduled",
            category=RELIABILITY,
            target=TARGET_CONTROLLER,
            controllers_include=("Deployment",),
            schema=StaticSchema.of(
                nested_required(("spec", "replicas"), {"type": "integer", "minimum": 2})
            ),
            mutations=(Mutation("add", "/spec/replicas", 3),),
        ),
        _host_namespace("hostIPC", "IPC"),
        _host_namespace("hostNetwork", "network"),
        _host_namespace("hostPID", "PID"),
        CheckSpec(
            id="hostPathSet",
            success_message="HostPath volumes are not configured",
            failure_message="HostPath volumes must be forbidden",
            category=SECURITY,
            target=TARGET_POD_SPEC,
            schema=StaticSchema.of(
                obj(
                    volumes={
                        "type": "array",
                        "items": obj(hostPath={"type": "string", "const": ""}),
                    }
                )
            ),
        ),
        CheckSpec(
            id="hostPortSet",
            success_message="Host port is not configured",
            failure_message="Host port should not be configured",
            category=SECURITY,
            target=TARGET_CONTAINER,
            schema=StaticSchema.of(
                obj(ports={"type": "array", "items": {"properties": {"hostPort": {"const": 0}}}})
            ),
            mutations=(Mutation("remove", "/ports/*/hostPort"),),
        ),
        CheckSpec(
            id="hostProcess",
            success_message="Privileged access to the host check is valid",
            failure_message="Privileged access to the host is disallowed",
            category=SECURITY,
            target=TARGET_POD_SPEC,
            schema=StaticSchema.of(
                obj(
                    containers={"type": "array", "items": obj(securityContext=host_process)},
                    securityContext=host_process,
                )
            ),
        ),
        CheckSpec(
            id="hpaMaxAvailability",
            success_message="HPA has a valid max and min replica configuration",
            failure_message="HPA maxReplicas and minReplicas should be different",
            category=RELIABILITY,
            target="autoscaling/HorizontalPodAutoscaler",
            schema=BuiltSchema(_hpa_max, "hpaMaxAvailability"),
        ),
        CheckSpec(
            id="hpaMinAvailability",
            success_message="HPA has a valid min replica configuration",
            failure_message="HPA minReplicas should be 2 or more",
            category=RELIABILITY,
            target="autoscaling/HorizontalPodAutoscaler",
            schema=StaticSchema.of(obj(spec=obj(minReplicas={"type": "integer", "minimum": 2}))),
        ),
        CheckSpec(
            id="insecureCapabilities",
            success_message="Container does not have any insecure capabilities",
            failure_message="Container should not have insecure capabilities",
            category=SECURITY,
            target=TARGET_CONTAINER,
            schema=StaticSchema.of(
                nested_required(("securityContext", "capabilities", "drop"), caps_drop)
            ),
            mutations=(Mutation("replace", "/securityContext/capabilities", {"drop": ["ALL"]}),),
        ),
        CheckSpec(
            id="linuxHardening",
            success_message=(
                "One of AppArmor, Seccomp, SELinux, or dropping Linux Capabilities are used to "
                "restrict containers using unwanted privileges"
            ),
            failure_message=(
                "Use one of AppArmor, Seccomp, SELinux, or dropping Linux Capabilities to "
                "restrict containers using unwanted privileges"
            ),
            category=SECURITY,
            target=TARGET_CONTAINER,
            schema=BuiltSchema(_linux_hardening, "linuxHardening"),
        ),
        _probe("liveness", "health"),
        _container_resource(
            "limits",
            "memory",
            "512Mi",
            "TODO: Set this to the maximum amount of memory you want your workload to use",
        ),
        _container_resource(
            "requests",
            "memory",
            "512Mi",
            "TODO: Set this to the amount of Memory you want to reserve for your workload",
        ),
        CheckSpec(
            id="metadataAndInstanceMismatched",
            success_message="Label app.kubernetes.io/instance matches metadata.name",
            failure_message="Label app.kubernetes.io/instance must match metadata.name",
            category=RELIABILITY,
            target=TARGET_CONTROLLER,
            schema=BuiltSchema(_instance_label, "metadataAndInstanceMismatched"),
        ),
        CheckSpec(
            id="missingNetworkPolicy",
            success_message=(
                "A NetworkPolicy matches pod labels and contains egress and ingress rules"
            ),
            failure_message=(
                "A NetworkPolicy should match pod labels and contain applied egress and "
                "ingress rules"
            ),
            category=SECURITY,
            target=TARGET_POD_TEMPLATE,
            schema=StaticSchema.of(
                obj(metadata=obj(labels={"type": "object", "minProperties": 1}))
            ),
            additional=(
                (
                    "networking.k8s.io/NetworkPolicy",
                    BuiltSchema(
                        _network_policy, "additional schema networking.k8s.io/NetworkPolicy"
                    ),
                ),
            ),
        ),
        CheckSpec(
            id="missingPodDisruptionBudget",
            success_message="A PodDisruptionBudget is attached",
            failure_message="Should have a PodDisruptionBudget",
            category=RELIABILITY,
            target=TARGET_CONTROLLER,
            controllers_include=("Deployment",),
            schema=StaticSchema.of(
                nested_required(
                    ("spec", "template", "metadata", "labels"),
                    {"type": "object", "minProperties": 1},
                )
            ),
            additional=(
                (
                    "policy/PodDisruptionBudget",
                    BuiltSchema(_pdb_selects_pod, "additional schema policy/PodDisruptionBudget"),
                ),
            ),
        ),
        CheckSpec(
            id="notReadOnlyRootFilesystem",
            success_message="Filesystem is read only",
            failure_message="Filesystem should be read only",
            category=SECURITY,
            target=TARGET_CONTAINER,
            schema_target=TARGET_POD_SPEC,
            schema=StaticSchema.of(_pod_or_containers("readOnlyRootFilesystem", value=True)),
            mutations=(Mutation("add", "/securityContext/readOnlyRootFilesystem", value=True),),
        ),
        CheckSpec(
            id="pdbDisruptionsIsZero",
            success_message="Voluntary evictions are possible",
            failure_message="Voluntary evictions are not possible",
            category=RELIABILITY,
            target="policy/PodDisruptionBudget",
            schema=StaticSchema.of(
                {
                    "type": "object",
                    "required": ["spec"],
                    "properties": {
                        "spec": obj(
                            minAvailable={"not": {"const": "100%"}},
                            maxUnavailable={
                                "allOf": [{"not": {"const": 0}}, {"not": {"const": "0%"}}]
                            },
                        )
                    },
                }
            ),
        ),
        CheckSpec(
            id="pdbMinAvailableGreaterThanHPAMinReplicas",
            success_message="PDB and HPA are correctly configured",
            failure_message="PDB minAvailable is greater than HPA minReplicas",
            category=RELIABILITY,
            target=TARGET_CONTROLLER,
            controllers_include=("Deployment",),
            validator=pdb_min_available_within_hpa,
        ),
        CheckSpec(
            id="priorityClassNotSet",
            success_message="Priority class has been set",
            failure_message="Priority class should be set",
            category=RELIABILITY,
            target=TARGET_POD_SPEC,
            schema=StaticSchema.of(obj("priorityClassName")),
            mutations=(Mutation("add", "/priorityClassName", "high-priority"),),
        ),
        CheckSpec(
            id="privilegeEscalationAllowed",
            success_message="Privilege escalation not allowed",
            failure_message="Privilege escalation should not be allowed",
            category=SECURITY,
            target=TARGET_CONTAINER,
            schema_target=TARGET_POD_SPEC,
            schema=StaticSchema.of(_pod_or_containers("allowPrivilegeEscalation", value=False)),
            mutations=(Mutation("add", "/securityContext/allowPrivilegeEscalation", value=False),),
            default_severity="danger",
        ),
        CheckSpec(
            id="procMount",
            success_message=(
                "The default /proc masks are set up to reduce attack surface, and should be "
                "required"
            ),
            failure_message="Proc mount must not be changed from the default",
            category=SECURITY,
            target=TARGET_POD_SPEC,
            schema=StaticSchema.of(
                obj(
                    containers={
                        "type": "array",
                        "items": obj(
                            securityContext=obj(procMount={"type": "string", "const": "Default"})
                        ),
                    }
                )
            ),
        ),
        CheckSpec(
            id="pullPolicyNotAlways",
            success_message='Image pull policy is "Always"',
            failure_message='Image pull policy should be "Always"',
            category=RELIABILITY,
            target=TARGET_CONTAINER,
            schema=StaticSchema.of(
                {
                    "required": ["imagePullPolicy"],
                    "properties": {"imagePullPolicy": {"const": "Always"}},
                }
            ),
            mutations=(Mutation("add", "/imagePullPolicy", "Always"),),
        ),
        _probe("readiness", "readiness to serve traffic"),
        _rbac(
            "Role",
            role_exec,
            "rolePodExecAttach",
            "The Role does not allow pods/exec or pods/attach",
            "The Role allows Pods/exec or pods/attach",
        ),
        _rbac(
            "RoleBinding",
            rb_admin_cluster_role,
            "rolebindingClusterAdminClusterRole",
            (
                "The RoleBinding does not reference the default cluster-admin ClusterRole or "
                "one with wildcard permissions"
            ),
            (
                "The RoleBinding references the default cluster-admin ClusterRole or one with "
                "wildcard permissions"
            ),
            (
                (
                    f"{RBAC}/ClusterRole",
                    _binding_to_role("ClusterRole", WILDCARD_RULE, always_object=False),
                ),
            ),
        ),
        _rbac(
            "RoleBinding",
            rb_admin_role,
            "rolebindingClusterAdminRole",
            "The RoleBinding does not reference a Role with wildcard permissions",
            "The RoleBinding references a Role with wildcard permissions",
            ((f"{RBAC}/Role", _binding_to_role("Role", WILDCARD_RULE, always_object=True)),),
        ),
        _rbac(
            "RoleBinding",
            rb_cluster_role_exec,
            "rolebindingClusterRolePodExecAttach",
            "The RoleBinding does not reference a ClusterRole allowing pods/exec or pods/attach",
            (
                "The RoleBinding references a ClusterRole that allows Pods/exec, allows "
                "pods/attach, or that does not exist"
            ),
            (
                (
                    f"{RBAC}/ClusterRole",
                    _binding_to_role("ClusterRole", EXEC_ATTACH_RULE, always_object=False),
                ),
            ),
        ),
        _rbac(
            "RoleBinding",
            rb_role_exec,
            "rolebindingRolePodExecAttach",
            "The RoleBinding does not reference a Role allowing Pod exec or attach",
            (
                "The RoleBinding references a Role that allows Pods/exec, allows pods/attach, "
                "or that does not exist"
            ),
            ((f"{RBAC}/Role", _binding_to_role("Role", EXEC_ATTACH_RULE, always_object=False)),),
        ),
        CheckSpec(
            id="runAsPrivileged",
            success_message="Not running as privileged",
            failure_message="Should not be running as privileged",
            category=SECURITY,
            target=TARGET_CONTAINER,
            schema_target=TARGET_POD_SPEC,
            schema=StaticSchema.of(_privileged_schema()),
            mutations=(Mutation("add", "/securityContext/privileged", value=False),),
            default_severity="danger",
        ),
        CheckSpec(
            id="runAsRootAllowed",
            success_message="Is not allowed to run as root",
            failure_message="Should not be allowed to run as root",
            category=SECURITY,
            target=TARGET_CONTAINER,
            schema_target=TARGET_POD_SPEC,
            schema=StaticSchema.of(_run_as_root_schema()),
            mutations=(Mutation("add", "/securityContext/runAsNonRoot", value=True),),
            default_severity="danger",
        ),
        CheckSpec(
            id="sensitiveConfigmapContent",
            success_message=(
                "The ConfigMap does not contain potentially sensitive content in its keys and "
                "values"
            ),
            failure_message=(
                "Potentially sensitive content is detected in the ConfigMap keys or values"
            ),
            category=SECURITY,
            target="/ConfigMap",
            default_severity="danger",
            schema=StaticSchema.of(
                {
                    "type": "object",
                    "required": ["metadata"],
                    "properties": {
                        "metadata": {
                            "required": ["name"],
                            "properties": {"name": {"type": "string"}},
                        },
                        "data": {
                            "type": "object",
                            "propertyNames": ALLOWED_NAME,
                            "additionalProperties": NO_PRIVATE_KEY,
                        },
                    },
                }
            ),
        ),
        CheckSpec(
            id="sensitiveContainerEnvVar",
            success_message=(
                "The container does not set potentially sensitive environment variables"
            ),
            failure_message="The container sets potentially sensitive environment variables",
            category=SECURITY,
            target=TARGET_CONTAINER,
            default_severity="danger",
            schema=StaticSchema.of(
                obj(
                    env={
                        "type": "array",
                        "items": {
                            "type": "object",
                            "anyOf": [
                                {"not": {"required": ["value"]}},
                                {
                                    "required": ["name", "value"],
                                    "properties": {
                                        "name": {"type": "string", **ALLOWED_NAME},
                                        "value": {"type": "string", **NO_PRIVATE_KEY},
                                    },
                                },
                                {
                                    "required": ["name", "valueFrom"],
                                    "properties": {
                                        "name": {"type": "string"},
                                        "valueFrom": {"type": "object"},
                                    },
                                },
                            ],
                        },
                    }
                )
            ),
        ),
        CheckSpec(
            id="tagNotSpecified",
            success_message="Image tag is specified",
            failure_message="Image tag should be specified",
            category=RELIABILITY,
            target=TARGET_CONTAINER,
            default_severity="danger",
            schema=StaticSchema.of(
                {
                    "required": ["image"],
                    "allOf": [
                        {"properties": {"image": {"pattern": "^.+:.+$"}}},
                        {"properties": {"image": {"not": {"pattern": "^.+:latest$"}}}},
                    ],
                }
            ),
        ),
        CheckSpec(
            id="tlsSettingsMissing",
            success_message="Ingress has TLS configured",
            failure_message="Ingress does not have TLS configured",
            category=SECURITY,
            target="networking.k8s.io/Ingress",
            schema=StaticSchema.of(
                nested_required(("spec", "tls"), {"type": "array", "not": {"const": None}})
            ),
        ),
        CheckSpec(
            id="topologySpreadConstraint",
            success_message="Pod has a valid topology spread constraint",
            failure_message="Pod should be configured with a valid topology spread constraint",
            category=RELIABILITY,
            target=TARGET_POD_SPEC,
            controllers_exclude=("Job", "CronJob"),
            schema=StaticSchema.of(
                obj(
                    "topologySpreadConstraints",
                    topologySpreadConstraints={"type": "array", "minItems": 1},
                )
            ),
        ),
    )


BUILTIN_CHECKS: Mapping[str, CheckSpec] = {c.id: c for c in _build()}
