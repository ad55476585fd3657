"""What a whole `gitops-release` process loads: heavy modules only where the command needs them.

Each case runs the real console entry point in a fresh interpreter and lists the modules loaded
when it exits (what `benchmarks/startup_bench.py` times)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from gitops_release.cli import cli
from tests.integration.diff.repos import apps_repo, commit

ENTRY = (
    "import atexit, json, os, sys\n"
    "atexit.register(lambda: open(os.environ['MODULES_OUT'], 'w').write(json.dumps(sorted(sys.modules))))\n"
    "from gitops_release.entry import main\n"
    "main()\n"
)


def loaded(tmp_path: Path, *args: str | Path) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", ENTRY, *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "MODULES_OUT": str(out)},
        timeout=120,
        check=False,
    )
    return set(json.loads(out.read_text())), done


def test_version_loads_no_command_and_no_subprocess(tmp_path: Path) -> None:
    modules, done = loaded(tmp_path, "--version")
    assert done.returncode == 0, done.stderr
    assert "gitops-release, version" in done.stdout
    assert not {m for m in modules if m.startswith("gitops_release.commands.")}
    for heavy in ("subprocess", "ruamel.yaml", "jsonschema", "github", "requests", "logging"):
        assert heavy not in modules
    assert "click" not in modules  # the console script answers --version itself


def test_version_says_what_the_command_line_says(tmp_path: Path) -> None:
    _, done = loaded(tmp_path, "--version")
    assert done.stdout == CliRunner().invoke(cli, ["--version"]).output


def test_diff_without_config_loads_neither_config_nor_other_reports(tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    commit(repo, {"apps/web/base/kustomization.yaml": "resources: [deployment.yaml]\n# x\n"})
    modules, done = loaded(tmp_path, "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD")
    assert done.returncode == 0, done.stderr
    assert "base HEAD~1" in done.stdout
    for heavy in (
        "gitops_release.config.loader",
        "gitops_release.config.model",
        "jsonschema",
        "concurrent.futures",
        "logging",
        "gitops_release.reporting.diff.markdown",
        "github",
    ):
        assert heavy not in modules


def test_diff_with_a_config_still_validates_it(tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    commit(
        repo,
        {
            ".gitops-release.yaml": (
                "environments:\n  production: {branch: master}\n"
                "apps:\n  web:\n    image: ghcr.io/acme/web\n"
                "    targets: [{kustomize: apps/web/overlays/production}]\n"
            )
        },
    )
    commit(repo, {"apps/web/base/kustomization.yaml": "resources: [deployment.yaml]\n# x\n"})
    modules, done = loaded(tmp_path, "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD")
    assert done.returncode == 0, done.stderr
    assert {"gitops_release.config.loader", "jsonschema"} <= modules

    # An invalid config is refused as before, naming the file and the key.
    commit(
        repo, {".gitops-release.yaml": "environments: {production: {branch: master}}\napps: 3\n"}
    )
    _, done = loaded(tmp_path, "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD")
    assert done.returncode == 1
    assert ".gitops-release.yaml" in done.stderr
    assert "apps" in done.stderr
