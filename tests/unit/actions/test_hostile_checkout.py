"""The actions run in the workflow's checkout, which on a pull request is content nobody has
reviewed yet: nothing in it may configure the installer or be imported by a Python they start.

Each test runs a step of an action.yml as the runner does (its `run:` line under bash, with
GITHUB_ACTION_PATH set and the inputs passed through the step's `env:`) in a checkout that holds

- a `uv.toml` or `pyproject.toml [tool.uv]` naming package indexes on 127.0.0.1 that record
  every request (a real attack would serve a `click` of its own there);
- `sitecustomize.py`, `usercustomize.py` and modules named like those the scripts and the
  installers import (json, subprocess, venv, pip, click, gitops_release), each of which writes
  a marker file when imported;

with `PYTHONPATH=.` in the environment, as many Python workflows set it, which puts the checkout
on the sys.path of any Python that does not run isolated. Installs are offline (with uv, under
a second): the toolkit is a stand-in wheel whose dependency comes from a local find-links folder.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import http.server
import importlib.util
import os
import re
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.e2e.harness import REPO_ROOT, venv_tool

HOSTILE_MODULES = (
    "sitecustomize",
    "usercustomize",
    "json",
    "subprocess",
    "venv",
    "pip",
    "click",
    "gitops_release",
)
DEPENDENCY = "gitops-release-probe-dep"
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
"""


# -- an index that records who asks it -----------------------------------------------------------
@dataclass
class Index:
    url: str
    requests: list[str]

    def asked(self, prefix: str) -> list[str]:
        return [path for path in self.requests if path.startswith(prefix)]


