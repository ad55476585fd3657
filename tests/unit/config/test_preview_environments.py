"""`preview_environments:` — the contract shape, its defaults, and every mistake named by
file:line:key with the fix."""

from __future__ import annotations

import pytest

from gitops_release.config import PreviewSettings, load_config_text
from gitops_release.errors import ConfigError
from tests.unit.config.test_loader import CONTRACT

ISSUE_SHAPE = """\
preview_environments:
  branch: develop                          # where preview directories are committed
  path: previews/{app}/pr-{pr}             # one directory per (app, PR)
  template: apps/{app}/overlays/preview    # a kustomize root the preview builds on
  namespace: "{app}-pr-{pr}"
  host: "{app}-pr-{pr}.preview.example.com"  # set on every Ingress host of the preview
  ttl: 72h
  max: 10                                  # open previews per app
"""


def test_the_issue_shape_loads() -> None:
    settings = load_config_text(CONTRACT + ISSUE_SHAPE).preview_environments
    assert settings == PreviewSettings(
        template="apps/{app}/overlays/preview",
        branch="develop",
        path="previews/{app}/pr-{pr}",
        namespace="{app}-pr-{pr}",
        host="{app}-pr-{pr}.preview.example.com",
        ttl_seconds=72 * 3600,
        max=10,
    )


def test_defaults() -> None:
    settings = load_config_text(CONTRACT + "preview_environments:\n  template: t/{app}\n")
    assert settings.preview_environments == PreviewSettings(template="t/{app}")
    assert load_config_text(CONTRACT).preview_environments is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "  path: previews/{app}\n",
            ":22:9: preview_environments.path: 'previews/{app}' does not name {pr}",
        ),
        (
            "  path: /previews/{app}/{pr}\n",
            "preview_environments.path: '/previews/{app}/{pr}' is not valid: A path relative",
        ),
        ("  path: ../x/{app}/{pr}\n", "is not valid: A path relative to the repository root"),
        (
            "  path: .gitops-release/{app}/{pr}\n",
            "is not valid: A path relative to the repository root",
        ),
        (
            "  path: previews/{branch}/{pr}\n",
            "is not valid: A path relative to the repository root",
        ),
        (
            "  namespace: '{app}_pr_{pr}'\n",
            ":22:14: preview_environments.namespace: 'web_pr_123456'",
        ),
        (
            "  host: '{app}.Example.com'\n",
            "preview_environments.host: 'web.Example.com' is not a valid host",
        ),
        ("  ttl: soon\n", ":22:8: preview_environments.ttl: 'soon' is not valid"),
        ("  max: 0\n", "preview_environments.max: 0 is less than the minimum of 1"),
        ("  hosts: x\n", "unknown key 'hosts'"),
    ],
)
def test_mistakes_are_named(line: str, expected: str) -> None:
    text = CONTRACT + "preview_environments:\n  template: apps/{app}/preview\n" + line
    with pytest.raises(ConfigError) as caught:
        load_config_text(text)
    assert expected in str(caught.value)
