"""The deprecated/removed Kubernetes API table the deprecated-API gate checks against.

The facts (and their order: the first matching entry wins) are those of Pluto v5.24.0's
`versions.yaml`, so the built-in engine and a pinned `pluto` binary agree; a test compares this
table entry by entry with that file. An empty `deprecated_in` / `removed_in` /
`replacement_available_in` means "never".

Extra entries (CRDs, newer upstream data) come from a file in Pluto's own schema and are merged
with Pluto's rules: appended after the defaults, an entry duplicating a default (kind, version)
is refused, and the file's target versions only add components the defaults don't have.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

from gitops_release.errors import ConfigError
from gitops_release.gates.gocompat import goversion


@dataclass(frozen=True)
class DeprecatedApi:
    api_version: str
    kind: str  # "" matches every kind of the apiVersion
    deprecated_in: str
    removed_in: str
    replacement_api: str
    replacement_available_in: str
    component: str

    def matches(self, api_version: str, kind: str) -> bool:
        return self.api_version == api_version and (not self.kind or self.kind == kind)


def _api(
    api_version: str,
    kind: str,
    deprecated_in: str,
    removed_in: str,
    replacement_api: str,
    replacement_available_in: str,
    component: str,
) -> DeprecatedApi:
    return DeprecatedApi(
        api_version,
        kind,
        deprecated_in,
        removed_in,
        replacement_api,
        replacement_available_in,
        component,
    )


DEPRECATED_APIS: tuple[DeprecatedApi, ...] = (
    _api("extensions/v1beta1", "Deployment", "v1.9.0", "v1.16.0", "apps/v1", "v1.9.0", "k8s"),
    _api("apps/v1beta2", "Deployment", "v1.9.0", "v1.16.0", "apps/v1", "v1.9.0", "k8s"),
    _api("apps/v1beta1", "Deployment", "v1.9.0", "v1.16.0", "apps/v1", "v1.9.0", "k8s"),
    _api("apps/v1beta1", "StatefulSet", "v1.9.0", "v1.16.0", "apps/v1", "v1.9.0", "k8s"),
    _api("apps/v1beta2", "StatefulSet", "v1.9.0", "v1.16.0", "apps/v1", "v1.9.0", "k8s"),
    _api(
        "extensions/v1beta1",
        "NetworkPolicy",
        "v1.9.0",
        "v1.16.0",
        "networking.k8s.io/v1",
        "v1.8.0",
        "k8s",
    ),
    _api(
        "extensions/v1beta1",
        "Ingress",
        "v1.14.0",
        "v1.22.0",
        "networking.k8s.io/v1",
        "v1.19.0",
        "k8s",
    ),
    _api(
        "networking.k8s.io/v1beta1",
        "Ingress",
        "v1.19.0",
        "v1.22.0",
        "networking.k8s.io/v1",
        "v1.19.0",
        "k8s",
    ),
    _api(
        "networking.k8s.io/v1beta1",
        "IngressClass",
        "v1.19.0",
        "v1.22.0",
        "networking.k8s.io/v1",
        "v1.19.0",
        "k8s",
    ),
    _api("apps/v1beta2", "DaemonSet", "v1.9.0", "v1.16.0", "apps/v1", "v1.9.0", "k8s"),
    _api("extensions/v1beta1", "DaemonSet", "v1.9.0", "v1.16.0", "apps/v1", "v1.9.0", "k8s"),
    _api(
        "extensions/v1beta1",
        "PodSecurityPolicy",
        "v1.10.0",
        "v1.16.0",
        "policy/v1beta1",
        "v1.10.0",
        "k8s",
    ),
    _api("policy/v1beta1", "PodSecurityPolicy", "v1.21.0", "v1.25.0", "", "", "k8s"),
    _api("extensions/v1beta1", "ReplicaSet", "", "v1.16.0", "apps/v1", "v1.9.0", "k8s"),
    _api("apps/v1beta1", "ReplicaSet", "", "v1.16.0", "apps/v1", "v1.9.0", "k8s"),
    _api("apps/v1beta2", "ReplicaSet", "", "v1.16.0", "apps/v1", "v1.9.0", "k8s"),
    _api(
        "scheduling.k8s.io/v1beta1",
        "PriorityClass",
        "v1.14.0",
        "v1.22.0",
        "scheduling.k8s.io/v1",
        "v1.14.0",
        "k8s",
    ),
    _api(
        "scheduling.k8s.io/v1alpha1",
        "PriorityClass",
        "v1.14.0",
        "v1.17.0",
        "scheduling.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "apiextensions.k8s.io/v1beta1",
        "CustomResourceDefinition",
        "v1.16.0",
        "v1.22.0",
        "apiextensions.k8s.io/v1",
        "v1.16.0",
        "k8s",
    ),
    _api(
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration",
        "v1.16.0",
        "v1.22.0",
        "admissionregistration.k8s.io/v1",
        "v1.16.0",
        "k8s",
    ),
    _api(
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingWebhookConfiguration",
        "v1.16.0",
        "v1.22.0",
        "admissionregistration.k8s.io/v1",
        "v1.16.0",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1alpha1",
        "ClusterRoleBinding",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "v1.8.0",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1alpha1",
        "ClusterRole",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "v1.8.0",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1alpha1",
        "ClusterRoleBindingList",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1alpha1",
        "ClusterRoleList",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1alpha1",
        "Role",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "v1.8.0",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1alpha1",
        "RoleBinding",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "v1.8.0",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1alpha1",
        "RoleList",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1alpha1",
        "RoleBindingList",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRoleBinding",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRole",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRoleBindingList",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRoleList",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1beta1",
        "Role",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1beta1",
        "RoleBinding",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1beta1",
        "RoleList",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "rbac.authorization.k8s.io/v1beta1",
        "RoleBindingList",
        "v1.17.0",
        "v1.22.0",
        "rbac.authorization.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "node.k8s.io/v1beta1",
        "RuntimeClass",
        "v1.22.0",
        "v1.25.0",
        "node.k8s.io/v1",
        "v1.20.0",
        "k8s",
    ),
    _api(
        "policy/v1beta1", "PodDisruptionBudget", "v1.21.0", "v1.25.0", "policy/v1", "v1.21.0", "k8s"
    ),
    _api("policy/v1beta1", "PodDisruptionBudgetList", "v1.21.0", "v1.25.0", "policy/v1", "", "k8s"),
    _api(
        "autoscaling/v2beta1",
        "HorizontalPodAutoscaler",
        "v1.22.0",
        "v1.25.0",
        "autoscaling/v2",
        "v1.23.0",
        "k8s",
    ),
    _api(
        "autoscaling/v2beta1",
        "HorizontalPodAutoscalerList",
        "v1.22.0",
        "v1.25.0",
        "autoscaling/v2",
        "",
        "k8s",
    ),
    _api(
        "autoscaling/v2beta2",
        "HorizontalPodAutoscaler",
        "v1.23.0",
        "v1.26.0",
        "autoscaling/v2",
        "",
        "k8s",
    ),
    _api(
        "autoscaling/v2beta2",
        "HorizontalPodAutoscalerList",
        "v1.23.0",
        "v1.26.0",
        "autoscaling/v2",
        "",
        "k8s",
    ),
    _api("batch/v1beta1", "CronJob", "v1.21.0", "v1.25.0", "batch/v1", "v1.21.0", "k8s"),
    _api("batch/v1beta1", "CronJobList", "v1.21.0", "v1.25.0", "batch/v1", "", "k8s"),
    _api(
        "storage.k8s.io/v1beta1",
        "CSINode",
        "v1.17.0",
        "v1.22.0",
        "storage.k8s.io/v1",
        "v1.17.0",
        "k8s",
    ),
    _api(
        "storage.k8s.io/v1beta1",
        "CSIDriver",
        "v1.19.0",
        "v1.22.0",
        "storage.k8s.io/v1",
        "v1.19.0",
        "k8s",
    ),
    _api(
        "storage.k8s.io/v1beta1",
        "CSIStorageCapacity",
        "v1.24.0",
        "v1.27.0",
        "storage.k8s.io/v1",
        "v1.24.0",
        "k8s",
    ),
    _api(
        "storage.k8s.io/v1beta1",
        "StorageClass",
        "v1.6.0",
        "v1.22.0",
        "storage.k8s.io/v1",
        "v1.6.0",
        "k8s",
    ),
    _api(
        "storage.k8s.io/v1beta1",
        "VolumeAttachment",
        "v1.13.0",
        "v1.22.0",
        "storage.k8s.io/v1",
        "v1.13.0",
        "k8s",
    ),
    _api(
        "apiregistration.k8s.io/v1beta1",
        "APIService",
        "v1.10.0",
        "v1.22.0",
        "apiregistration.k8s.io/v1",
        "v1.10.0",
        "k8s",
    ),
    _api(
        "authentication.k8s.io/v1beta1",
        "TokenReview",
        "v1.6.0",
        "v1.22.0",
        "authentication.k8s.io/v1",
        "v1.6.0",
        "k8s",
    ),
    _api(
        "certificates.k8s.io/v1beta1",
        "CertificateSigningRequest",
        "v1.19.0",
        "v1.22.0",
        "certificates.k8s.io/v1",
        "v1.19.0",
        "k8s",
    ),
    _api(
        "coordination.k8s.io/v1beta1",
        "Lease",
        "v1.14.0",
        "v1.22.0",
        "coordination.k8s.io/v1",
        "v1.14.0",
        "k8s",
    ),
    _api(
        "events.k8s.io/v1beta1", "Event", "v1.19.0", "v1.25.0", "events.k8s.io/v1", "v1.19.0", "k8s"
    ),
    _api(
        "discovery.k8s.io/v1beta1",
        "EndpointSlice",
        "v1.21.0",
        "v1.25.0",
        "discovery.k8s.io/v1",
        "v1.21.0",
        "k8s",
    ),
    _api(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "FlowControl",
        "v1.23.0",
        "v1.26.0",
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "",
        "k8s",
    ),
    _api(
        "rbac.istio.io",
        "AuthorizationPolicies",
        "v1.4.0",
        "v1.4.0",
        "security.istio.io/v1beta1",
        "",
        "istio",
    ),
    _api(
        "authentication.istio.io/v1alpha1",
        "",
        "v1.5.0",
        "v1.6.0",
        "security.istio.io/v1beta1",
        "",
        "istio",
    ),
    _api(
        "certmanager.k8s.io/v1alpha1",
        "Certificate",
        "v0.11.0",
        "v0.11.0",
        "cert-manager.io/v1alpha2",
        "",
        "cert-manager",
    ),
    _api(
        "certmanager.k8s.io/v1alpha1",
        "Issuer",
        "v0.11.0",
        "v0.11.0",
        "cert-manager.io/v1alpha2",
        "",
        "cert-manager",
    ),
    _api(
        "certmanager.k8s.io/v1alpha1",
        "ClusterIssuer",
        "v0.11.0",
        "v0.11.0",
        "cert-manager.io/v1alpha2",
        "",
        "cert-manager",
    ),
    _api(
        "certmanager.k8s.io/v1alpha1",
        "CertificateRequest",
        "v0.11.0",
        "v0.11.0",
        "cert-manager.io/v1alpha2",
        "",
        "cert-manager",
    ),
    _api(
        "certmanager.k8s.io/v1alpha1",
        "Order",
        "v0.11.0",
        "v0.11.0",
        "cert-manager.io/v1alpha2",
        "",
        "cert-manager",
    ),
    _api(
        "certmanager.k8s.io/v1alpha1",
        "Challenge",
        "v0.11.0",
        "v0.11.0",
        "cert-manager.io/v1alpha2",
        "",
        "cert-manager",
    ),
    _api(
        "cert-manager.io/v1alpha2",
        "Certificate",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "cert-manager.io/v1alpha3",
        "Certificate",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "cert-manager.io/v1beta1",
        "Certificate",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "cert-manager.io/v1alpha2",
        "Issuer",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "cert-manager.io/v1alpha3",
        "Issuer",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "cert-manager.io/v1beta1",
        "Issuer",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "cert-manager.io/v1alpha2",
        "ClusterIssuer",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "cert-manager.io/v1alpha3",
        "ClusterIssuer",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "cert-manager.io/v1beta1",
        "ClusterIssuer",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "cert-manager.io/v1alpha2",
        "CertificateRequest",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "cert-manager.io/v1alpha3",
        "CertificateRequest",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "cert-manager.io/v1beta1",
        "CertificateRequest",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "acme.cert-manager.io/v1alpha2",
        "Order",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "acme.cert-manager.io/v1alpha3",
        "Order",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "acme.cert-manager.io/v1beta1",
        "Order",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "acme.cert-manager.io/v1alpha2",
        "Challenge",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "acme.cert-manager.io/v1alpha3",
        "Challenge",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "acme.cert-manager.io/v1beta1",
        "Challenge",
        "v1.4.0",
        "v1.6.0",
        "cert-manager.io/v1",
        "",
        "cert-manager",
    ),
    _api(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "FlowSchema",
        "v1.24.0",
        "v1.29.0",
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "",
        "k8s",
    ),
    _api(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "PriorityLevelConfiguration",
        "v1.24.0",
        "v1.29.0",
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "",
        "k8s",
    ),
    _api(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "PriorityLevelConfiguration",
        "v1.24.0",
        "v1.29.0",
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "",
        "k8s",
    ),
    _api(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "FlowSchema",
        "v1.24.0",
        "v1.29.0",
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "",
        "k8s",
    ),
    _api("audit.k8s.io/v1alpha1", "Policy", "v1.21.0", "v1.24.0", "audit.k8s.io/v1", "", "k8s"),
    _api("audit.k8s.io/v1alpha1", "Policy", "v1.21.0", "v1.24.0", "audit.k8s.io/v1", "", "k8s"),
    _api("audit.k8s.io/v1alpha1", "PolicyList", "v1.21.0", "v1.24.0", "audit.k8s.io/v1", "", "k8s"),
    _api("audit.k8s.io/v1alpha1", "Event", "v1.21.0", "v1.24.0", "audit.k8s.io/v1", "", "k8s"),
    _api("audit.k8s.io/v1alpha1", "EventList", "v1.21.0", "v1.24.0", "audit.k8s.io/v1", "", "k8s"),
    _api("audit.k8s.io/v1beta1", "Policy", "v1.21.0", "v1.24.0", "audit.k8s.io/v1", "", "k8s"),
    _api("audit.k8s.io/v1beta1", "PolicyList", "v1.21.0", "v1.24.0", "audit.k8s.io/v1", "", "k8s"),
    _api("audit.k8s.io/v1beta1", "Event", "v1.21.0", "v1.24.0", "audit.k8s.io/v1", "", "k8s"),
    _api("audit.k8s.io/v1beta1", "EventList", "v1.21.0", "v1.24.0", "audit.k8s.io/v1", "", "k8s"),
    _api(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "FlowSchema",
        "v1.24.0",
        "v1.32.0",
        "flowcontrol.apiserver.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "PriorityLevelConfiguration",
        "v1.31.0",
        "v1.32.0",
        "flowcontrol.apiserver.k8s.io/v1",
        "",
        "k8s",
    ),
    _api(
        "admissionregistration.k8s.io/v1alpha1",
        "ValidatingAdmissionPolicy",
        "v1.28.0",
        "v1.33.0",
        "admissionregistration.k8s.io/v1",
        "v1.30.0",
        "k8s",
    ),
    _api(
        "admissionregistration.k8s.io/v1alpha1",
        "ValidatingAdmissionPolicyBinding",
        "v1.28.0",
        "v1.33.0",
        "admissionregistration.k8s.io/v1",
        "v1.30.0",
        "k8s",
    ),
    _api(
        "resource.k8s.io/v1beta1",
        "ResourceSlice",
        "v1.33.0",
        "v1.36.0",
        "resource.k8s.io/v1beta2",
        "v1.33.0",
        "k8s",
    ),
    _api(
        "resource.k8s.io/v1beta1",
        "ResourceClaim",
        "v1.33.0",
        "v1.36.0",
        "resource.k8s.io/v1beta2",
        "v1.33.0",
        "k8s",
    ),
    _api(
        "resource.k8s.io/v1beta1",
        "DeviceClass",
        "v1.33.0",
        "v1.36.0",
        "resource.k8s.io/v1beta2",
        "v1.33.0",
        "k8s",
    ),
    _api(
        "resource.k8s.io/v1beta1",
        "ResourceClaimTemplate",
        "v1.33.0",
        "v1.36.0",
        "resource.k8s.io/v1beta2",
        "v1.33.0",
        "k8s",
    ),
    _api(
        "resource.k8s.io/v1alpha3",
        "ResourceSlice",
        "v1.32.0",
        "v1.34.0",
        "resource.k8s.io/v1",
        "v1.34.0",
        "k8s",
    ),
    _api(
        "resource.k8s.io/v1alpha3",
        "ResourceClaim",
        "v1.32.0",
        "v1.34.0",
        "resource.k8s.io/v1",
        "v1.34.0",
        "k8s",
    ),
    _api(
        "resource.k8s.io/v1alpha3",
        "DeviceClass",
        "v1.32.0",
        "v1.34.0",
        "resource.k8s.io/v1",
        "v1.34.0",
        "k8s",
    ),
    _api(
        "resource.k8s.io/v1alpha3",
        "ResourceClaimTemplate",
        "v1.32.0",
        "v1.34.0",
        "resource.k8s.io/v1",
        "v1.34.0",
        "k8s",
    ),
    _api(
        "storage.k8s.io/v1beta1",
        "VolumeAttributesClass",
        "v1.34.0",
        "",
        "storage.k8s.io/v1",
        "v1.34.0",
        "k8s",
    ),
    _api(
        "storage.k8s.io/v1alpha1",
        "VolumeAttributesClass",
        "v1.31.0",
        "v1.35.0",
        "storage.k8s.io/v1",
        "v1.34.0",
        "k8s",
    ),
    _api(
        "storagemigration.k8s.io/v1alpha1",
        "StorageVersionMigration",
        "v1.35.0",
        "v1.35.0",
        "storagemigration.k8s.io/v1beta1",
        "v1.35.0",
        "k8s",
    ),
)

DEFAULT_TARGET_VERSIONS: Mapping[str, str] = MappingProxyType(
    {"cert-manager": "v1.5.3", "istio": "v1.11.0", "k8s": "v1.25.0"}
)
"""Pluto's own defaults. The gate always passes its own k8s target (see GateSettings)."""


