"""The result tree of a Polaris audit, shaped like `polaris audit --format json`: one message per
check, grouped by resource, pod and container, the summary counts and Polaris's score. Both the
built-in engine and the adapter for the real binary produce it, so they feed the same reporting."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from gitops_release.gates.model import Problem
from gitops_release.gates.polaris.manifests import Resource


@dataclass(frozen=True)
class ResultMessage:
    id: str
    message: str
    success: bool
    severity: str
    category: str
    mutations: tuple[dict[str, Any], ...] | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "ID": self.id,
            "Message": self.message,
            "Details": None,
            "Success": self.success,
            "Severity": self.severity,
            "Category": self.category,
            "Mutations": None if self.mutations is None else [dict(m) for m in self.mutations],
        }


@dataclass
class ContainerResult:
    name: str
    results: dict[str, ResultMessage] = field(default_factory=dict)


@dataclass
class PodResult:
    results: dict[str, ResultMessage] = field(default_factory=dict)
    containers: list[ContainerResult] = field(default_factory=list)


@dataclass
class ResourceResult:
    resource: Resource
    results: dict[str, ResultMessage] = field(default_factory=dict)
    pod: PodResult | None = None

    def messages(self) -> Iterator[tuple[ResultMessage, str | None]]:
        """Every result with its container name (None above container level)."""
        for message in self.results.values():
            yield message, None
        if self.pod is not None:
            for message in self.pod.results.values():
                yield message, None
            for container in self.pod.containers:
                for message in container.results.values():
                    yield message, container.name

    def as_json(self) -> dict[str, Any]:
        def tree(results: Mapping[str, ResultMessage]) -> dict[str, Any]:
            return {k: results[k].as_json() for k in sorted(results)}

        pod: dict[str, Any] | None = None
        if self.pod is not None:
            pod = {
                "Name": "",
                "Results": tree(self.pod.results),
                "ContainerResults": [
                    {"Name": c.name, "Results": tree(c.results)} for c in self.pod.containers
                ],
            }
        return {
            "Name": self.resource.name,
            "Namespace": self.resource.namespace,
            "Kind": self.resource.kind,
            "Results": tree(self.results),
            "PodResult": pod,
            "CreatedTime": "0001-01-01T00:00:00Z",
        }


def score(counts: tuple[int, int, int]) -> int:
    """Polaris's score: 2·passing / (2·passing + warnings + 2·dangers), truncated, as float64."""
    successes, warnings, dangers = counts
    total = 2 * successes + warnings + 2 * dangers
    if total == 0:
        return 100
    return int((2 * successes) / total * 100)


@dataclass
class AuditResult:
    results: list[ResourceResult]
    errors: list[Problem]
    cluster_info: dict[str, Any]

    def counts(self) -> tuple[int, int, int]:
        """(successes, warnings, dangers) over every result, as Polaris's summary counts them."""
        successes = warnings = dangers = 0
        for result in self.results:
            for message, _ in result.messages():
                if message.success:
                    successes += 1
                elif message.severity == "warning":
                    warnings += 1
                else:
                    dangers += 1
        return successes, warnings, dangers

    @property
    def score(self) -> int:
        return score(self.counts())

    def as_json(
        self, *, source_name: str, display_name: str = "", audit_time: datetime | None = None
    ) -> dict[str, Any]:
        """The document `polaris audit --format json` prints (results sorted, not random)."""
        when = (audit_time or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        ordered = sorted(
            self.results,
            key=lambda r: (r.resource.kind, r.resource.namespace, r.resource.name),
        )
        return {
            "PolarisOutputVersion": "1.0",
            "AuditTime": when,
            "SourceType": "Path",
            "SourceName": source_name,
            "DisplayName": display_name or source_name,
            "ClusterInfo": dict(self.cluster_info),
            "Results": [r.as_json() for r in ordered],
            "Score": self.score,
        }
