"""The kustomization a preview gets, and the host patches from the template's Ingresses."""

from __future__ import annotations

import yaml

from gitops_release.config import PreviewSettings
from gitops_release.image import parse
from gitops_release.previews.kustomization import IngressHosts, ingress_hosts, kustomization_text
from gitops_release.previews.layout import place_of

PLACE = place_of(
    PreviewSettings(template="apps/{app}/overlays/preview", host="{app}-pr-{pr}.example.com"),
    "web",
    7,
)


def test_ingress_hosts_counts_rules_and_tls_hosts() -> None:
    bodies = [
        {"kind": "Service", "metadata": {"name": "web"}},
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {"name": "web"},
            "spec": {"rules": [{"host": "a"}, {"http": {}}], "tls": [{"hosts": ["a", "b"]}, {}]},
        },
        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "admin"}},
    ]
    assert ingress_hosts(bodies) == (
        IngressHosts("networking.k8s.io/v1", "admin", 0, ()),
        IngressHosts("networking.k8s.io/v1", "web", 2, (2, 0)),
    )


def test_the_kustomization_names_template_namespace_labels_image_and_hosts() -> None:
    text = kustomization_text(
        PLACE,
        source="acme/web",
        image=parse("ghcr.io/acme/web:pr-7@sha256:" + "b" * 64),
        app_image="ghcr.io/acme/web",
        ingresses=[IngressHosts("networking.k8s.io/v1", "web", 2, (1,))],
    )
    assert text.startswith("# Preview of acme/web#7 for app web")
    data = yaml.safe_load(text)
    assert data["resources"] == ["../../../apps/web/overlays/preview"]
    assert data["namespace"] == "web-pr-7"
    assert data["labels"] == [
        {"pairs": {"gitops-release.dev/preview-app": "web", "gitops-release.dev/preview-pr": "7"}}
    ]
    assert data["images"] == [
        {"name": "ghcr.io/acme/web", "newTag": "pr-7", "digest": "sha256:" + "b" * 64}
    ]
    [patch] = data["patches"]
    assert patch["target"] == {
        "group": "networking.k8s.io",
        "version": "v1",
        "kind": "Ingress",
        "name": "web",
    }
    assert yaml.safe_load(patch["patch"]) == [
        {"op": "add", "path": "/spec/rules/0/host", "value": "web-pr-7.example.com"},
        {"op": "add", "path": "/spec/rules/1/host", "value": "web-pr-7.example.com"},
        {"op": "replace", "path": "/spec/tls/0/hosts/0", "value": "web-pr-7.example.com"},
    ]


def test_no_host_no_patches_and_values_are_quoted() -> None:
    place = place_of(PreviewSettings(template="t"), "web", 1)
    text = kustomization_text(
        place,
        source="acme/web",
        image=parse("ghcr.io/acme/web:1e3"),
        app_image="ghcr.io/acme/web",
        ingresses=[IngressHosts("networking.k8s.io/v1", "web", 1, ())],
    )
    data = yaml.safe_load(text)
    assert "patches" not in data
    assert data["images"][0]["newTag"] == "1e3"  # a string, not the number 1000
