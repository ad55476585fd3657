"""`run_gates`: the deprecated-API gate and the Polaris gate over rendered manifests.

The CLI calls `run_gates(paths, settings)` with the rendered files or directories, and may pass
`locations`, a mapping from (apiVersion, kind, namespace, name) to (source file, line), so that
findings point at what people edit rather than at rendered output.
"""

from __future__ import annotations

import gc
import json
import shutil
import tempfile
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from gitops_release.errors import GitopsReleaseError
from gitops_release.gates import binaries, deprecated_api, deprecations, policy
from gitops_release.gates.model import Finding, GateReport, Problem, ResourceRef, make_report
from gitops_release.gates.polaris import audit as polaris_audit
from gitops_release.gates.polaris import config as polaris_config
from gitops_release.gates.polaris import manifests
from gitops_release.gates.settings import GateSettings
from gitops_release.gates.sources import read_sources

Locations = Mapping[tuple[str, str, str, str], tuple[str, int | None]]


def _which(engine: str, binary: str) -> bool:
    if engine == "builtin":
        return False
    if engine == "binary":
        if shutil.which(binary) is None:
            raise GitopsReleaseError(
                f"`{binary}` is not on PATH but the gate engine is 'binary'",
                hint="install it or set the engine to 'builtin' or 'auto'",
            )
        return True
    return shutil.which(binary) is not None


