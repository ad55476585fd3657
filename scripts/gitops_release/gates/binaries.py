"""Adapters for the real `pluto` and `polaris` binaries.

The binaries run through `gitops_release.proc.run` with flags that make their exit codes mean
only "error or not"; pass/fail is decided in Python from their JSON (parsed by pure functions).
Their silent failure modes are guarded here:

* both read only what we stage: every manifest is copied into a fresh directory (Pluto would
  read any stray file; Polaris ignores `.json`, so JSON manifests are staged as `.json.yaml`);
* files either tool would skip without failing are found with our own parsers first and
  reported as errors;
* Polaris's result count is checked against the resources we know are there (a typo'd
  path gives score 100 and exit 0);
* results are sorted (Polaris prints them in random order).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitops_release import proc
from gitops_release.errors import ProcessError
from gitops_release.gates.deprecated_api import ApiUsage, Stub
from gitops_release.gates.deprecations import DeprecatedApi
from gitops_release.gates.model import Problem


class ToolOutputError(ProcessError):
    """A binary's output is not what its documented format says."""


# --- staging ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StagedFile:
    source: Path
    staged: Path


@contextmanager
def staged_manifests(files: Sequence[Path]) -> Iterator[tuple[Path, tuple[StagedFile, ...]]]:
    """A temporary directory holding a copy of each manifest (JSON ones renamed for Polaris)."""
    with tempfile.TemporaryDirectory(prefix="gitops-release-gates-") as tmp:
        root = Path(tmp) / "manifests"
        root.mkdir()
        staged: list[StagedFile] = []
        for i, source in enumerate(files):
            name = source.name if source.name.endswith((".yaml", ".yml")) else source.name + ".yaml"
            target = root / f"{i:05d}" / name
            target.parent.mkdir()
            shutil.copyfile(source, target)
            staged.append(StagedFile(source, target))
        yield root, tuple(staged)


# --- pluto ------------------------------------------------------------------------------------


def pluto_command(
    directory: Path,
    targets: Mapping[str, str],
    *,
    binary: str = "pluto",
    additional_versions: Path | None = None,
    components: Sequence[str] | None = None,
) -> list[str]:
    """`pluto detect-files` whose exit code only signals errors (pass/fail is decided here)."""
    target_arg = ",".join(f"{k}={v}" for k, v in sorted(targets.items()))
    args = [
        binary,
        "detect-files",
        "-d",
        str(directory),
        "-o",
        "json",
        "-t",
        target_arg,
        "--ignore-deprecations",
        "--ignore-removals",
        "--ignore-unavailable-replacements",
    ]
    if additional_versions is not None:
        args += ["--additional-versions", str(additional_versions)]
    if components:
        args += ["--components", ",".join(components)]
    return args