@pytest.fixture
def index() -> Iterator[Index]:
    """`/bad/…` is what the hostile config names; `/good/…` the index the job's environment
    names. Both answer 404 (no such package), so the dependency comes from find-links."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Index(f"http://127.0.0.1:{server.server_address[1]}", requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# -- stand-in wheels -----------------------------------------------------------------------------
def make_wheel(
    folder: Path, name: str, version: str, files: Mapping[str, str], requires: tuple[str, ...] = ()
) -> Path:
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    content = dict(files)
    content[f"{info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        + "".join(f"Requires-Dist: {r}\n" for r in requires)
    )
    content[f"{info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    record = []
    for path, text in content.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    content[f"{info}/RECORD"] = "\n".join([*record, f"{info}/RECORD,,"]) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in content.items():
            archive.writestr(path, text)
    return wheel


def toolkit_wheel(folder: Path, *, dependency: bool) -> Path:
    """A `gitops-release` 0.1.0 with its console script (what install.py checks for)."""
    return make_wheel(
        folder,
        "gitops-release",
        "0.1.0",
        {
            "gitops_release_standin.py": "def main():\n    print('gitops-release, version 0.1.0')\n",
            "gitops_release-0.1.0.dist-info/entry_points.txt": (
                "[console_scripts]\ngitops-release = gitops_release_standin:main\n"
            ),
        },
        (DEPENDENCY,) if dependency else (),
    )


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheelhouse")
    toolkit_wheel(folder, dependency=True)
    make_wheel(folder, DEPENDENCY, "1.0", {"gitops_release_probe_dep.py": ""})
    return folder


# -- the hostile checkout and the runner ---------------------------------------------------------
def write_hostile_checkout(checkout: Path, markers: Path, index: Index, config: str) -> None:
    checkout.mkdir(parents=True)
    for name in HOSTILE_MODULES:
        code = f"open({str(markers / name)!r}, 'w').close()\n"
        if name == "gitops_release":
            (checkout / name).mkdir()
            (checkout / name / "__init__.py").write_text(code, encoding="utf-8")
        else:
            (checkout / f"{name}.py").write_text(code, encoding="utf-8")
    settings = (
        f'index-url = "{index.url}/bad/simple"\n'
        f'extra-index-url = ["{index.url}/bad/extra/simple"]\n'
    )
    if config == "uv.toml":
        (checkout / "uv.toml").write_text(settings, encoding="utf-8")
    else:
        (checkout / "pyproject.toml").write_text(
            f'[project]\nname = "manifests"\nversion = "0"\n\n[tool.uv]\n{settings}',
            encoding="utf-8",
        )
    (checkout / "deploy.yaml").write_text(DEPLOYMENT, encoding="utf-8")


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


_EXPRESSION = re.compile(r"\$\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")


@dataclass(frozen=True)
class Runner:
    """A job's directories and environment, with the checkout as the working directory."""

    root: Path
    checkout: Path
    markers: Path
    env: Mapping[str, str]

    @property
    def temp(self) -> Path:
        return Path(self.env["RUNNER_TEMP"])

    def step(
        self,
        action_file: Path,
        step_id: str,
        inputs: Mapping[str, str],
        context: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run one step of an action as the runner does; `context` holds the values of
        expressions other than inputs (e.g. `steps.toolkit.outputs.python`)."""
        action = load(action_file)
        (step,) = [s for s in action["runs"]["steps"] if s.get("id") == step_id]
        values = {
            f"inputs.{name}": str(spec.get("default", ""))
            for name, spec in action["inputs"].items()
        }
        values |= {f"inputs.{name}": value for name, value in inputs.items()}
        values |= dict(context or {})
        env = dict(self.env)
        for key, value in (step.get("env") or {}).items():
            env[key] = _EXPRESSION.sub(lambda m: values[m[1]], str(value))
        env["GITHUB_ACTION_PATH"] = str(action_file.parent)
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=self.checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def outputs(self) -> dict[str, str]:
        """GITHUB_OUTPUT as the runner reads it: `name=value` and `name<<DELIMITER` blocks."""
        lines = iter(Path(self.env["GITHUB_OUTPUT"]).read_text(encoding="utf-8").splitlines())
        found = {}
        for line in lines:
            name, heredoc, delimiter = line.partition("<<")
            if heredoc and "=" not in name:
                block = []
                for item in lines:
                    if item == delimiter:
                        break
                    block.append(item)
                found[name] = "\n".join(block)
            else:
                key, _, value = line.partition("=")
                found[key] = value
        return found

    def imported(self) -> list[str]:
        return sorted(p.name for p in self.markers.iterdir())


def make_runner(root: Path, index: Index, wheelhouse: Path, config: str = "uv.toml") -> Runner:
    markers = root / "markers"
    markers.mkdir(parents=True)
    checkout = root / "work" / "manifests"
    write_hostile_checkout(checkout, markers, index, config)
    tools = root / "bin"
    tools.mkdir()
    # The runner's python3 (not this test's virtualenv) and uv.
    (tools / "python3").symlink_to(Path(sys.executable).resolve())
    (tools / "uv").symlink_to(venv_tool("uv"))
    temp = root / "runner-temp"
    temp.mkdir()
    (temp / "output").touch()
    (temp / "path").touch()
    (root / "home").mkdir()
    env = {
        "PATH": f"{tools}{os.pathsep}/usr/bin{os.pathsep}/bin",
        "HOME": str(root / "home"),
        "LANG": "C.UTF-8",
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(checkout),
        "RUNNER_TEMP": str(temp),
        "GITHUB_OUTPUT": str(temp / "output"),
        "GITHUB_PATH": str(temp / "path"),
        "PYTHONPATH": ".",  # the checkout, for every Python that is not isolated
        "UV_CACHE_DIR": str(root / "uv-cache"),
        "UV_INDEX_URL": f"{index.url}/good/simple",
        "UV_FIND_LINKS": str(wheelhouse),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_PROGRESS": "1",
    }
    return Runner(root=root, checkout=checkout, markers=markers, env=env)


SETUP = REPO_ROOT / "actions" / "setup" / "action.yml"
ROOT_ACTION = REPO_ROOT / "action.yml"
CHECK = REPO_ROOT / "actions" / "check" / "action.yml"
ROLLBACK = REPO_ROOT / "actions" / "rollback" / "action.yml"


# -- the tests -----------------------------------------------------------------------------------
@pytest.mark.parametrize("config", ["uv.toml", "pyproject.toml"])
def test_the_hostile_config_is_obeyed_by_a_plain_uv(
    tmp_path: Path, index: Index, wheelhouse: Path, config: str
) -> None:
    """The bait is live: uv run in the checkout the ordinary way asks the hostile index."""
    runner = make_runner(tmp_path, index, wheelhouse, config)
    env = {k: v for k, v in runner.env.items() if k != "PYTHONPATH"}
    venv = tmp_path / "plain-venv"
    uv = str(venv_tool("uv"))
    python = str(Path(sys.executable).resolve())
    for args in (
        [uv, "venv", "--quiet", "--python", python, str(venv)],
        [uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), DEPENDENCY],
    ):
        subprocess.run(args, cwd=runner.checkout, env=env, capture_output=True, check=True)
    assert index.asked("/bad/"), index.requests


@pytest.mark.parametrize("config", ["uv.toml", "pyproject.toml"])
def test_setup_installs_with_uv_ignoring_the_checkout(
    tmp_path: Path, index: Index, wheelhouse: Path, config: str
) -> None:
    runner = make_runner(tmp_path, index, wheelhouse, config)
    wheel = next(wheelhouse.glob("gitops_release-*.whl"))
    done = runner.step(SETUP, "install", {"package": str(wheel), "installer": "uv"})
    assert done.returncode == 0, done.stdout + done.stderr
    outputs = runner.outputs()
    assert outputs["version"] == "0.1.0"
    assert outputs["venv"] == str(runner.temp / "gitops-release" / "venv")
    site = next(Path(outputs["venv"]).glob("lib/python*/site-packages"))
    assert (site / "gitops_release_probe_dep.py").is_file()  # resolved and installed
    assert index.asked(f"/good/simple/{DEPENDENCY}/")  # through the job's index and find-links
    assert index.asked("/bad/") == []  # never through the checkout's
    assert runner.imported() == []
    assert "uv pip install --no-config" in done.stdout


@pytest.mark.slow  # a virtualenv with pip: about 5 s
def test_root_action_installs_with_pip_ignoring_the_checkout(
    tmp_path: Path, index: Index, wheelhouse: Path
) -> None:
    """pip reads no configuration from the working directory, but `python -m venv` and
    `python -m pip` would import venv.py and pip.py from it; a relative `package` still means
    a path in the workspace."""
    runner = make_runner(tmp_path, index, wheelhouse)
    wheel = toolkit_wheel(runner.checkout / "dist", dependency=False)
    package = wheel.relative_to(runner.checkout).as_posix()
    inputs = {"package": package, "installer": "pip", "extras": "none"}
    done = runner.step(ROOT_ACTION, "install", inputs)
    assert done.returncode == 0, done.stdout + done.stderr
    assert runner.outputs()["version"] == "0.1.0"
    assert f"install --quiet {wheel}" in done.stdout
    exposed = runner.temp / "gitops-release" / "bin"
    assert (exposed / "gitops-release").is_symlink()
    assert Path(runner.env["GITHUB_PATH"]).read_text(encoding="utf-8") == f"{exposed}\n"
    assert runner.imported() == []
    assert index.requests == []


def test_cli_steps_import_nothing_from_the_checkout(
    tmp_path: Path, index: Index, wheelhouse: Path
) -> None:
    """The step that runs the CLI (actions/lib/run.py in the toolkit's virtualenv, here this
    test's) imports the toolkit and its dependencies from the virtualenv, never the checkout."""
    runner = make_runner(tmp_path, index, wheelhouse)
    inputs = {"paths": "deploy.yaml", "fail-on-findings": "false", "engine": "builtin"}
    context = {"steps.toolkit.outputs.python": sys.executable}
    done = runner.step(CHECK, "run", inputs, context)
    assert done.returncode == 0, done.stdout + done.stderr
    assert runner.outputs()["result"] in {"passed", "failed"}
    assert runner.imported() == []


def test_rollback_step_refuses_bad_inputs_masking_the_token_and_importing_nothing(
    tmp_path: Path, index: Index, wheelhouse: Path
) -> None:
    """The rollback action's CLI step: inputs only through env:, the token masked before
    anything is printed, a bad input named before any network or git, nothing imported from
    the checkout."""
    runner = make_runner(tmp_path, index, wheelhouse)
    secret = "ghs_" + "r" * 36
    inputs = {
        "token": secret, "manifest-repo": "acme/manifests", "environment": "production",
        "app": "web", "to": "2.2.0", "steps": "2", "reason": "$(touch pwned)",
    }  # fmt: skip
    context = {
        "steps.toolkit.outputs.python": sys.executable,
        "github.token": "",
        "github.repository": "acme/manifests",
        "github.api_url": "http://127.0.0.1:9",
    }
    done = runner.step(ROLLBACK, "run", inputs, context)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"::add-mask::{secret}"
    assert secret not in "\n".join(lines[1:]) + done.stderr
    assert "input 'to' (an image) or 'steps' (how many back), not both" in done.stdout
    assert not (runner.checkout / "pwned").exists()
    assert runner.imported() == []


# -- install.py's processes, one by one ----------------------------------------------------------
@functools.cache
def install_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "action_install", REPO_ROOT / "actions" / "lib" / "install.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_every_process_install_starts_is_isolated(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, installer: str
) -> None:
    module = install_module()
    calls: list[tuple[list[str], Mapping[str, Any]]] = []

    def run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append((list(args), kwargs))
        (tmp_path / "gitops-release" / "venv").mkdir(parents=True, exist_ok=True)
        return subprocess.CompletedProcess(args, 0, "3.12\n", "")

    monkeypatch.setattr(module.subprocess, "run", run)
    monkeypatch.setattr(module.shutil, "which", lambda name: f"/opt/{name}")
    monkeypatch.setenv("RUNNER_TEMP", str(tmp_path))
    monkeypatch.setenv("INPUT_PACKAGE", "gitops-release==0.1.0")
    monkeypatch.setenv("INPUT_INSTALLER", installer)
    monkeypatch.setenv("PYTHONPATH", ".")
    monkeypatch.setenv("UV_CONFIG_FILE", "uv.toml")
    monkeypatch.setenv("PIP_CONFIG_FILE", "pip.conf")
    module._setup()

    neutral = tmp_path / "gitops-release"
    venv_python = str(neutral / "venv" / "bin" / "python")
    assert calls
    for args, kwargs in calls:
        assert kwargs["cwd"] == neutral, args
        env = kwargs["env"]
        assert env["UV_NO_CONFIG"] == "1"
        assert env["PYTHONNOUSERSITE"] == "1"
        assert not {"PYTHONPATH", "UV_CONFIG_FILE", "PIP_CONFIG_FILE"} & set(env)
        if args[0] in {"/opt/python3", venv_python}:
            assert args[1] == "-I", args
        elif args[0] == "/opt/uv":
            assert "--no-config" in args, args
        else:
            pytest.fail(f"unexpected process {args}")
        if args[2:4] == ["-m", "pip"]:
            assert args[4] == "--isolated", args
    started = {args[0] for args, _ in calls}
    assert ("/opt/uv" in started) == (installer == "uv")


@pytest.mark.parametrize(
    ("package", "expected"),
    [
        ("gitops-release==0.1.0", "gitops-release==0.1.0"),
        ("gitops-release[render]>=0.1", "gitops-release[render]>=0.1"),
        ("git+https://example.com/x.git", "git+https://example.com/x.git"),
        (
            "gitops-release @ https://example.com/x.whl",
            "gitops-release @ https://example.com/x.whl",
        ),
        (".", "{cwd}"),
        ("./tool[render]", "{cwd}/tool[render]"),
        ("dist/x-1-py3-none-any.whl", "{cwd}/dist/x-1-py3-none-any.whl"),
        ("x-1-py3-none-any.whl", "{cwd}/x-1-py3-none-any.whl"),
        ("/abs/tool", "/abs/tool"),
    ],
)
def test_a_package_path_means_one_in_the_workspace(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, package: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert install_module()._locate(package) == expected.format(cwd=tmp_path)
