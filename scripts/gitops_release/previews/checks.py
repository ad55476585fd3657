"""What a preview must be before it is committed: a template every preview can share, a
rendered preview that runs the pull request's image, gates that pass, and a place on the branch
where a directory can go. Pure: rendered resources and tree listings in, reasons out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gitops_release.config import App
from gitops_release.diff.resources import CLUSTER_SCOPED, Resource
from gitops_release.errors import ImageRefError, ManifestError
from gitops_release.gates import GateReport
from gitops_release.image import ImageRef, normalize_repository, parse
from gitops_release.previews.layout import Place
from gitops_release.yamlio import podspec

_LISTED = 5


def template_problem(resources: Iterable[Resource], place: Place) -> str | None:
    """Why previews cannot be made of this template: every preview would own the same
    cluster-scoped object."""
    shared = [
        r.key.label
        for r in resources
        if not r.key.namespace
        and (r.key.group, r.key.kind) != ("", "Namespace")
        and ((r.key.group, r.key.kind) in CLUSTER_SCOPED or r.key.kind.startswith("Cluster"))
    ]
    if not shared:
        return None
    return (
        f"the template {place.template} renders cluster-scoped resources "
        f"({', '.join(shared[:_LISTED])}): every preview would own the same object; keep them "
        "out of the preview template"
    )


def preview_problem(
    resources: Iterable[Resource], place: Place, image: ImageRef, app: App
) -> str | None:
    """Why the rendered preview is not the pull request's: no container runs its image."""
    wanted = normalize_repository(image.repository)
    used = {str(c.get("image")) for r in resources for c in _containers(r.body)}
    if any(_same_image(u, wanted, image) for u in used):
        return None
    return (
        f"the template {place.template} does not run {app.image} (kustomize images: found no "
        "container to set); point preview_environments.template at a root whose workloads use "
        f"{app.image}"
    )


def gate_refusal(report: GateReport) -> str:
    """The reason of a preview the gates failed: the first errors and failures."""
    failures = [
        f"{f.check} on {f.resource.kind}/{f.resource.name}: {f.message}" for f in report.failures
    ]
    problems = [*(e.message for e in report.errors), *failures]
    more = len(problems) - _LISTED
    listed = "; ".join(problems[:_LISTED]) + (f" (and {more} more)" if more > 0 else "")
    return f"the gates failed on the preview: {listed}"


def refuse_non_directories(entries: Mapping[str, str], path: str) -> None:
    """A preview directory goes only where the branch has directories or nothing (`entries`:
    every file of the branch and its git mode): a committed link or file on the way is refused,
    never replaced or followed."""
    parts = path.split("/")
    for depth in range(1, len(parts) + 1):
        prefix = "/".join(parts[:depth])
        mode = entries.get(prefix)
        if mode is None:
            continue
        what = "a symbolic link" if mode == "120000" else "a file"
        raise ManifestError(
            f"{prefix} is {what} on the previews' branch, where the preview directory {path} "
            "goes; nothing was changed",
            hint=f"remove {prefix} from the branch, or point preview_environments.path elsewhere",
        )


def _same_image(text: str, repository: str, image: ImageRef) -> bool:
    try:
        ref = parse(text)
    except ImageRefError:
        return False
    return normalize_repository(ref.repository) == repository and ref.suffix == image.suffix


def _containers(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    spec = podspec.find_pod_spec(dict(body))
    return podspec.containers(spec) if spec is not None else []
