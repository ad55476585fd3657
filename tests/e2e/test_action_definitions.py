"""The action and workflow files themselves: every input documented and passed through `env:`,
no expression inside a `run:` script, every script run isolated from the checkout, every
CLI-backed input mapped, third-party actions pinned by SHA and kept current by Dependabot, no
`pull_request_target`, minimal permissions; and the input mapping of actions/lib/run.py."""

from __future__ import annotations

import functools
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.e2e.harness import REPO_ROOT

pytestmark = pytest.mark.e2e

ACTIONS = sorted([REPO_ROOT / "action.yml", *REPO_ROOT.glob("actions/*/action.yml")])
WORKFLOWS = sorted([*REPO_ROOT.glob(".github/workflows/*.yml"), *REPO_ROOT.glob("workflows/*.yml")])
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", re.MULTILINE)


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


@functools.cache
def run_module() -> ModuleType:
    """actions/lib/run.py, which the actions run as a script."""
    spec = importlib.util.spec_from_file_location("action_run", REPO_ROOT / "actions/lib/run.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def env_name(name: str) -> str:
    return "INPUT_" + name.upper().replace("-", "_")


@pytest.mark.parametrize("path", ACTIONS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_every_input_is_documented_and_reaches_a_step_through_env(path: Path) -> None:
    action = load(path)
    steps = action["runs"]["steps"]
    passed: set[str] = set()
    for step in steps:
        passed |= {k for k, v in (step.get("env") or {}).items() if "inputs." in str(v)}
        passed |= {k for k, v in (step.get("with") or {}).items() if "inputs." in str(v)}
    for name, spec in action["inputs"].items():
        assert spec.get("description"), f"{name}: no description"
        assert "required" in spec, f"{name}: say whether it is required"
        assert spec["required"] or "default" in spec, f"{name}: optional inputs need a default"
        assert env_name(name) in passed or name in {"token"}, f"{name} never reaches a step"
    for name, spec in action.get("outputs", {}).items():
        assert spec.get("description"), f"output {name}: no description"


@pytest.mark.parametrize("path", ACTIONS + WORKFLOWS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_expression_inside_a_run_script(path: Path) -> None:
    data = load(path)
    steps = list(data.get("runs", {}).get("steps", []))
    for job in (data.get("jobs") or {}).values():
        steps += job.get("steps", [])
    for step in steps:
        assert "${{" not in str(step.get("run", "")), step


@pytest.mark.parametrize("path", ACTIONS + WORKFLOWS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_third_party_actions_are_pinned_by_full_sha_with_the_version(path: Path) -> None:
    for target, rest in USES.findall(path.read_text(encoding="utf-8")):
        if target.startswith(("./", "gitops-release/gitops-release")):
            continue
        assert re.search(r"@[0-9a-f]{40}$", target), target
        assert re.match(r"\s*#\s*v\d+(\.\d+)*", rest), f"{target}: add `# vX.Y.Z`"


def test_checkouts_do_not_persist_credentials() -> None:
    for path in WORKFLOWS:
        for job in (load(path).get("jobs") or {}).values():
            for step in job.get("steps", []):
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, path


def test_every_job_sets_minimal_permissions() -> None:
    """Nothing by default; each job names what it uses (zizmor --pedantic in .ci/run checks
    that every permission it grants has a comment saying why)."""
    for path in WORKFLOWS:
        data = load(path)
        assert data.get("permissions") == {}, path
        for name, job in data["jobs"].items():
            assert "permissions" in job, (path, name)


def triggers(data: dict[str, Any]) -> set[str]:
    on = data.get("on", data.get(True))  # YAML 1.1 readers turn the key `on` into True
    if isinstance(on, str):
        return {on}
    return set(on or ())


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_workflow_runs_pull_request_content_with_the_base_repositorys_rights(path: Path) -> None:
    """`pull_request_target` and `workflow_run` run with a write token and the secrets, and a
    PR's files are what the toolkit reads; previews use `pull_request` (docs/security.md)."""
    assert not triggers(load(path)) & {"pull_request_target", "workflow_run"}, path


# How the actions start their scripts: the interpreter with -I (neither the working directory,
# which is the checkout, nor PYTHONPATH nor the user site on sys.path), and the script from the
# action's own directory.
ISOLATED_SCRIPT = re.compile(
    r'^(python3|"\$TOOLKIT_PYTHON") -I "\$GITHUB_ACTION_PATH/(\.\./lib|actions/lib)/[a-z_]+\.py"'
    r"( [a-z-]+)?$"
)


@pytest.mark.parametrize("path", ACTIONS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_scripts_run_isolated_from_the_actions_directory(path: Path) -> None:
    for step in load(path)["runs"]["steps"]:
        if "run" in step:
            assert ISOLATED_SCRIPT.match(step["run"].strip()), step["run"]
            script = step["run"].split('"$GITHUB_ACTION_PATH/', 1)[1].split('"', 1)[0]
            assert (path.parent / script).resolve().is_file(), script


def test_dependabot_updates_every_pinned_action_and_the_python_dependencies() -> None:
    config = load(REPO_ROOT / ".github" / "dependabot.yml")
    updates = {u["package-ecosystem"]: u for u in config["updates"]}
    actions = updates["github-actions"]
    directories = actions.get("directories") or [actions["directory"]]
    pinned = {path.parent for path in ACTIONS} | {REPO_ROOT}  # "/" covers .github/workflows
    for folder in pinned:
        inside = folder.relative_to(REPO_ROOT).as_posix()
        relative = "/" if inside == "." else f"/{inside}"
        assert any(
            Path(relative).match(pattern) or relative == pattern for pattern in directories
        ), (relative, directories)
    assert updates["pip"]["directory"] == "/"
    for update in updates.values():
        assert update["schedule"]["interval"] == "weekly"


@pytest.mark.parametrize("action", ["update-manifest", "promote", "preview", "check", "rollback"])
def test_run_py_maps_every_cli_input(action: str) -> None:
    module = run_module()
    mapped = {spec.name for spec in module.ACTIONS[action][1]}
    special = {"token", "preview", "fail-on-findings", "strategy-from-event", "app-token"}
    inputs = set(load(REPO_ROOT / "actions" / action / "action.yml")["inputs"])
    assert inputs - special == mapped


def test_branch_deploy_maps_every_input_to_some_command() -> None:
    module = run_module()
    mapped = {
        spec.name
        for command in module.BRANCH_DEPLOY_COMMANDS
        for spec in module.ACTIONS[f"branch-deploy-{command}"][1]
    }
    # command picks the subcommand; event, event-name and repo come from the github context.
    inputs = set(load(REPO_ROOT / "actions" / "branch-deploy" / "action.yml")["inputs"])
    assert inputs - {"command", "token"} == mapped - {"event", "event-name", "repo"}


def test_branch_deploy_argv(inputs: pytest.MonkeyPatch) -> None:
    set_inputs(
        inputs, command="deploy", manifest_repo="acme/manifests", environment="staging",
        image="ghcr.io/acme/web:feature-x-abc1234-7", pr="42", ttl="2h", actor="octocat",
    )  # fmt: skip
    assert run_module().argv("branch-deploy") == [
        "branch-deploy", "deploy", "--manifest-repo", "acme/manifests", "--env", "staging",
        "--image", "ghcr.io/acme/web:feature-x-abc1234-7", "--source-pr", "42", "--ttl", "2h",
        "--actor", "octocat", "--token-env", "GITOPS_RELEASE_TOKEN",
    ]  # fmt: skip
    set_inputs(inputs, command="rm -rf")
    with pytest.raises(run_module().InputError, match="input 'command' must be one of parse"):
        run_module().argv("branch-deploy")


def test_preview_env_maps_every_input_to_some_command() -> None:
    module = run_module()
    mapped = {
        spec.name
        for command in module.PREVIEW_ENV_COMMANDS
        for spec in module.ACTIONS[f"preview-env-{command}"][1]
    }
    # command picks the subcommand; event, event-name and repo come from the github context.
    inputs = set(load(REPO_ROOT / "actions" / "preview-env" / "action.yml")["inputs"])
    assert inputs - {"command", "token"} == mapped - {"event", "event-name", "repo"}


def test_preview_env_argv(inputs: pytest.MonkeyPatch) -> None:
    set_inputs(
        inputs, command="up", manifest_repo="acme/manifests", image="ghcr.io/acme/web:x-1",
        pr="7", actor="octocat", kubernetes_version="v1.30",
    )  # fmt: skip
    assert run_module().argv("preview-env") == [
        "preview-env", "up", "--manifest-repo", "acme/manifests", "--image",
        "ghcr.io/acme/web:x-1", "--source-pr", "7", "--actor", "octocat", "--k8s-version",
        "v1.30", "--token-env", "GITOPS_RELEASE_TOKEN",
    ]  # fmt: skip
    set_inputs(inputs, command="report", state="up", app="web", url="https://w.example.com")
    assert run_module().argv("preview-env")[:8] == [
        "preview-env", "report", "--pr", "7", "--state", "up", "--app", "web",
    ]  # fmt: skip
    set_inputs(inputs, state="deployed")
    with pytest.raises(run_module().InputError, match="input 'state' must be one of building"):
        run_module().argv("preview-env")
    set_inputs(inputs, command="deploy")
    with pytest.raises(run_module().InputError, match="input 'command' must be one of parse"):
        run_module().argv("preview-env")


def test_preview_env_workflow_keeps_the_manifest_token_away_from_code() -> None:
    """Only `build` checks out code, and it has no secret; only up, down and expire get the
    manifest token, and they check out nothing (docs/security.md#preview-environments)."""
    jobs = load(REPO_ROOT / ".github" / "workflows" / "preview-env.yml")["jobs"]
    for name, job in jobs.items():
        text = str(job)
        checks_out = any(
            str(s.get("uses", "")).startswith("actions/checkout@") for s in job["steps"]
        )
        assert checks_out == (name == "build"), name
        assert ("secrets.manifest-token" in text) == (name in {"up", "down", "expire"}), name
        if name in {"up", "down", "expire"}:
            assert job["permissions"] == {}, name
    assert "secrets." not in str(jobs["build"]).replace("secrets.registry-password", "")


def test_starter_workflows_stay_short() -> None:
    for path in REPO_ROOT.glob("workflows/*.yml"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 15, path


# -- run.py: inputs -> argv --------------------------------------------------------------------
@pytest.fixture
def inputs(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    return monkeypatch


def set_inputs(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(env_name(name.replace("_", "-")), value)


def test_update_manifest_argv(inputs: pytest.MonkeyPatch) -> None:
    set_inputs(
        inputs,
        manifest_repo="acme/manifests",
        environment="staging",
        image="ghcr.io/acme/web:1.0",
        labels="deploy\nstaging, web",
        auto_merge="true",
        allow_downgrade="false",
        source_pr="12",
    )
    assert run_module().argv("update-manifest") == [
        "bump",
        "--manifest-repo",
        "acme/manifests",
        "--env",
        "staging",
        "--image",
        "ghcr.io/acme/web:1.0",
        "--label",
        "deploy",
        "--label",
        "staging",
        "--label",
        "web",
        "--auto-merge",
        "--source-pr",
        "12",
        "--token-env",
        "GITOPS_RELEASE_TOKEN",
    ]


def test_rollback_argv(inputs: pytest.MonkeyPatch) -> None:
    set_inputs(
        inputs, manifest_repo="acme/manifests", environment="production", app="web",
        steps="2", direct="true", reason="500s on /login", labels="incident", preview="false",
    )  # fmt: skip
    assert run_module().argv("rollback") == [
        "rollback", "--manifest-repo", "acme/manifests", "--env", "production", "--app", "web",
        "--steps", "2", "--direct", "--reason", "500s on /login", "--label", "incident",
        "--no-preview", "--token-env", "GITOPS_RELEASE_TOKEN",
    ]  # fmt: skip
    set_inputs(inputs, steps="", direct="false", to="2.2.0", preview="true")
    args = run_module().argv("rollback")
    assert args[args.index("--to") + 1] == "2.2.0"
    assert "--steps" not in args
    assert "--direct" not in args
    assert "--no-preview" not in args


def test_rollback_workflows_pass_every_input_on() -> None:
    """The starter's dispatch inputs are the reusable workflow's, and it hands each to the
    action; the job holds the manifest token and checks out nothing."""
    reusable = load(REPO_ROOT / ".github" / "workflows" / "manifest-rollback.yml")
    starter = load(REPO_ROOT / "workflows" / "manifest-rollback.yml")
    called = set(triggers_of(reusable)["workflow_call"]["inputs"])
    dispatched = set(triggers_of(starter)["workflow_dispatch"]["inputs"])
    assert called == dispatched == {"environment", "app", "to", "steps", "direct", "reason"}
    assert set(starter["jobs"]["rollback"]["with"]) == called
    (step,) = reusable["jobs"]["rollback"]["steps"]
    assert step["uses"].startswith("gitops-release/gitops-release/actions/rollback@")
    assert set(step["with"]) == called | {"token"}
    action = load(REPO_ROOT / "actions" / "rollback" / "action.yml")
    assert called <= set(action["inputs"])
    assert set(reusable["jobs"]["rollback"]["permissions"]) == {
        "contents", "pull-requests", "statuses",
    }  # fmt: skip
    assert reusable["jobs"]["rollback"]["concurrency"]["cancel-in-progress"] is False


def triggers_of(data: dict[str, Any]) -> dict[str, Any]:
    on = data.get("on", data.get(True))
    assert isinstance(on, dict)
    return on


def test_preview_negatable_flags(inputs: pytest.MonkeyPatch) -> None:
    set_inputs(inputs, manifest_repo="acme/manifests", gates="false", status="true", pr="7")
    args = run_module().argv("preview")
    assert args[:3] == ["preview", "--manifest-repo", "acme/manifests"]
    assert "--no-gates" in args
    assert "--status" in args
    assert args[args.index("--pr") + 1] == "7"


def test_check_paths_are_positional(inputs: pytest.MonkeyPatch) -> None:
    set_inputs(inputs, paths="a.yaml\nrendered/", format="sarif", output="out.sarif")
    assert run_module().argv("check") == [
        "check",
        "a.yaml",
        "rendered/",
        "--format",
        "sarif",
        "--output",
        "out.sarif",
    ]


@pytest.mark.parametrize(
    ("action", "values", "message"),
    [
        (
            "update-manifest",
            {"environment": "staging", "image": "x"},
            "input 'manifest-repo' is required",
        ),
        (
            "update-manifest",
            {"manifest_repo": "a/b", "environment": "s", "image": "x", "auto_merge": "yes"},
            "input 'auto-merge' must be true or false, got 'yes'",
        ),
        (
            "update-manifest",
            {"manifest_repo": "a/b", "environment": "s", "image": "x", "source_pr": "#12"},
            "input 'source-pr' must be a whole number, got '#12'",
        ),
        (
            "update-manifest",
            {"manifest_repo": "a/b\n--dry-run", "environment": "s", "image": "x"},
            "input 'manifest-repo' must be a single line",
        ),
        ("promote", {"manifest_repo": "a/b", "on_conflict": "merge"}, "must be one of fail, draft"),
        (
            "rollback",
            {"manifest_repo": "a/b", "environment": "production", "app": "web", "steps": "x"},
            "input 'steps' must be a whole number, got 'x'",
        ),
        (
            "rollback",
            {
                "manifest_repo": "a/b",
                "environment": "production",
                "app": "web",
                "to": "1.0",
                "steps": "2",
            },
            "give input 'to' (an image) or 'steps' (how many back), not both",
        ),
        (
            "rollback",
            {
                "manifest_repo": "a/b",
                "environment": "production",
                "app": "web",
                "reason": "a\n--direct",
            },
            "input 'reason' must be a single line",
        ),
        ("rollback", {"manifest_repo": "a/b", "environment": "production"}, "input 'app'"),
        ("check", {}, "give input 'paths'"),
        ("check", {"paths": "a.yaml", "repo": "."}, "cannot be combined"),
        ("nope", {}, "unknown action 'nope'"),
    ],
)
def test_bad_inputs_are_named(
    inputs: pytest.MonkeyPatch, action: str, values: dict[str, str], message: str
) -> None:
    set_inputs(inputs, **values)
    module = run_module()
    with pytest.raises(module.InputError, match=re.escape(message)):
        module.argv(action)


def test_main_reports_bad_inputs_as_an_annotation(
    inputs: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_inputs(inputs, manifest_repo="a/b", environment="s", image="x", dry_run="maybe")
    inputs.setenv("GITHUB_ACTIONS", "true")
    called: list[list[str]] = []
    assert run_module().main(["update-manifest"], entry=called.append) == 2
    assert called == []
    assert (
        "::error title=gitops-release update-manifest::input 'dry-run' must be true or false"
        in (capsys.readouterr().out)
    )


def test_check_failure_can_be_reported_without_failing_the_step(
    inputs: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    output.touch()
    inputs.setenv("GITHUB_OUTPUT", str(output))
    set_inputs(inputs, paths="a.yaml", fail_on_findings="false")

    def gate_fails(argv: list[str]) -> None:
        raise SystemExit(3)

    assert run_module().main(["check"], entry=gate_fails) == 0
    assert "result<<" in output.read_text(encoding="utf-8")
    assert "failed" in output.read_text(encoding="utf-8")