def _manifest_files(paths: Sequence[Path], errors: list[Problem]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            errors.append(Problem("path does not exist", str(path)))
            continue
        found = list(manifests.iter_files([path], manifests.GATE_EXTENSIONS, any_named_file=True))
        if path.is_dir() and not found:
            errors.append(Problem("no .yaml, .yml or .json manifests found here", str(path)))
        files.extend(found)
    return sorted(dict.fromkeys(files))


def _relocate(findings: list[Finding], locations: Locations | None) -> list[Finding]:
    if not locations:
        return findings
    out = []
    for f in findings:
        where = locations.get(f.resource.key())
        if where is None:
            out.append(f)
            continue
        out.append(
            Finding(
                f.gate,
                f.check,
                f.severity,
                f.resource,
                f.message,
                f.container,
                where[0],
                where[1],
                f.replacement,
            )
        )
    return out


def _deprecated_api(
    files: Sequence[Path],
    settings: GateSettings,
    errors: list[Problem],
    scans: list[deprecated_api.FileScan] | None = None,
) -> tuple[list[Finding], str]:
    data = deprecations.DEFAULT_DATA
    if settings.additional_versions is not None:
        data = deprecations.load_additional(settings.additional_versions)
    targets = deprecations.effective_targets(data, settings.targets(), settings.components)
    if scans is None:
        scans = [deprecated_api.scan_file(f) for f in files]
    for scan in scans:
        if scan.error:
            errors.append(
                Problem(f"deprecated-API gate cannot read this file: {scan.error}", scan.path)
            )
    if _which(settings.engine, settings.pluto_binary):
        with binaries.staged_manifests(files) as (root, staged):
            args = binaries.pluto_command(
                root,
                targets,
                binary=settings.pluto_binary,
                additional_versions=settings.additional_versions,
                components=settings.components,
            )
            usages, _ = binaries.parse_pluto_json(
                binaries.run_pluto(args, timeout=settings.timeout)
            )
            usages = binaries.map_staged_paths(usages, staged)
        lines = {
            (s.api_version, s.kind, s.namespace, s.name, scan.path): s.line
            for scan in scans
            for s in scan.stubs
        }
        usages = [
            deprecated_api.ApiUsage(
                deprecated_api.Stub(
                    u.stub.api_version,
                    u.stub.kind,
                    u.stub.name,
                    u.stub.namespace,
                    lines.get(
                        (
                            u.api.api_version,
                            u.kind,
                            u.stub.namespace,
                            u.stub.name,
                            u.file_path or "",
                        )
                    ),
                ),
                u.api,
                u.file_path,
                u.deprecated,
                u.removed,
                u.replacement_available,
            )
            for u in usages
        ]
        engine = "pluto binary"
    else:
        usages = deprecated_api.filter_usages(
            deprecated_api.find_usages(scans, targets, data), components=settings.components
        )
        engine = "built-in"
    return policy.deprecation_findings(usages, targets), engine


def _resolver(loaded: manifests.LoadedManifests) -> policy.RefResolver:
    """(kind, namespace, name) → the resource and its file, for audit results in order.

    The same object can be rendered by several roots (one release on blue and green clusters),
    each in its own file. Results come in the order the resources were audited, so successive
    results for one identity are matched with successive resources: each finding keeps its own
    file. (The real binary orders results randomly; there the match is best effort.)
    """
    index: dict[tuple[str, str, str], deque[manifests.Resource]] = {}
    for resource in loaded.audited:
        index.setdefault((resource.kind, resource.namespace, resource.name), deque()).append(
            resource
        )

    def resolve(kind: str, namespace: str, name: str) -> tuple[ResourceRef, str | None, int | None]:
        queue = index.get((kind, namespace, name))
        if not queue:
            return ResourceRef("", kind, namespace, name), None, None
        resource = queue.popleft() if len(queue) > 1 else queue[0]
        return resource.ref, resource.file, resource.line

    return resolve


def _polaris(
    files: Sequence[Path],
    settings: GateSettings,
    errors: list[Problem],
    warnings: list[Problem],
    loaded: manifests.LoadedManifests | None = None,
) -> tuple[list[Finding], int, str]:
    config = polaris_config.load_config(
        settings.polaris_config, merge_with_default=settings.polaris_merge_config
    )
    warnings.extend(Problem(w) for w in config.warnings)
    if loaded is None:
        loaded = manifests.load_paths(files)
    errors.extend(loaded.errors)
    warnings.extend(loaded.warnings)
    if _which(settings.engine, settings.polaris_binary):
        document, score = _polaris_binary(files, settings, loaded, errors)
        engine = "polaris binary"
    else:
        result = polaris_audit.run_audit(loaded, config, per_file=settings.audit_per_file)
        errors.extend(result.errors)
        document, score = result.as_json(source_name="rendered manifests"), result.score
        engine = "built-in"
    findings = policy.polaris_findings(document, _resolver(loaded))
    minimum = policy.score_finding(score, settings.min_polaris_score)
    if minimum is not None:
        findings.append(minimum)
    return findings, score, engine


def _polaris_binary(
    files: Sequence[Path],
    settings: GateSettings,
    loaded: manifests.LoadedManifests,
    errors: list[Problem],
) -> tuple[dict[str, object], int]:
    with binaries.staged_manifests(files) as (root, staged), tempfile.TemporaryDirectory() as tmp:
        as_polaris = manifests.load_paths([s.staged for s in staged], polaris_compatible=True)
        source_of = {str(s.staged): str(s.source) for s in staged}
        for problem in as_polaris.warnings:
            errors.append(Problem(problem.message, source_of.get(problem.file or ""), problem.line))
        expected = len(as_polaris.audited)
        if len(loaded.audited) != expected:
            errors.append(
                Problem(
                    f"polaris would audit {expected} of the {len(loaded.audited)} named resources "
                    "(it does not expand kind: List and skips what it cannot parse)"
                )
            )
        config_path = settings.polaris_config
        if config_path is None or settings.polaris_merge_config:
            raw = polaris_config.default_raw_config()
            if config_path is not None:
                raw = polaris_config.merge(
                    raw, polaris_config.parse_config_text(config_path.read_text(encoding="utf-8"))
                )
            config_path = Path(tmp) / "polaris-config.yaml"
            config_path.write_text(json.dumps(raw, indent=2), encoding="utf-8")
        args = binaries.polaris_command(root, config_path, binary=settings.polaris_binary)
        parsed = binaries.parse_polaris_json(binaries.run_polaris(args, timeout=settings.timeout))
    errors.extend(binaries.check_plausible(parsed, expected, root))
    return parsed.as_document(), parsed.score


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the gates run.

    The gates build a large, long-lived object graph (every loaded manifest) plus many small
    temporaries; left on, the collector walks that graph again and again (a quarter of the run
    time on a few thousand resources). Memory is still freed by reference counting, and the
    little cyclic garbage the run makes is collected once the collector is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_gates(
    paths: Sequence[Path],
    settings: GateSettings | None = None,
    *,
    locations: Locations | None = None,
) -> GateReport:
    """Run the enabled gates over rendered manifest files/directories and judge the result."""
    with _collector_paused():
        return _run_gates(paths, settings or GateSettings(), locations)


def _run_gates(
    paths: Sequence[Path], settings: GateSettings, locations: Locations | None
) -> GateReport:
    deprecations.effective_targets(deprecations.DEFAULT_DATA, settings.targets(), None)
    errors: list[Problem] = []
    warnings: list[Problem] = []
    files = _manifest_files(paths, errors)
    findings: list[Finding] = []
    engines: list[tuple[str, str]] = []
    score: int | None = None
    sources = read_sources(files) if settings.deprecated_api and settings.polaris else None
    if settings.deprecated_api:
        found, engine = _deprecated_api(files, settings, errors, sources.scans if sources else None)
        findings.extend(found)
        engines.append(("deprecated-api", engine))
    if settings.polaris:
        found, score, engine = _polaris(
            files, settings, errors, warnings, sources.loaded if sources else None
        )
        findings.extend(found)
        engines.append(("polaris", engine))
    return make_report(
        kubernetes_version=settings.kubernetes_version,
        polaris_score=score,
        findings=_relocate(findings, locations),
        errors=errors,
        warnings=warnings,
        engines=tuple(engines),
    )
