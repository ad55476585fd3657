"""docs/preview-environments.md shows what the tool writes: its kustomization example is the
tool's own output, its config block loads, its YAML parses."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from gitops_release.config import load_config_text
from gitops_release.image import parse
from gitops_release.previews.kustomization import IngressHosts, kustomization_text
from gitops_release.previews.layout import place_of
from tests.unit.config.test_loader import CONTRACT

DOC = Path(__file__).parents[3] / "docs" / "preview-environments.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def block(first_line: str) -> str:
    return next(b for b in BLOCKS if b.startswith(first_line))


def test_the_kustomization_shown_is_what_up_writes() -> None:
    config = load_config_text(CONTRACT + block("# .gitops-release.yaml"))
    assert config.preview_environments is not None
    text = kustomization_text(
        place_of(config.preview_environments, "web", 7),
        source="acme/web",
        image=parse("ghcr.io/acme/web:pr-7-abc1234"),
        app_image="ghcr.io/acme/web",
        ingresses=[IngressHosts("networking.k8s.io/v1", "web", 1, (1,))],
    )
    assert block("# previews/web/pr-7/kustomization.yaml") == (
        "# previews/web/pr-7/kustomization.yaml\n" + text
    )


def test_every_yaml_block_parses() -> None:
    for text in BLOCKS:
        assert list(yaml.safe_load_all(text))
    appset = yaml.safe_load(block("apiVersion: argoproj.io/v1alpha1"))
    assert appset["kind"] == "ApplicationSet"
    [generator] = appset["spec"]["generators"]
    assert generator["git"]["directories"] == [{"path": "previews/*/*"}]
