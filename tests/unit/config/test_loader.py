"""`.gitops-release.yaml`: the contract shape loads; every mistake is named by file:line:key."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from gitops_release.config import load_config, load_config_text, schema
from gitops_release.errors import ConfigError
from tests.conftest import EXAMPLE_REPO

CONTRACT = """\
environments:                 # mapping; order = promotion order
  staging:    {branch: develop}
  production: {branch: master, promote_from: staging}
apps:
  web:
    image: ghcr.io/acme/web   # image repository, no tag
    targets:
      - kustomize: apps/web/overlays/staging
        environments: [staging]
      - kustomize: apps/web/overlays/production
        environments: [production]
  api:
    image: ghcr.io/acme/api
    targets:
      - helm: charts/api/values.yaml
        key: image.tag
      - manifest: clusters/blue/api.yaml
      - manifest: clusters/green/api.yaml
        container: api
"""


def test_contract_shape_loads() -> None:
    config = load_config_text(CONTRACT)
    assert [e.name for e in config.environments] == ["staging", "production"]
    assert config.promotion_target("staging").name == "production"
    web = config.app("web")
    assert [t.path for t in web.targets_for("staging")] == ["apps/web/overlays/staging"]
    api = config.app("api")
    assert [t.kind for t in api.targets_for("production")] == ["helm", "manifest", "manifest"]
    assert api.targets[0].key == "image.tag"
    assert api.targets[2].container == "api"
    assert api.targets[2].line == 18


def test_example_repo_config_is_valid() -> None:
    assert load_config(EXAMPLE_REPO).app("web").image == "ghcr.io/acme/web"


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert json.dumps(schema())


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("key: image.tag", "kee: image.tag"),
            (
                ".gitops-release.yaml:15:9: apps.api.targets[0]: unknown key 'kee' (allowed here: "
                "digest_key, environments, helm, key, strategy_key); did you mean 'key'?"
            ),
        ),
        (
            ("environments: [production]", "environments: [prod]"),
            (
                ".gitops-release.yaml:11:24: apps.web.targets[1].environments[0]: unknown environment "
                "'prod' (defined: staging, production)"
            ),
        ),
        (
            (
                "- manifest: clusters/blue/api.yaml",
                "- manifest: clusters/blue/api.yaml\n        helm: x",
            ),
            ".gitops-release.yaml:17:9: apps.api.targets[1]: has both 'helm' and 'manifest'",
        ),
        (
            ("{branch: develop}", "{brnch: develop}"),
            ".gitops-release.yaml:2:16: environments.staging.brnch: unknown key 'brnch'",
        ),
        (
            ("{branch: develop}", "{}"),
            "environments.staging: needs 'branch' (branch-per-environment) or 'path'",
        ),
        (
            ("image: ghcr.io/acme/web", "image: [a]"),
            ".gitops-release.yaml:6:12: apps.web.image: must be a string, got a list",
        ),
        (
            ("image: ghcr.io/acme/web", "image: ghcr.io/acme/web:1.0"),
            (
                ".gitops-release.yaml:6:12: apps.web.image 'ghcr.io/acme/web:1.0' must be a repository "
                "without tag or digest (write just 'ghcr.io/acme/web')"
            ),
        ),
        (
            ("apps:", "aps:"),
            (
                "unknown key 'aps' (allowed here: apps, branch_deploy, environments, gates, "
                "preview_environments, promote, render, rollback); did you mean 'apps'?"
            ),
        ),
        (
            ("promote_from: staging", "promote_from: qa"),
            "environments.production.promote_from: unknown environment 'qa'",
        ),
        (
            ("  web:\n", "  Web!:\n"),
            ".gitops-release.yaml:5:3: apps: 'Web!' is not valid: Lowercase",
        ),
    ],
)
def test_errors_name_line_and_key(change: tuple[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config_text(CONTRACT.replace(*change))
    assert expected in str(info.value)


def test_gates_enum_error() -> None:
    with pytest.raises(ConfigError, match="gates.engine: 'fast' is not allowed; use one of: auto"):
        load_config_text(CONTRACT + "gates:\n  engine: fast\n")


def test_yaml_syntax_error() -> None:
    with pytest.raises(
        ConfigError,
        match=r"\.gitops-release\.yaml:3:5: not valid YAML: did not find expected ',' or ']'",
    ):
        load_config_text("environments:\n  a: [b\napps: {}\n")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no .gitops-release.yaml in"):
        load_config(tmp_path)


BRANCH_DEPLOY_BASE = """environments:
  staging: {branch: develop}
  production: {branch: master, promote_from: staging}
apps:
  web:
    image: ghcr.io/acme/web
    targets: [{kustomize: apps/web/overlays/staging}]
"""


def test_branch_deploy_defaults_and_values() -> None:
    assert load_config_text(BRANCH_DEPLOY_BASE).branch_deploy is None
    settings = load_config_text(BRANCH_DEPLOY_BASE + "branch_deploy: {}\n").branch_deploy
    assert settings is not None
    assert (settings.environments, settings.method, settings.ttl_seconds) == (
        ("staging",),
        "direct",
        8 * 3600,
    )
    assert settings.min_permission == "write"
    text = "branch_deploy: {environments: [staging], ttl: 1d2h30m, method: pull-request}\n"
    settings = load_config_text(BRANCH_DEPLOY_BASE + text).branch_deploy
    assert settings is not None
    assert (settings.ttl_seconds, settings.method) == (86400 + 2 * 3600 + 30 * 60, "pull-request")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "branch_deploy: {environments: [qa]}\n",
            "branch_deploy.environments[0]: unknown environment 'qa'",
        ),
        ("branch_deploy: {ttl: 8x}\n", "branch_deploy.ttl: '8x' is not valid"),
        ("branch_deploy: {ttl: 0h}\n", "invalid duration '0h'"),
        (
            "branch_deploy: {min_permission: owner}\n",
            "branch_deploy.min_permission: 'owner' is not allowed",
        ),
        ("branch_deploy: {methd: direct}\n", "unknown key 'methd'"),
    ],
)
def test_branch_deploy_errors_name_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config_text(BRANCH_DEPLOY_BASE + text)
    assert message in str(caught.value)
