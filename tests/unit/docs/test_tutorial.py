"""docs/tutorial.md says what the tool does: its config files load, its commands install."""

from __future__ import annotations

import re
import tomllib

from gitops_release.config import load_config_text
from gitops_release.gates.polaris.builtin_checks import BUILTIN_CHECKS
from gitops_release.gates.polaris.config import build_config, parse_config_text
from tests.conftest import REPO_ROOT

TUTORIAL = (REPO_ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")


def block_after(marker: str, language: str = "yaml") -> str:
    """The first fenced block of `language` after `marker`."""
    found = re.search(re.escape(marker) + rf".*?```{language}\n(.*?)```", TUTORIAL, re.S)
    assert found, f"no {language} block after {marker!r}"
    return found.group(1)


def test_the_config_is_valid() -> None:
    config = load_config_text(block_after("## 1. Describe the manifest repo"))
    assert config.gates.polaris_config == "policy/polaris.yaml"


def test_the_polaris_config_keeps_every_default_check() -> None:
    # A config file replaces the built-in one, so the tutorial's must list the defaults itself.
    text = block_after("`policy/polaris.yaml`")
    config = build_config(parse_config_text(text, where="tutorial"), where="tutorial")
    assert not config.warnings
    for check_id, spec in BUILTIN_CHECKS.items():
        assert config.checks.get(check_id) == spec.default_severity, check_id
    assert set(config.checks) == {*BUILTIN_CHECKS, "imageRegistryAllowlist"}
    assert config.severity("imageRegistryAllowlist") == "danger"
    assert "imageRegistryAllowlist" in config.custom_checks


def test_the_install_line_names_this_project_and_the_workflows_repository() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    uses = re.search(
        r"uses: ([\w.-]+/[\w.-]+)/\.github/workflows/app-release\.yml@(\w+)",
        (REPO_ROOT / "workflows" / "app-release.yml").read_text(encoding="utf-8"),
    )
    assert uses
    repository, ref = uses.groups()
    install = re.search(r"pip install '([^']+)'", TUTORIAL)
    assert install
    assert install.group(1) == (
        f"{project['name']}[render] @ git+https://github.com/{repository}@{ref}"
    )
    assert "render" in project["optional-dependencies"]
    assert not re.search(r"pip install gitops-release\b", TUTORIAL)  # not on PyPI


def test_the_comment_title_shows_full_commit_ids() -> None:
    title = re.search(r"^### Rendered manifests: (.*)$", TUTORIAL, re.M)
    assert title
    commits = re.fullmatch(
        r"`([0-9a-f]{40})` \(([0-9a-f]{7})\) → `([0-9a-f]{40})` \(([0-9a-f]{7})\)", title.group(1)
    )
    assert commits, title.group(1)
    base, base_short, head, head_short = commits.groups()
    assert base.startswith(base_short)
    assert head.startswith(head_short)
