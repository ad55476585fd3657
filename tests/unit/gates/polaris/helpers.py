"""Running Polaris's own test protocol (GATES.md §2.7) against the built-in engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gitops_release.gates.polaris import audit, config, manifests
from gitops_release.gates.polaris.results import AuditResult
from gitops_release.yamlio import godocs


def raw_check(path: Path) -> dict[str, Any]:
    """A check definition file as a normalised customChecks entry."""
    doc = godocs.load_one(path.read_text(encoding="utf-8"), "v2")
    return config.normalise_check(doc, where=path.name)


def fixture_config(check_dir: Path, **extra: Any) -> config.PolarisConfig:
    raw: dict[str, Any] = {"checks": {check_dir.name: "danger"}, **extra}
    check_file = check_dir / "check.yaml"
    if check_file.exists():
        raw["customChecks"] = {check_dir.name: raw_check(check_file)}
    return config.build_config(raw)


def audit_file(path: Path, conf: config.PolarisConfig) -> AuditResult:
    loaded = manifests.load_paths([path], polaris_compatible=True)
    return audit.run_audit(loaded, conf)


def fixture_cases(reference: Path) -> list[Path]:
    root = reference / "polaris" / "test-checks"
    return [
        f
        for d in sorted(root.iterdir())
        for f in sorted(d.iterdir())
        if f.name != "check.yaml" and not f.name.startswith("mutated")
    ]
