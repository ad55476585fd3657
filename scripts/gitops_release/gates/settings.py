"""What a gate run is asked to do (the frozen runtime object the CLI builds from options/config)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

Engine = Literal["auto", "builtin", "binary"]

DEFAULT_KUBERNETES_VERSION = "v1.30.0"
"""The k8s target when none is configured: the version GATES.md's recommended Pluto invocation
uses. Pluto's own default (v1.25.0) is stale, so the gate always passes an explicit target."""


@dataclass(frozen=True)
class GateSettings:
    """Settings for `run_gates`.

    `engine`: `builtin` uses the Python engines; `binary` runs `pluto`/`polaris` (both must be on
    PATH); `auto` runs each binary that is on PATH and the built-in engine otherwise.
    `polaris_config`: the Polaris config file (the admission controller's); None means the
    project's default (all built-in checks, no name-prefix exemptions).
    `min_polaris_score`: a score below it is a failure finding.
    """

    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION
    target_versions: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    components: tuple[str, ...] | None = None
    additional_versions: Path | None = None
    polaris_config: Path | None = None
    polaris_merge_config: bool = False
    min_polaris_score: int | None = None
    engine: Engine = "auto"
    deprecated_api: bool = True
    polaris: bool = True
    pluto_binary: str = "pluto"
    polaris_binary: str = "polaris"
    timeout: float = 600.0
    # Each file is one app (a render root): Polaris judges it alone, cross-resource checks
    # included. `check PATH…` judges everything it is given together, as `polaris audit` does.
    audit_per_file: bool = False

    def targets(self) -> dict[str, str]:
        """Target versions to use: the configured ones, with k8s always set explicitly."""
        return {**self.target_versions, "k8s": self.kubernetes_version}
