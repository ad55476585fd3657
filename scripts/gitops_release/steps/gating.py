"""The gates over what the renderers produced: the settings from the command line and the
config, the config's policy, each root gated on its own with findings pointed back at their
sources, and the Polaris config a repository names."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from gitops_release.config import Config
from gitops_release.edit import inside
from gitops_release.errors import ConfigError, GitopsReleaseError, ManifestError
from gitops_release.gates import Finding, GateReport, GateSettings, Problem, run_gates
from gitops_release.gates.model import make_report
from gitops_release.gates.polaris.builtin_checks import BUILTIN_CHECKS
from gitops_release.gates.policy import CHECK_DEPRECATED, CHECK_REMOVED
from gitops_release.git import Git
from gitops_release.render.checkout import write_rendered
from gitops_release.render.model import RenderRoot
from gitops_release.render.run import Rendered
from gitops_release.rollouts import human_wait_note, rollouts_in
from gitops_release.yamlio import nodes as yamlnodes
from gitops_release.yamlio import podspec


@dataclass(frozen=True)
class CheckOptions:
    """What the command line says; None means "from the config, else the default"."""

    k8s_version: str | None = None
    polaris_config: Path | None = None
    engine: str | None = None
    min_score: int | None = None


def settings_for(options: CheckOptions, config: Config | None) -> GateSettings:
    """Command line over `.gitops-release.yaml` (gates:) over the built-in defaults.

    A `gates.polaris_config` from the config reaches here through `with_polaris_from_git`.
    """
    gates = config.gates if config is not None else None
    version = options.k8s_version or (gates.kubernetes_version if gates else None)
    settings = GateSettings(
        polaris_config=options.polaris_config,
        min_polaris_score=options.min_score
        if options.min_score is not None
        else (gates.min_score if gates else None),
        engine=(options.engine or (gates.engine if gates else "auto")),  # type: ignore[arg-type]
    )
    if version:
        settings = replace(settings, kubernetes_version=_full_version(version))
    return settings


def _full_version(version: str) -> str:
    parts = version.lstrip("v").split(".")
    return "v" + ".".join([*parts, "0", "0"][:3])


def apply_policy(report: GateReport, config: Config | None) -> GateReport:
    """The config's severities for deprecated/removed APIs (`gates.deprecated/removed`)."""
    if config is None:
        return report
    wanted = {CHECK_REMOVED: config.gates.removed, CHECK_DEPRECATED: config.gates.deprecated}
    findings = []
    for finding in report.findings:
        level = wanted.get(finding.check) if finding.gate == "deprecated-api" else None
        if level == "ignore":
            continue
        if level in ("failure", "warning") and level != finding.severity:
            findings.append(replace(finding, severity=level))
        else:
            findings.append(finding)
    return make_report(
        kubernetes_version=report.kubernetes_version,
        polaris_score=report.polaris_score,
        findings=findings,
        errors=report.errors,
        warnings=report.warnings,
        engines=report.engines,
    )


# -- gates over what the renderers produced -------------------------------------------------------

_SOURCE = re.compile(r"^# Source: [^/\n]+/(.+)$", re.MULTILINE)


def gate_renders(
    rendered: Mapping[str, Rendered],
    roots: Mapping[str, RenderRoot],
    options: CheckOptions,
    config: Config | None,
) -> GateReport:
    """Gate the rendered output of each root; a root that failed to render is an error.

    Findings point at the source that produced the resource where it can be traced: the chart
    template (`# Source:` comments of Helm output), else the root's kustomization or directory.
    Each root is written to its own file, so a finding's rendered file names its root, even
    when two roots render the same object (one release on blue and green clusters).
    """
    failed = [
        Problem(f"{r.name}: render failed: {r.error}", roots[k].path if k in roots else None)
        for k, r in rendered.items()
        if not r.ok
    ]
    good = {k: r for k, r in rendered.items() if r.ok}
    with tempfile.TemporaryDirectory(prefix="gitops-release-gates-") as tmp:
        files = write_rendered(good, Path(tmp))
        settings = replace(settings_for(options, config), audit_per_file=True)
        report = run_gates([files[k] for k in sorted(files)], settings)
        owners = {str(path): key for key, path in files.items()}
        owners.update({str(path.resolve()): key for key, path in files.items()})
        report = _attribute(report, owners, good, roots)
        report = _relocate(report, {p.name: good[k].name for k, p in files.items()})
    report = apply_policy(report, config)
    notes = canary_notes(good, roots)
    if not failed and not notes:
        return report
    return make_report(
        kubernetes_version=report.kubernetes_version,
        polaris_score=report.polaris_score,
        findings=report.findings,
        errors=[*failed, *report.errors],
        warnings=[*report.warnings, *notes],
        engines=report.engines,
    )


