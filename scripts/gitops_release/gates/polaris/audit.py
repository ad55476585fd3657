"""Running the checks over loaded resources: Polaris's four passes over each resource.

For every named resource and every configured check (in ID order) the engine applies Polaris's
rules: annotation exemptions, config exemptions (prefix matches), the pass/target/filters match,
then the schema (and the additional multi-resource schemas, only after the main one passed).
The verdicts are collected into the result tree of `gates.polaris.results`, shaped like
`polaris audit --format json`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gitops_release.gates.model import Problem
from gitops_release.gates.polaris.checks import (
    BLANK,
    TARGET_CONTAINER,
    TARGET_CONTROLLER,
    TARGET_POD_SPEC,
    TARGET_POD_TEMPLATE,
    CheckError,
    CheckInput,
    CheckSpec,
)
from gitops_release.gates.polaris.config import PolarisConfig
from gitops_release.gates.polaris.manifests import LoadedManifests, Resource
from gitops_release.gates.polaris.results import (
    AuditResult,
    ContainerResult,
    PodResult,
    ResourceResult,
    ResultMessage,
)
from gitops_release.yamlio.podspec import POD_SPEC_PATHS

EXEMPT_ALL = "polaris.fairwinds.com/exempt"
# The kinds whose mutations Polaris writes under the pod spec's path (its own list: no
# ReplicaSet, no Rollout); other kinds' mutation paths get no prefix.
_POLARIS_POD_SPEC_KINDS = (
    "CronJob",
    "Pod",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "Job",
    "ReplicationController",
)
_POD_SPEC_PREFIX = {kind: "/" + "/".join(POD_SPEC_PATHS[kind]) for kind in _POLARIS_POD_SPEC_KINDS}


class _Auditor:
    def __init__(self, loaded: LoadedManifests, config: PolarisConfig) -> None:
        self.loaded = loaded
        self.config = config
        # Resolved once per audit: checks that are on, in ID order (Polaris sorts them).
        self.enabled: list[tuple[str, CheckSpec, str]] = []
        for check_id in sorted(config.checks):
            spec = config.check(check_id)
            severity = config.severity(check_id)
            if severity is not None:
                self.enabled.append((check_id, spec, severity))
        self.errors: list[Problem] = []
        self._applicable: dict[tuple[str, str, bool], list[tuple[str, CheckSpec, str]]] = {}
        self._exemptions: tuple[Resource | None, bool, frozenset[str]] = (None, False, frozenset())

    def _applicable_checks(
        self, target: str, kind: str, *, is_init: bool
    ) -> list[tuple[str, CheckSpec, str]]:
        """Enabled checks whose target and filters take this pass on this kind (fixed per audit)."""
        key = (target, kind, is_init)
        found = self._applicable.get(key)
        if found is None:
            found = [
                (check_id, spec, severity)
                for check_id, spec, severity in self.enabled
                if spec.applies(target, kind, is_init=is_init)
            ]
            self._applicable[key] = found
        return found

    def _exempt(self, resource: Resource) -> tuple[bool, frozenset[str]]:
        """`_annotation_exemptions`, worked out once for the resource being audited."""
        current, exempt_all, exempt = self._exemptions
        if current is not resource:
            exempt_all, exempt = self._annotation_exemptions(resource)
            self._exemptions = (resource, exempt_all, exempt)
        return exempt_all, exempt

    def _annotation_exemptions(self, resource: Resource) -> tuple[bool, frozenset[str]]:
        """(everything exempt, exempt check IDs) from the resource's own annotations."""
        cfg = self.config
        if cfg.disallow_exemptions or cfg.disallow_annotation_exemptions:
            return False, frozenset()
        meta = resource.obj.get("metadata")
        annotations = meta.get("annotations") if isinstance(meta, Mapping) else None
        if not isinstance(annotations, Mapping):
            return False, frozenset()

        def yes(key: str) -> bool:
            value = annotations.get(key)
            return isinstance(value, str) and value.lower() == "true"

        exempt = frozenset(
            check_id
            for check_id, _, _ in self.enabled
            if yes(f"polaris.fairwinds.com/{check_id}-exempt")
        )
        return yes(EXEMPT_ALL), exempt

    def _actionable(
        self, resource: Resource, target: str, container: str = "", *, is_init: bool = False
    ) -> Iterator[tuple[str, CheckSpec, str]]:
        """Checks to run on this resource in this pass, after exemptions and target filters."""
        exempt_all, exempt = self._exempt(resource)
        if exempt_all:
            return
        for check_id, spec, severity in self._applicable_checks(
            target, resource.kind, is_init=is_init
        ):
            if check_id in exempt:
                continue
            if self.config.exemptions and self.config.exempt_by_config(
                check_id, resource.namespace, resource.name, container
            ):
                continue
            yield check_id, spec, severity

    def _verdict(
        self, spec: CheckSpec, resource: Resource, check_input: CheckInput, instance: Any
    ) -> bool:
        resolved = spec.schema.resolve(check_input) if spec.schema is not None else None
        go_coded = spec.validator is not None and spec.target not in (
            TARGET_POD_SPEC,
            TARGET_POD_TEMPLATE,
            TARGET_CONTAINER,
        )
        if resolved is None or resolved is BLANK:
            passed = spec.validator(resource, self.loaded) if go_coded and spec.validator else True
        else:
            passed = resolved.is_valid(instance)
        if not passed:
            return False
        namespace = resource.name if resource.kind == "Namespace" else resource.namespace
        for key, source in spec.additional:
            extra = source.resolve(check_input)
            if extra is None:
                continue
            candidates = [
                r for r in self.loaded.by_group_kind(key) if r.namespace in ("", namespace)
            ]
            if not any(extra.is_valid(c.obj) for c in candidates):
                return False
        return True

    def _run(
        self,
        resource: Resource,
        check_id: str,
        spec: CheckSpec,
        severity: str,
        check_input: CheckInput,
        instance: Any,
        prefix: str,
    ) -> ResultMessage | None:
        try:
            passed = self._verdict(spec, resource, check_input, instance)
        except CheckError as exc:
            self.errors.append(
                Problem(
                    f"check {check_id} failed on {resource.ref.describe()}: {exc}",
                    resource.file,
                    resource.line,
                )
            )
            return None
        mutations = None
        if check_id in self.config.mutations and spec.mutations:
            mutations = tuple(m.as_json(prefix) for m in spec.mutations)
        return ResultMessage(
            check_id,
            spec.success_message if passed else spec.failure_message,
            passed,
            severity,
            spec.category,
            mutations,
        )

    def _top_level(self, resource: Resource, target: str) -> dict[str, ResultMessage]:
        out: dict[str, ResultMessage] = {}
        for check_id, spec, severity in self._actionable(resource, target):
            message = self._run(
                resource, check_id, spec, severity, CheckInput(resource.obj), resource.obj, ""
            )
            if message is not None:
                out[check_id] = message
        return out

    def _pod(self, resource: Resource) -> PodResult:
        pod_spec = resource.pod_spec or {}
        template = resource.pod_template or {}
        pod = PodResult()
        prefix = _POD_SPEC_PREFIX.get(resource.kind, "")
        check_input = CheckInput(resource.obj, pod_spec, template)
        for check_id, spec, severity in self._actionable(resource, TARGET_POD_SPEC):
            instance = template if spec.target == TARGET_POD_TEMPLATE else pod_spec
            message = self._run(resource, check_id, spec, severity, check_input, instance, prefix)
            if message is not None:
                pod.results[check_id] = message
        for field_name, is_init in (("initContainers", True), ("containers", False)):
            for index, container in enumerate(pod_spec.get(field_name) or []):
                pod.containers.append(
                    self._container(
                        resource,
                        container,
                        is_init=is_init,
                        prefix=f"{prefix}/{field_name}/{index}" if prefix else "",
                    )
                )
        return pod

    def _container(
        self, resource: Resource, container: Mapping[str, Any], *, is_init: bool, prefix: str
    ) -> ContainerResult:
        name = container.get("name") if isinstance(container.get("name"), str) else ""
        result = ContainerResult(str(name))
        pod_spec = resource.pod_spec or {}
        check_input = CheckInput(resource.obj, pod_spec, resource.pod_template or {}, container)
        as_pod_spec: dict[str, Any] | None = None  # the same for every check: built once
        for check_id, spec, severity in self._actionable(
            resource, TARGET_CONTAINER, result.name, is_init=is_init
        ):
            instance: Any = container
            if spec.schema_target == TARGET_POD_SPEC:
                if as_pod_spec is None:
                    as_pod_spec = {k: v for k, v in pod_spec.items() if k != "initContainers"}
                    as_pod_spec["containers"] = [container]
                instance = as_pod_spec
            message = self._run(resource, check_id, spec, severity, check_input, instance, prefix)
            if message is not None:
                result.results[check_id] = message
        return result

    def audit(self, resource: Resource) -> ResourceResult:
        result = ResourceResult(resource)
        if resource.is_controller:
            result.results.update(self._top_level(resource, TARGET_CONTROLLER))
        for check_id, message in self._top_level(resource, "").items():
            if check_id in result.results:
                self.errors.append(
                    Problem(
                        f"check {check_id} matched {resource.ref.describe()} twice",
                        resource.file,
                        resource.line,
                    )
                )
            result.results[check_id] = message
        if resource.is_controller:
            result.pod = self._pod(resource)
        return result


def run_audit(
    loaded: LoadedManifests, config: PolarisConfig, *, per_file: bool = False
) -> AuditResult:
    """Audit every named resource of `loaded` with `config` (built-in and custom checks).

    With `per_file`, each file is audited on its own, as `polaris audit` over just that file
    would: checks that look at other resources (a NetworkPolicy, PodDisruptionBudget or
    HorizontalPodAutoscaler matching a workload) see only the resources of the same file. The
    gates write each render root to its own file, so one app never satisfies another's checks.
    """
    auditor = _Auditor(loaded, config)
    if not per_file:
        results = [auditor.audit(resource) for resource in loaded.audited]
        return AuditResult(results, auditor.errors, loaded.cluster_info())
    groups: dict[str | None, list[Resource]] = {}
    for resource in loaded.resources:
        groups.setdefault(resource.file, []).append(resource)
    results = []
    for group in groups.values():
        auditor.loaded = LoadedManifests(resources=group)  # what cross-resource checks see
        results.extend(
            auditor.audit(resource) for resource in group if resource.kind and resource.name
        )
    return AuditResult(results, auditor.errors, loaded.cluster_info())
