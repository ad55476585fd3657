"""Turning engine results into findings: what fails the gate and what only warns.

Both engines (built-in or binary) end up here through the same shapes: Pluto-style API usages
and Polaris-style audit JSON, so the two never disagree about severity or wording.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from gitops_release.gates.deprecated_api import ApiUsage
from gitops_release.gates.model import (
    GATE_DEPRECATED_API,
    GATE_POLARIS,
    Finding,
    ResourceRef,
    Severity,
)

CHECK_REMOVED = "removed-api"
CHECK_DEPRECATED = "deprecated-api"
CHECK_MIN_SCORE = "polaris-score"

RefResolver = Callable[[str, str, str], tuple[ResourceRef, str | None, int | None]]
"""(kind, namespace, name) -> the full reference and where the object is, for Polaris results."""


def deprecation_findings(usages: Iterable[ApiUsage], targets: Mapping[str, str]) -> list[Finding]:
    """Removed in the target version: failure. Deprecated (not yet removed): warning."""
    findings: list[Finding] = []
    for usage in usages:
        if not (usage.removed or usage.deprecated):
            continue
        api = usage.api
        target = targets.get(api.component, "")
        severity: Severity = "failure" if usage.removed else "warning"
        what = f"{api.api_version} {usage.kind}"
        if usage.removed:
            message = f"{what} was removed in {api.component} {api.removed_in} (target {target})"
        else:
            message = f"{what} is deprecated since {api.component} {api.deprecated_in}"
            if api.removed_in:
                message += f" and will be removed in {api.removed_in}"
        replacement = api.replacement_api or None
        if replacement:
            message += f"; migrate to {replacement}"
            if api.replacement_available_in and not usage.replacement_available:
                message += f" (available from {api.replacement_available_in})"
        findings.append(
            Finding(
                gate=GATE_DEPRECATED_API,
                check=CHECK_REMOVED if usage.removed else CHECK_DEPRECATED,
                severity=severity,
                resource=ResourceRef(
                    api.api_version, usage.kind, usage.stub.namespace, usage.stub.name
                ),
                message=message,
                file=usage.file_path,
                line=usage.stub.line,
                replacement=replacement,
            )
        )
    return findings


def _messages(result: Mapping[str, Any]) -> Iterable[tuple[Mapping[str, Any], str | None]]:
    for message in (result.get("Results") or {}).values():
        yield message, None
    pod = result.get("PodResult")
    if isinstance(pod, Mapping):
        for message in (pod.get("Results") or {}).values():
            yield message, None
        for container in pod.get("ContainerResults") or []:
            for message in (container.get("Results") or {}).values():
                yield message, str(container.get("Name", ""))


def polaris_findings(audit: Mapping[str, Any], resolve: RefResolver) -> list[Finding]:
    """Failing results of a Polaris audit document: danger -> failure, warning -> warning."""
    findings: list[Finding] = []
    for result in audit.get("Results") or []:
        ref, file, line = resolve(
            str(result.get("Kind", "")),
            str(result.get("Namespace", "")),
            str(result.get("Name", "")),
        )
        for message, container in _messages(result):
            if message.get("Success"):
                continue
            severity: Severity = "warning" if message.get("Severity") == "warning" else "failure"
            findings.append(
                Finding(
                    gate=GATE_POLARIS,
                    check=str(message.get("ID", "")),
                    severity=severity,
                    resource=ref,
                    message=str(message.get("Message", "")),
                    container=container,
                    file=file,
                    line=line,
                )
            )
    return findings


def score_finding(score: int, minimum: int | None) -> Finding | None:
    """A failure when the Polaris score is below the configured minimum."""
    if minimum is None or score >= minimum:
        return None
    return Finding(
        gate=GATE_POLARIS,
        check=CHECK_MIN_SCORE,
        severity="failure",
        resource=ResourceRef("", "", "", ""),
        message=f"Polaris score {score} is below the required minimum {minimum}",
    )
