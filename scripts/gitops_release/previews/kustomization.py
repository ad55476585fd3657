"""The kustomization of one preview: the template (relative), the preview's namespace and
labels, the pull request's image, and a JSON patch per Ingress setting every host to the
preview's host. The tool owns this file: it is written whole, never edited."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gitops_release.image import ImageRef
from gitops_release.previews.layout import Place

KUSTOMIZATION = "kustomization.yaml"
LABEL_APP = "gitops-release.dev/preview-app"
LABEL_PR = "gitops-release.dev/preview-pr"


@dataclass(frozen=True)
class IngressHosts:
    """Where an Ingress of the template names hosts: how many rules, and hosts per TLS entry."""

    api_version: str
    name: str
    rules: int
    tls: tuple[int, ...]

    def operations(self, host: str) -> list[dict[str, Any]]:
        """JSON patch operations setting every host (a rule without one gets one)."""
        ops: list[dict[str, Any]] = [
            {"op": "add", "path": f"/spec/rules/{i}/host", "value": host} for i in range(self.rules)
        ]
        for i, count in enumerate(self.tls):
            ops += [
                {"op": "replace", "path": f"/spec/tls/{i}/hosts/{j}", "value": host}
                for j in range(count)
            ]
        return ops


def ingress_hosts(bodies: Iterable[Mapping[str, Any]]) -> tuple[IngressHosts, ...]:
    """The Ingresses among rendered resources (`kind: Ingress` of any group version)."""
    found = []
    for body in bodies:
        if body.get("kind") != "Ingress":
            continue
        spec = _mapping(body.get("spec"))
        tls = _list(spec.get("tls"))
        counts = tuple(len(_list(_mapping(entry).get("hosts"))) for entry in tls)
        name = str(_mapping(body.get("metadata")).get("name"))
        rules = len(_list(spec.get("rules")))
        found.append(IngressHosts(str(body.get("apiVersion")), name, rules, counts))
    return tuple(sorted(found, key=lambda i: (i.name, i.api_version)))


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def kustomization_text(
    place: Place,
    *,
    source: str,
    image: ImageRef,
    app_image: str,
    ingresses: Iterable[IngressHosts] = (),
) -> str:
    """The whole `kustomization.yaml` of a preview (JSON strings: valid YAML, any value)."""
    q = json.dumps
    lines = [
        f"# Preview of {source}#{place.pr} for app {place.app}, written by gitops-release",
        "# preview-env: pushing to the pull request updates it; closing the pull request or the",
        "# expiry removes this directory. Do not edit: the next update rewrites it.",
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        "resources:",
        f"  - {q(place.template_from_path)}",
        f"namespace: {q(place.namespace)}",
        "labels:",
        "  - pairs:",
        f"      {q(LABEL_APP)}: {q(place.app)}",
        f"      {q(LABEL_PR)}: {q(str(place.pr))}",
        "images:",
        f"  - name: {q(app_image)}",
    ]
    if image.tag:
        lines.append(f"    newTag: {q(image.tag)}")
    if image.digest:
        lines.append(f"    digest: {q(image.digest)}")
    patches = [i for i in ingresses if i.operations(place.host or "")] if place.host else []
    if patches:
        lines.append("patches:")
    for ingress in patches:
        group, _, version = ingress.api_version.rpartition("/")
        target = {"group": group, "version": version, "kind": "Ingress", "name": ingress.name}
        lines += [
            f"  - target: {json.dumps(target)}",
            "    patch: |-",
            *(f"      - {json.dumps(op)}" for op in ingress.operations(place.host or "")),
        ]
    return "\n".join(lines) + "\n"
