"""Release gates over rendered manifests: deprecated/removed Kubernetes APIs (Pluto-compatible)
and Polaris checks (Polaris-compatible, reading the same config file).

Entry point: `run_gates(paths, GateSettings(...), locations=...) -> GateReport`, then one of the
renderers in `gitops_release.reporting.gates`.
"""

from gitops_release.gates.model import Finding, GateReport, Problem, ResourceRef
from gitops_release.gates.runner import run_gates
from gitops_release.gates.settings import DEFAULT_KUBERNETES_VERSION, GateSettings

__all__ = [
    "DEFAULT_KUBERNETES_VERSION",
    "Finding",
    "GateReport",
    "GateSettings",
    "Problem",
    "ResourceRef",
    "run_gates",
]
