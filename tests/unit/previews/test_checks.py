"""What a preview must be before it is committed, as reasons a person can act on."""

from __future__ import annotations

import pytest

from gitops_release.config import App, PreviewSettings
from gitops_release.diff.resources import parse_manifests
from gitops_release.errors import ManifestError
from gitops_release.gates import Finding, ResourceRef
from gitops_release.gates.model import make_report
from gitops_release.image import parse
from gitops_release.previews.checks import (
    gate_refusal,
    preview_problem,
    refuse_non_directories,
    template_problem,
)
from gitops_release.previews.layout import place_of

PLACE = place_of(PreviewSettings(template="apps/{app}/preview"), "web", 7)
APP = App("web", "ghcr.io/acme/web", ())
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: web-pr-7}
spec:
  template:
    spec:
      initContainers: [{name: init, image: busybox:1.36}]
      containers: [{name: web, image: "ghcr.io/acme/web:pr-7"}]
"""


def resources(text: str):  # type: ignore[no-untyped-def]
    return parse_manifests(text, source="t")


def test_cluster_scoped_resources_in_the_template_are_named() -> None:
    text = DEPLOYMENT + (
        "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n"
        "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: web-pr-7}\n"
        "---\napiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata: {name: le}\n"
    )
    reason = template_problem(resources(text), PLACE)
    assert reason is not None
    assert "(ClusterRole r, ClusterIssuer le)" in reason
    assert template_problem(resources(DEPLOYMENT), PLACE) is None


def test_the_preview_must_run_the_prs_image() -> None:
    assert (
        preview_problem(resources(DEPLOYMENT), PLACE, parse("ghcr.io/acme/web:pr-7"), APP) is None
    )
    reason = preview_problem(resources(DEPLOYMENT), PLACE, parse("ghcr.io/acme/web:pr-8"), APP)
    assert reason is not None
    assert "does not run ghcr.io/acme/web" in reason


def test_gate_refusal_lists_the_first_problems() -> None:
    findings = [
        Finding(
            "polaris",
            f"check{i}",
            "failure",
            ResourceRef("apps/v1", "Deployment", "ns", "web"),
            "bad",
        )
        for i in range(7)
    ]
    report = make_report(kubernetes_version="v1.30.0", polaris_score=0, findings=findings)
    reason = gate_refusal(report)
    assert reason.startswith("the gates failed on the preview: check0 on Deployment/web: bad")
    assert reason.endswith("(and 2 more)")


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"previews": "120000"}, "previews is a symbolic link"),
        ({"previews/web": "100644"}, "previews/web is a file"),
        ({"previews/web/pr-7": "120000"}, "previews/web/pr-7 is a symbolic link"),
    ],
)
def test_links_and_files_where_the_directory_goes_are_refused(
    entries: dict[str, str], message: str
) -> None:
    with pytest.raises(ManifestError, match=message):
        refuse_non_directories(entries, "previews/web/pr-7")
    refuse_non_directories({"previews/web/pr-7/kustomization.yaml": "100644"}, "previews/web/pr-7")
