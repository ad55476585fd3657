"""The values every gate engine produces and every reporter consumes.

One `Finding` shape for the deprecated-API gate and the Polaris gate, whether the built-in
engines or the real binaries produced it, so that reporters, the policy and the CLI never need
to know which engine ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Gate = Literal["deprecated-api", "polaris"]
Severity = Literal["failure", "warning"]

GATE_DEPRECATED_API: Gate = "deprecated-api"
GATE_POLARIS: Gate = "polaris"


@dataclass(frozen=True, order=True)
class ResourceRef:
    """Identifies one Kubernetes object as the manifests spell it."""

    api_version: str
    kind: str
    namespace: str
    name: str

    def key(self) -> tuple[str, str, str, str]:
        return (self.api_version, self.kind, self.namespace, self.name)

    def describe(self) -> str:
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {ns}{self.name}"


@dataclass(frozen=True)
class SourceLocation:
    """Where a resource came from: a rendered file, or the source file the caller mapped it to."""

    file: str
    line: int | None = None


@dataclass(frozen=True)
class Finding:
    """One problem found by a gate.

    `check` is the check ID (a Polaris check ID, or `removed-api` / `deprecated-api`).
    `replacement` is an actionable hint: the replacement apiVersion for deprecated APIs.
    """

    gate: Gate
    check: str
    severity: Severity
    resource: ResourceRef
    message: str
    container: str | None = None
    file: str | None = None
    line: int | None = None
    replacement: str | None = None

    def sort_key(self) -> tuple[int, str, int, str, str, str, str, str, str, str]:
        """Failures first, then by location, resource, gate and check: stable across runs."""
        return (
            0 if self.severity == "failure" else 1,
            self.file or "",
            self.line or 0,
            self.resource.kind,
            self.resource.namespace,
            self.resource.name,
            self.container or "",
            self.gate,
            self.check,
            self.message,
        )


@dataclass(frozen=True)
class Problem:
    """Something that stopped a gate from judging part of the input (never silently skipped)."""

    message: str
    file: str | None = None
    line: int | None = None

    def describe(self) -> str:
        where = self.file or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class GateReport:
    """The result of running the gates once.

    `passed` is false when any finding is a failure or any problem (error) occurred.
    `warnings` are notes that do not fail the gate (e.g. an unnamed resource Polaris skips).
    """

    passed: bool
    kubernetes_version: str
    polaris_score: int | None
    findings: tuple[Finding, ...]
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    engines: tuple[tuple[str, str], ...] = field(default=())

    @property
    def failures(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "failure")

    @property
    def warning_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")


def sort_findings(findings: list[Finding] | tuple[Finding, ...]) -> tuple[Finding, ...]:
    """Deterministic order regardless of engine (Polaris prints its results in random order)."""
    return tuple(sorted(set(findings), key=Finding.sort_key))


def make_report(
    *,
    kubernetes_version: str,
    polaris_score: int | None,
    findings: list[Finding] | tuple[Finding, ...],
    errors: list[Problem] | tuple[Problem, ...] = (),
    warnings: list[Problem] | tuple[Problem, ...] = (),
    engines: tuple[tuple[str, str], ...] = (),
) -> GateReport:
    ordered = sort_findings(findings)
    errs = tuple(dict.fromkeys(errors))
    passed = not errs and not any(f.severity == "failure" for f in ordered)
    return GateReport(
        passed=passed,
        kubernetes_version=kubernetes_version,
        polaris_score=polaris_score,
        findings=ordered,
        errors=errs,
        warnings=tuple(dict.fromkeys(warnings)),
        engines=engines,
    )