def _require(mapping: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(mapping, Mapping) or key not in mapping:
        raise ToolOutputError(f"{where}: missing {key!r}")
    value = mapping[key]
    if not isinstance(value, kind):
        raise ToolOutputError(f"{where}: {key!r} has an unexpected type")
    return value


def parse_pluto_json(text: str) -> tuple[list[ApiUsage], dict[str, str]]:
    """`pluto ... -o json` -> (usages, effective target versions). Pure."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ToolOutputError(f"pluto did not print JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ToolOutputError("pluto JSON output is not an object")
    targets = _require(doc, "target-versions", dict, "pluto output")
    usages: list[ApiUsage] = []
    for i, item in enumerate(doc.get("items") or []):
        where = f"pluto output items[{i}]"
        api = _require(item, "api", dict, where)
        entry = DeprecatedApi(
            *(
                str(api.get(k, ""))
                for k in (
                    "version",
                    "kind",
                    "deprecated-in",
                    "removed-in",
                    "replacement-api",
                    "replacement-available-in",
                    "component",
                )
            )
        )
        stub = Stub(
            entry.api_version, entry.kind, str(item.get("name", "")), str(item.get("namespace", ""))
        )
        usages.append(
            ApiUsage(
                stub=stub,
                api=entry,
                file_path=item.get("filePath"),
                deprecated=bool(_require(item, "deprecated", bool, where)),
                removed=bool(_require(item, "removed", bool, where)),
                replacement_available=bool(_require(item, "replacementAvailable", bool, where)),
            )
        )
    return usages, {str(k): str(v) for k, v in targets.items()}


def map_staged_paths(usages: Sequence[ApiUsage], staged: Sequence[StagedFile]) -> list[ApiUsage]:
    """Pluto reports `cwd + "/" + walked path`; point each usage back at the original file."""
    by_suffix = {str(s.staged): str(s.source) for s in staged}
    out = []
    for usage in usages:
        path = usage.file_path or ""
        source = next((src for st, src in by_suffix.items() if path.endswith(st)), path or None)
        out.append(
            ApiUsage(
                usage.stub,
                usage.api,
                source,
                usage.deprecated,
                usage.removed,
                usage.replacement_available,
            )
        )
    return out


def run_pluto(args: Sequence[str], *, timeout: float) -> str:
    result = proc.run(
        args,
        timeout=timeout,
        check=False,
        summary="pluto failed",
        hint="run the same command locally to see the error",
    )
    if result.returncode != 0:
        raise ProcessError(proc.describe_failure(result, summary="pluto failed"))
    return result.out


# --- polaris ----------------------------------------------------------------------------------


def polaris_command(audit_path: Path, config: Path, *, binary: str = "polaris") -> list[str]:
    """`polaris audit` over a path, JSON out, no exit-code flags (we gate on the JSON)."""
    return [
        binary,
        "audit",
        "--audit-path",
        str(audit_path),
        "--config",
        str(config),
        "--format",
        "json",
    ]


@dataclass(frozen=True)
class PolarisAudit:
    """The parts of `polaris audit --format json` the gate uses, results sorted."""

    score: int
    results: tuple[Mapping[str, Any], ...]
    cluster_info: Mapping[str, Any]

    def as_document(self) -> dict[str, Any]:
        return {
            "Results": list(self.results),
            "Score": self.score,
            "ClusterInfo": dict(self.cluster_info),
        }


def parse_polaris_json(text: str) -> PolarisAudit:
    """Validate and read a Polaris audit document. Pure."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ToolOutputError(f"polaris did not print JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise ToolOutputError("polaris JSON output is not an object")
    results = _require(doc, "Results", list, "polaris output")
    score = _require(doc, "Score", int, "polaris output")
    info = doc.get("ClusterInfo") or {}
    for i, result in enumerate(results):
        where = f"polaris output Results[{i}]"
        for key in ("Name", "Kind"):
            _require(result, key, str, where)
        _require(result, "Results", dict, where)
        pod = result.get("PodResult")
        if pod is not None and not isinstance(pod, dict):
            raise ToolOutputError(f"{where}: PodResult has an unexpected type")
    ordered = sorted(
        results, key=lambda r: (r.get("Kind", ""), r.get("Namespace", ""), r.get("Name", ""))
    )
    return PolarisAudit(score, tuple(ordered), info if isinstance(info, dict) else {})


def check_plausible(
    audit: PolarisAudit, expected_resources: int, audit_path: Path
) -> list[Problem]:
    """Polaris reports score 100 for a path it read nothing from; compare with what is there."""
    got = len(audit.results)
    if got == expected_resources:
        return []
    return [
        Problem(
            f"polaris audited {got} resources in {audit_path} but the manifests contain "
            f"{expected_resources} named resources; the audit is not trustworthy"
        )
    ]


def run_polaris(args: Sequence[str], *, timeout: float) -> str:
    result = proc.run(args, timeout=timeout, check=False, summary="polaris audit failed")
    if result.returncode != 0:
        raise ProcessError(proc.describe_failure(result, summary="polaris audit failed"))
    return result.out