@dataclass(frozen=True)
class DeprecationData:
    """The effective table and default targets after merging any additional versions file."""

    apis: tuple[DeprecatedApi, ...]
    target_versions: Mapping[str, str]

    def find(self, api_version: str, kind: str) -> DeprecatedApi | None:
        """First match wins, as in Pluto."""
        for entry in self._by_api_version.get(api_version, ()):
            if entry.matches(api_version, kind):
                return entry
        return None

    @cached_property
    def _by_api_version(self) -> dict[str, list[DeprecatedApi]]:
        """The entries of each apiVersion, in table order (only those can match it)."""
        index: dict[str, list[DeprecatedApi]] = {}
        for entry in self.apis:
            index.setdefault(entry.api_version, []).append(entry)
        return index


DEFAULT_DATA = DeprecationData(DEPRECATED_APIS, DEFAULT_TARGET_VERSIONS)


def _field(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key!r} must be a string, got {value!r}")
    return value


def parse_versions_document(doc: Any, *, where: str) -> DeprecationData:
    """Read a document in Pluto's versions.yaml schema (used for `--additional-versions`)."""
    if not isinstance(doc, Mapping):
        raise ConfigError(f"{where}: expected a mapping with 'deprecated-versions'")
    entries: list[DeprecatedApi] = []
    for i, raw in enumerate(doc.get("deprecated-versions") or ()):
        at = f"{where}: deprecated-versions[{i}]"
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{at} must be a mapping")
        entry = DeprecatedApi(
            _field(raw, "version", at),
            _field(raw, "kind", at),
            _field(raw, "deprecated-in", at),
            _field(raw, "removed-in", at),
            _field(raw, "replacement-api", at),
            _field(raw, "replacement-available-in", at),
            _field(raw, "component", at),
        )
        for key in ("deprecated_in", "removed_in", "replacement_available_in"):
            value = getattr(entry, key)
            if value and not goversion.is_valid(value):
                raise ConfigError(
                    f"{at}: {key.replace('_', '-')} {value!r} is not a semantic version "
                    "with a leading 'v'"
                )
        entries.append(entry)
    targets_raw = doc.get("target-versions") or {}
    if not isinstance(targets_raw, Mapping):
        raise ConfigError(f"{where}: 'target-versions' must be a mapping")
    targets = {str(k): str(v) for k, v in targets_raw.items()}
    return DeprecationData(tuple(entries), MappingProxyType(targets))


