"""The root action (= setup) and actions/setup under act: an isolated install with pip, the CLI on
PATH for later steps, nothing imported from the checkout, and inputs rejected with messages that
name them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.harness import Act, git

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WORKFLOW = """\
name: tools
on: push
permissions: {}
jobs:
  use:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
        with:
          persist-credentials: false
      - id: setup
        uses: gitops-release/gitops-release@v1
        env:
          PYTHONPATH: . # the checkout, for any Python that does not run isolated
        with:
          installer: pip
          extras: none
      - id: cli
        shell: bash
        env:
          VENV: ${{ steps.setup.outputs.venv }}
        run: |
          set -euo pipefail
          command -v gitops-release
          test "$(readlink -f "$(command -v gitops-release)")" = "$(readlink -f "$VENV/bin/gitops-release")"
          echo "version=$(gitops-release --version)" >> "$GITHUB_OUTPUT"
          # the caller's python3 is untouched
          echo "python=$(command -v python3)" >> "$GITHUB_OUTPUT"
"""

BAD_INPUTS = """\
name: bad
on: push
permissions: {{}}
jobs:
  {job}:
    runs-on: ubuntu-latest
    steps:
      - uses: gitops-release/gitops-release/actions/setup@v1
        with:
{inputs}
"""


# Modules the install step (install.py, `python -m venv`, `python -m pip`) would import from the
# checkout if any Python it starts were not isolated; each leaves a marker when imported.
HOSTILE_MODULES = ("sitecustomize", "usercustomize", "json", "subprocess", "venv", "pip")


def make_repo(root: Path, workflow: str, files: dict[str, str] | None = None) -> Path:
    repo = root / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "ci.yml").write_text(workflow, encoding="utf-8")
    for name, text in (files or {}).items():
        (repo / name).write_text(text, encoding="utf-8")
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "ci", cwd=repo)
    git("remote", "add", "origin", "https://github.com/acme/tools.git", cwd=repo)
    return repo


def push_payload(repo: Path) -> dict[str, object]:
    return {"ref": "refs/heads/main", "after": git("rev-parse", "HEAD", cwd=repo)}


def test_root_action_installs_into_its_own_virtualenv_with_pip(act: Act, tmp_path: Path) -> None:
    markers = tmp_path / "imported"
    markers.mkdir()
    hostile = {
        f"{name}.py": f"open({str(markers / name)!r}, 'w').close()\n" for name in HOSTILE_MODULES
    }
    repo = make_repo(tmp_path, WORKFLOW, hostile)
    run = act.run(repo, "push", push_payload(repo)).check()
    assert run.outputs("cli")["version"].startswith("gitops-release, version ")
    assert "gitops-release" not in run.outputs("cli")["python"]
    assert run.outputs("setup")["venv"].endswith("/gitops-release/venv")
    assert sorted(p.name for p in markers.iterdir()) == []


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ("          installer: conda", "input 'installer' must be one of auto, pip, uv"),
        ("          extras: 'render;rm -rf /'", "input 'extras' must be comma-separated names"),
        ("          python: no-such-python", "input 'python': 'no-such-python' is not on PATH"),
        (
            "          extras: none\n          tools: helm",
            "input 'helm-sha256' must be the 64-hex SHA-256",
        ),
        (
            "          extras: none\n          tools: kubectl",
            "input 'tools': unknown tool 'kubectl'",
        ),
    ],
)
def test_setup_rejects_bad_inputs_by_name(
    act: Act, tmp_path: Path, inputs: str, message: str
) -> None:
    repo = make_repo(tmp_path, BAD_INPUTS.format(job="setup", inputs=inputs))
    run = act.run(repo, "push", push_payload(repo))
    assert run.returncode != 0
    assert message in run.text(), run.text()[-4000:]