def canary_notes(
    rendered: Mapping[str, Rendered], roots: Mapping[str, RenderRoot]
) -> list[Problem]:
    """An informational note (it fails nothing) for each rendered Rollout whose canary pauses
    with `pause: {}` and has no analysis: the release waits for a human to promote it."""
    notes = []
    for key in sorted(rendered):
        result = rendered[key]
        for rollout in rollouts_in(result.text, source=result.name).values():
            if rollout.waits_for_a_human:
                where = roots[key].path if key in roots else None
                notes.append(Problem(human_wait_note(result.name, rollout), where))
    return notes


def _attribute(
    report: GateReport,
    owners: Mapping[str, str],
    rendered: Mapping[str, Rendered],
    roots: Mapping[str, RenderRoot],
) -> GateReport:
    """Point each finding at its source, and name the image in custom container checks.

    Only the roots that need it are parsed again: Helm roots (to read `# Source:`) and roots
    with a failing custom container check (to find the image).
    """
    sources: dict[str, dict[tuple[str, str, str, str], str]] = {}
    images: dict[str, ImageIndex] = {}
    findings = []
    for f in report.findings:
        key = owners.get(f.file or "")
        root = roots.get(key) if key else None
        if root is None or key is None:
            findings.append(f)
            continue
        where = _root_file(root)
        if root.kind == "helm" and root.chart is None:
            if key not in sources:
                sources[key] = _helm_sources(root, rendered[key].text or "")
            where = sources[key].get(f.resource.key(), where)
        message = f.message
        if f.gate == "polaris" and f.container and f.check not in BUILTIN_CHECKS:
            if key not in images:
                images[key] = container_images({key: rendered[key]})
            ref = f.resource
            image = images[key].get(
                (ref.api_version, ref.kind, ref.namespace, ref.name, f.container)
            )
            if image and image not in message:
                message = f"{message} (container {f.container}: {image})"
        findings.append(replace(f, file=where, line=None, message=message))
    return replace(report, findings=tuple(findings))


def _temporary_file() -> re.Pattern[str]:
    """A rendered root's file under one of our temporary directories (the gates' own, or the
    staged copies the real binaries read), wherever the temporary directory is right now."""
    temp = tempfile.gettempdir()
    places = "|".join(re.escape(p) for p in sorted({temp, str(Path(temp).resolve())}))
    return re.compile(rf"(?:{places})/gitops-release-[^\s:'\"]*?/([^/\s:'\"]+\.ya?ml)")


_Located = TypeVar("_Located", Finding, Problem)


def _relocate(report: GateReport, names: Mapping[str, str]) -> GateReport:
    """Every temporary path left in findings and problems replaced by its root's name."""
    temporary = _temporary_file()

    def fix(text: str | None) -> str | None:
        if not text or "gitops-release-" not in text:
            return text
        return temporary.sub(
            lambda m: f"{names.get(m.group(1), 'rendered output')} (rendered)", text
        )

    def fixed(items: Sequence[_Located]) -> tuple[_Located, ...]:
        return tuple(replace(i, message=fix(i.message) or "", file=fix(i.file)) for i in items)

    return replace(
        report,
        findings=fixed(report.findings),
        errors=fixed(report.errors),
        warnings=fixed(report.warnings),
    )


