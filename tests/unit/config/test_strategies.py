"""`apps.<app>.strategies` and the helm target's `strategy_key`: presets load frozen; a default
or a requested name that is not a preset is a config error listing the known ones."""

from __future__ import annotations

import pytest

from gitops_release.config import load_config_text
from gitops_release.errors import ConfigError

CONFIG = """\
environments:
  staging:    {branch: develop}
  production: {branch: master, promote_from: staging}
apps:
  web:
    image: ghcr.io/acme/web
    targets:
      - kustomize: apps/web/overlays/staging
      - helm: charts/web/values.yaml
        strategy_key: rollout.canary.steps
    strategies:
      default: rolling            # what a release gets unless it asks
      rolling: {steps: []}        # no steps: Argo Rollouts does a rolling update
      canary:
        steps:
          - setWeight: 25
          - pause: {}
          - setWeight: 75
          - pause: {duration: 30s}
        analysis:
          templates: [{templateName: error-rate}]
  api:
    image: ghcr.io/acme/api
    targets:
      - manifest: api.yaml
"""


def test_the_issue_shape_loads() -> None:
    web = load_config_text(CONFIG).app("web")
    assert web.strategies is not None
    assert web.strategies.default == "rolling"
    assert web.strategies.names == ("rolling", "canary")
    canary = web.strategy("canary")
    assert canary is not None
    assert canary.steps == (
        {"setWeight": 25},
        {"pause": {}},
        {"setWeight": 75},
        {"pause": {"duration": "30s"}},
    )
    assert canary.analysis == {"templates": [{"templateName": "error-rate"}]}
    default = web.strategy(None)
    assert default is not None
    assert default.name == "rolling"
    assert default.rolling
    assert web.targets[1].strategy_key == "rollout.canary.steps"
    assert web.targets[0].strategy_key is None


def test_unknown_requested_strategy_lists_the_known_ones() -> None:
    web = load_config_text(CONFIG).app("web")
    with pytest.raises(ConfigError) as caught:
        web.strategy("blue")
    assert "unknown strategy 'blue'" in caught.value.message
    assert "rolling, canary" in caught.value.message


def test_strategy_for_an_app_without_strategies() -> None:
    api = load_config_text(CONFIG).app("api")
    assert api.strategy(None) is None
    with pytest.raises(ConfigError) as caught:
        api.strategy("canary")
    assert "has no strategies" in caught.value.message


def test_unknown_default_is_a_config_error_naming_line_and_known() -> None:
    text = CONFIG.replace("default: rolling ", "default: rolin   ")
    with pytest.raises(ConfigError) as caught:
        load_config_text(text)
    message = caught.value.message
    assert ".gitops-release.yaml:12:16:" in message
    assert "apps.web.strategies.default: unknown strategy 'rolin' (known: rolling, canary)" in (
        message
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("rolling: {steps: []}", "rolling: {stepz: []}", "unknown key 'stepz'"),
        ("rolling: {steps: []}", "rolling: {steps: 3}", "must be a list"),
        ("default: rolling ", "defalt: rolling  ", "missing required key 'default'"),
        ("strategy_key: rollout.canary.steps", "strategy_key: a..b", "is not valid"),
    ],
)
def test_malformed_strategies_are_named(old: str, new: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(CONFIG.replace(old, new))
    assert expected in caught.value.message