def merge_additional(base: DeprecationData, extra: DeprecationData) -> DeprecationData:
    """Pluto's merge: refuse duplicates of defaults, append the rest, add only new components."""
    for entry in extra.apis:
        for known in base.apis:
            if known.kind == entry.kind and known.api_version == entry.api_version:
                raise ConfigError(
                    f"duplicate cannot be added to defaults: {entry.kind} {entry.api_version}",
                    hint="remove the entry from the additional versions file; the built-in "
                    "table already has it",
                )
    targets = dict(base.target_versions)
    for component, version in extra.target_versions.items():
        targets.setdefault(component, version)
    return DeprecationData(base.apis + extra.apis, MappingProxyType(targets))


def load_additional(path: Path, base: DeprecationData = DEFAULT_DATA) -> DeprecationData:
    from gitops_release.yamlio import godocs  # noqa: PLC0415 - keeps import cheap

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read additional versions file {path}: {exc}") from None
    try:
        doc = godocs.load_one(text)
    except godocs.YamlSyntaxError as exc:
        raise ConfigError(f"{path}:{exc.line or 0}: {exc.message}") from None
    return merge_additional(base, parse_versions_document(doc, where=str(path)))


def effective_targets(
    data: DeprecationData,
    overrides: Mapping[str, str],
    components: tuple[str, ...] | None,
) -> dict[str, str]:
    """Defaults overridden one component at a time; every version valid; every component known.

    As Pluto: a `components` list is first narrowed to the components the data has (unknown
    ones are dropped, not refused); none left is an error.
    """
    present = tuple(dict.fromkeys(e.component for e in data.apis))
    wanted = present if components is None else tuple(c for c in present if c in components)
    if not wanted:
        raise ConfigError("cannot find deprecations for zero components")
    targets = dict(data.target_versions)
    targets.update(overrides)
    for component, version in targets.items():
        if not goversion.is_valid(version):
            raise ConfigError(
                "you must use valid semver for all target versions with a leading 'v' - got "
                f"{component} {version}"
            )
    for component in wanted:
        if component not in targets:
            raise ConfigError(
                "you must pass a targetVersion for every component in the list - missing "
                f"component: {component}"
            )
    return targets
