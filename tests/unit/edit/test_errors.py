"""Bad input: a clear message naming file:line and the fix; nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_release.errors import ManifestError
from tests.conftest import RunCli, snapshot
from tests.unit.edit.helpers import edit

WEB = "ghcr.io/acme/web"


def _set(run_cli: RunCli, repo: Path, *args: str) -> tuple[int, str]:
    before = snapshot(repo)
    result = run_cli("set-image", "--repo", repo, *args)
    if result.exit_code != 0:
        assert snapshot(repo) == before, "a failed set-image must not change any file"
        assert "Traceback" not in result.output
    return result.exit_code, result.stderr


def test_malformed_yaml_in_target_names_file_line(run_cli: RunCli, example_repo: Path) -> None:
    target = example_repo / "apps/web/overlays/staging/kustomization.yaml"
    target.write_text("images:\n  - name: ghcr.io/acme/web\n    newTag: [1.4.1\n", "utf-8")
    code, err = _set(run_cli, example_repo, "--env", "staging", "--image", f"{WEB}:1.4.2")
    assert code == 1
    assert "apps/web/overlays/staging/kustomization.yaml:4:" in err
    assert "not valid YAML" in err
    assert "hint:" in err


def test_alias_on_the_value_is_refused(run_cli: RunCli, example_repo: Path) -> None:
    values = example_repo / "charts/api/values.yaml"
    values.write_text('version: &v "2.0.0"\nimage:\n  tag: *v\n', "utf-8")
    code, err = _set(run_cli, example_repo, "--env", "staging", "--image", "ghcr.io/acme/api:2.1.0")
    assert code == 1
    assert "charts/api/values.yaml:1" in err
    assert "anchor/alias" in err


def test_anchor_on_the_value_is_refused() -> None:
    with pytest.raises(ManifestError, match=r"values.yaml:2: .*anchor/alias"):
        edit("helm", "image:\n  tag: &t 1.0\nother: *t\n", f"{WEB}:1.1")


def test_no_matching_image_in_manifest_target(run_cli: RunCli, example_repo: Path) -> None:
    (example_repo / "clusters/green/api.yaml").write_text(
        "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
        "      - name: api\n        image: ghcr.io/other/api:1\n",
        "utf-8",
    )
    code, err = _set(run_cli, example_repo, "--env", "staging", "--image", "ghcr.io/acme/api:2.1.0")
    assert code == 1
    assert "no container image ghcr.io/acme/api in container 'api'" in err
    assert "clusters/green/api.yaml: api=ghcr.io/other/api:1" in err


def test_ambiguous_kustomize_entries(run_cli: RunCli, example_repo: Path) -> None:
    target = example_repo / "apps/web/overlays/staging/kustomization.yaml"
    target.write_text(
        "images:\n  - name: ghcr.io/acme/web\n    newTag: a\n  - name: web\n"
        "    newName: ghcr.io/acme/web\n    newTag: b\n",
        "utf-8",
    )
    code, err = _set(run_cli, example_repo, "--env", "staging", "--image", f"{WEB}:1.4.2")
    assert code == 1
    assert "2 images: entries match ghcr.io/acme/web (lines 2, 4)" in err
    assert "set `name:` on the target" in err


@pytest.mark.parametrize(
    ("ref", "fragment"),
    [
        ("ghcr.io/acme/Web:1", "lowercase"),
        ("ghcr.io/acme/web:", "tag after ':' is empty"),
        ("ghcr.io/acme/web@sha256:abc", "64 lowercase hex"),
        ("ghcr.io/acme/web", "has no tag or digest"),
        ("not an image", "invalid image reference"),
    ],
)
def test_invalid_reference(run_cli: RunCli, example_repo: Path, ref: str, fragment: str) -> None:
    code, err = _set(run_cli, example_repo, "--env", "staging", "--image", ref)
    assert code == 1
    assert fragment in err


def test_unknown_app_and_env(run_cli: RunCli, example_repo: Path) -> None:
    code, err = _set(
        run_cli, example_repo, "--env", "staging", "--image", f"{WEB}:1", "--app", "nope"
    )
    assert code == 1
    assert "unknown app 'nope'" in err
    assert "web, api" in err
    code, err = _set(run_cli, example_repo, "--env", "prod", "--image", f"{WEB}:1")
    assert code == 1
    assert "unknown environment 'prod'" in err
    assert "staging, production" in err


def test_image_of_no_app(run_cli: RunCli, example_repo: Path) -> None:
    code, err = _set(run_cli, example_repo, "--env", "staging", "--image", "ghcr.io/x/y:1")
    assert code == 1
    assert "no app in .gitops-release.yaml has image ghcr.io/x/y" in err


def test_image_not_of_named_app(run_cli: RunCli, example_repo: Path) -> None:
    code, err = _set(
        run_cli, example_repo, "--env", "staging", "--image", "ghcr.io/x/y:1", "--app", "web"
    )
    assert code == 1
    assert "does not belong to app 'web'" in err


def test_missing_target_path(run_cli: RunCli, example_repo: Path) -> None:
    (example_repo / "clusters/green/api.yaml").unlink()
    code, err = _set(run_cli, example_repo, "--env", "staging", "--image", "ghcr.io/acme/api:2.1.0")
    assert code == 1
    assert "target manifest:clusters/green/api.yaml (.gitops-release.yaml line 20)" in err
    assert "does not exist" in err


def test_failure_in_one_target_writes_no_other(run_cli: RunCli, example_repo: Path) -> None:
    # The helm target is fine; the last manifest target is broken: the helm file must not change.
    (example_repo / "clusters/green/api.yaml").write_text("kind: [\n", "utf-8")
    code, err = _set(run_cli, example_repo, "--env", "staging", "--image", "ghcr.io/acme/api:2.1.0")
    assert code == 1
    assert "clusters/green/api.yaml:2:" in err


def test_downgrade_refused_unless_allowed(run_cli: RunCli, example_repo: Path) -> None:
    code, err = _set(run_cli, example_repo, "--env", "staging", "--image", f"{WEB}:1.3.9")
    assert code == 1
    assert "refusing to downgrade 1.4.1 → 1.3.9" in err
    assert "--allow-downgrade" in err
    ok = run_cli(
        "set-image",
        "--repo",
        example_repo,
        "--env",
        "staging",
        "--image",
        f"{WEB}:1.3.9",
        "--allow-downgrade",
    )
    assert ok.exit_code == 0


def test_config_error_names_key_and_line(run_cli: RunCli, example_repo: Path) -> None:
    config = example_repo / ".gitops-release.yaml"
    config.write_text(
        config.read_text("utf-8").replace("key: image.tag", "kee: image.tag"), "utf-8"
    )
    code, err = _set(run_cli, example_repo, "--env", "staging", "--image", f"{WEB}:1.4.2")
    assert code == 1
    assert ".gitops-release.yaml:17:9: apps.api.targets[0]: unknown key 'kee'" in err
    assert "did you mean 'key'?" in err


def test_missing_config(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("set-image", "--repo", tmp_path, "--env", "s", "--image", f"{WEB}:1")
    assert result.exit_code == 1
    assert "no .gitops-release.yaml in" in result.stderr


def test_usage_error_exit_code(run_cli: RunCli, example_repo: Path) -> None:
    result = run_cli("set-image", "--repo", example_repo, "--env", "staging")
    assert result.exit_code == 2
    assert "--image" in result.stderr


@pytest.mark.parametrize(
    ("text", "image", "fragment"),
    [
        ("image:\n  tag: 1.19\n", f"{WEB}:1.20", "unquoted and YAML reads it as a float"),
        ("image:\n  tag: 42\n", f"{WEB}:v43", "unquoted and YAML reads it as an int"),
        ("image:\n  tag: |\n    1.0\n", f"{WEB}:1.1", "block scalar"),
        ("image: [a]\n", f"{WEB}:1.1", "cannot add tag under image: it is not a mapping"),
        ("image:\n  tag: {a: 1}\n", f"{WEB}:1.1", "image.tag is a mapping"),
        ("a: 1\n---\nb: 2\n", f"{WEB}:1.1", "one YAML document, found 2"),
    ],
)
def test_helm_values_refusals(text: str, image: str, fragment: str) -> None:
    with pytest.raises(ManifestError, match=fragment.replace(".", r"\.")):
        edit("helm", text, image)


def test_same_type_number_is_allowed() -> None:
    assert edit("helm", "image:\n  tag: 42\n", f"{WEB}:43") == "image:\n  tag: 43\n"