def _helm_sources(root: RenderRoot, text: str) -> dict[tuple[str, str, str, str], str]:
    found: dict[tuple[str, str, str, str], str] = {}
    template: str | None = None
    for chunk in re.split(r"(?m)^---\s*$", text):
        source = _SOURCE.search(chunk)
        if source:
            template = source.group(1)
        # helm-python-sdk writes one `# Source:` line per template file, however many documents
        # the file holds: the documents after the first belong to the same template.
        if template is not None:
            for ident in _identities(chunk):
                found.setdefault(ident, f"{root.path}/{template}")
    return found


def _root_file(root: RenderRoot) -> str:
    if root.chart is not None and root.app_file:
        return root.app_file  # a remote chart: the Application that names it
    if root.kind == "kustomize":
        return f"{root.path}/kustomization.yaml"
    if root.kind == "helm":
        return f"{root.path}/Chart.yaml"
    return root.path


def _objects(chunk: str) -> list[dict[str, Any]]:
    try:
        docs = yamlnodes.compose_all(chunk, source="rendered")
    except GitopsReleaseError:
        return []
    out: list[dict[str, Any]] = []
    for doc in docs:
        data = yamlnodes.to_python(doc)
        items = data.get("items") if isinstance(data, dict) else None
        out += [i for i in (items if isinstance(items, list) else [data]) if isinstance(i, dict)]
    return out


def _identity(obj: dict[str, Any]) -> tuple[str, str, str, str]:
    meta = obj.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    return (
        str(obj.get("apiVersion", "")),
        str(obj.get("kind", "")),
        str(meta.get("namespace") or ""),
        str(meta.get("name") or ""),
    )


def _identities(chunk: str) -> list[tuple[str, str, str, str]]:
    return [_identity(obj) for obj in _objects(chunk)]


ImageIndex = dict[tuple[str, str, str, str, str], str]


def container_images(rendered: Mapping[str, Rendered]) -> ImageIndex:
    """(apiVersion, kind, namespace, name, container) → image, over all rendered workloads."""
    images: ImageIndex = {}
    for _key, result in sorted(rendered.items()):
        for obj in _objects(result.text or ""):
            ident = _identity(obj)
            for container in _containers(obj):
                name, image = container.get("name"), container.get("image")
                if isinstance(name, str) and isinstance(image, str):
                    images.setdefault((*ident, name), image)
    return images


def _containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    spec = podspec.find_pod_spec(obj)
    return [] if spec is None else podspec.containers(spec)


def with_polaris_from_worktree(
    options: CheckOptions, config: Config | None, repo: Path
) -> CheckOptions:
    if options.polaris_config is not None or config is None or not config.gates.polaris_config:
        return options
    name = config.gates.polaris_config
    try:
        path = inside(repo, name)
    except ManifestError as exc:
        raise ConfigError(f"{config.source}: gates.polaris_config: {exc.message}") from None
    if not path.is_file():
        raise ConfigError(
            f"{config.source}: gates.polaris_config names {name}, which does not exist in {repo}",
            hint=f"create {name}, or fix gates.polaris_config",
        )
    return replace(options, polaris_config=path)


def with_polaris_from_git(
    options: CheckOptions, config: Config | None, git: Git, commit: str, scratch: Path
) -> CheckOptions:
    """Options whose Polaris config is the one `gates.polaris_config` names at `commit`.

    The renders come from git objects, not a working tree, so the file is read from git too.
    """
    if options.polaris_config is not None or config is None or not config.gates.polaris_config:
        return options
    name = config.gates.polaris_config
    text = git.show(commit, name)
    if text is None:
        raise ConfigError(
            f"{config.source}: gates.polaris_config names {name}, which does not exist at "
            f"{commit[:7]}",
            hint=f"commit {name}, or fix gates.polaris_config",
        )
    path = scratch / "polaris-config.yaml"
    path.write_text(text, encoding="utf-8")
    return replace(options, polaris_config=path)
