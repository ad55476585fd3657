"""Install the gitops-release toolkit into its own virtualenv under $RUNNER_TEMP.

Run by the `setup` action and at the start of every other action, with the runner's Python and
the standard library only (the toolkit is not installed yet). Inputs arrive as environment
variables, never on a command line built from expressions:

  INPUT_PACKAGE    what to install (a pip requirement, a wheel or a directory);
                   default: the source tree this action was checked out from
  INPUT_EXTRAS     extras of that source tree to install, or none (default: render); with
                   INPUT_REUSE, a toolkit installed with these extras (or more) is reused
  INPUT_PYTHON     interpreter for the virtualenv (default: python3; needs 3.11+)
  INPUT_INSTALLER  auto (uv when on PATH, else pip), pip or uv
  INPUT_REUSE      true: keep any toolkit already installed in this job (the other actions)
  INPUT_ADD_TO_PATH  true: put `gitops-release` (only it) on PATH for later steps (setup)

Outputs: venv, bin, python, version. The virtualenv is reused when the same thing was already
installed in this job, so several actions in one job install once.

The working directory is the workflow's checkout, which on a pull request is content nobody has
reviewed yet, so nothing here obeys it. The actions run this script as `python3 -I` (neither
the current directory, PYTHONPATH nor the user site is on sys.path), and every process it starts
runs in the virtualenv's parent directory under $RUNNER_TEMP, never in the checkout:

- every Python runs with -I, so `python -m venv` / `-m pip` cannot import a venv.py or pip.py
  lying in the checkout;
- uv runs with --no-config and UV_NO_CONFIG=1: no `uv.toml` or `pyproject.toml [tool.uv]` (of
  the checkout or anywhere else) names an index; the job's UV_* variables still apply;
- pip runs with --isolated (no PIP_* variables, no user pip.conf) and without PIP_CONFIG_FILE;
  pip reads no configuration from the working directory anyway, and the runner's system-wide
  pip.conf (where a self-hosted runner names its mirror or proxy certificate) still applies;
- their environment has no PYTHON* variables (and PYTHONNOUSERSITE=1), so no build backend
  they start imports from a path the job's environment or the checkout chose either.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]  # the toolkit's source tree (this action's checkout)
STAMP = ".gitops-release-install.json"
MIN_PYTHON = (3, 11)
_VERSION = "import importlib.metadata as m; print(m.version('gitops-release'))"
_EXTRAS = re.compile(r"^[A-Za-z0-9_-]+(,[A-Za-z0-9_-]+)*$")
_ARCHIVE = (".whl", ".tar.gz", ".zip")
# A configuration file named by the environment (perhaps relative: a file in the checkout).
_CONFIG_FILES = ("UV_CONFIG_FILE", "PIP_CONFIG_FILE")


class InputError(Exception):
    """An input has a value this script cannot use; the message says which and why."""


def _input(name: str, default: str = "") -> str:
    return os.environ.get(f"INPUT_{name.upper().replace('-', '_')}", "").strip() or default


def _bool(name: str, *, default: bool) -> bool:
    value = _input(name, "true" if default else "false").lower()
    if value not in {"true", "false"}:
        raise InputError(f"input '{name}' must be true or false, got '{value}'")
    return value == "true"


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _input(name, default)
    if value not in choices:
        raise InputError(f"input '{name}' must be one of {', '.join(choices)}, got '{value}'")
    return value


def _command(name: str, message: str) -> None:
    escaped = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    sys.stdout.write(f"::{name}::{escaped}\n")
    sys.stdout.flush()


def _append(variable: str, text: str) -> None:
    path = os.environ.get(variable)
    if path:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(text)


def _child_env() -> dict[str, str]:
    """The environment of every process this script starts: the job's, minus what would make
    Python or an installer read code or configuration from somewhere the checkout chose."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PYTHON") and key not in _CONFIG_FILES
    }
    env.update({"UV_NO_CONFIG": "1", "PYTHONNOUSERSITE": "1"})
    return env


def _run(args: list[str], cwd: Path) -> None:
    sys.stdout.write("+ " + " ".join(args) + "\n")
    sys.stdout.flush()
    result = subprocess.run(args, check=False, stdin=subprocess.DEVNULL, cwd=cwd, env=_child_env())
    if result.returncode != 0:
        raise InputError(f"`{' '.join(args)}` failed with exit code {result.returncode}")


def _which(name: str) -> str | None:
    """`name` on PATH (or a path), made absolute: the processes started here run elsewhere."""
    found = shutil.which(name)
    return None if found is None else str(Path(found).absolute())


def _python(name: str, cwd: Path) -> str:
    found = _which(name)
    if found is None:
        raise InputError(
            f"input 'python': '{name}' is not on PATH; run actions/setup-python first or "
            "give the interpreter's path"
        )
    probe = subprocess.run(
        [found, "-I", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        env=_child_env(),
    )
    version = tuple(int(p) for p in probe.stdout.strip().split(".")) if probe.stdout else ()
    if probe.returncode != 0 or version < MIN_PYTHON:
        raise InputError(
            f"input 'python': gitops-release needs Python "
            f"{'.'.join(map(str, MIN_PYTHON))} or later; {found} is "
            f"{probe.stdout.strip() or 'not a working Python'}. Run actions/setup-python first."
        )
    return found


def _requirement(extras: set[str]) -> str:
    package = _input("package")
    if "\n" in package:
        raise InputError("input 'package' must be one requirement, path or wheel (one line)")
    if package:
        return _locate(package)
    if not (ROOT / "pyproject.toml").is_file():
        raise InputError(f"the toolkit's source tree is incomplete: no pyproject.toml in {ROOT}")
    return f"{ROOT}[{','.join(sorted(extras))}]" if extras else str(ROOT)


def _locate(package: str) -> str:
    """A directory, wheel or sdist given relative to the workspace, as an absolute path (the
    installer runs in another directory); requirements and URLs as they are."""
    path, bracket, extras = package.partition("[")
    if "://" in path or "@" in path:
        return package
    if "/" in path or path.startswith(".") or path.endswith(_ARCHIVE):
        return str(Path(path).expanduser().absolute()) + bracket + extras
    return package


def _fingerprint(requirement: str) -> str:
    """What was installed: the requirement plus, for the source tree, its package files."""
    digest = hashlib.sha256(requirement.encode())
    if requirement.startswith(str(ROOT)):
        files = [ROOT / "pyproject.toml", ROOT / "setup.py"]
        files += sorted((ROOT / "scripts" / "gitops_release").rglob("*"))
        for path in files:
            if path.is_file() and path.suffix in {".py", ".json", ".yaml", ".toml", ".typed"}:
                digest.update(path.relative_to(ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _installed(venv: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((venv / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (venv / "bin" / "gitops-release").exists() or not isinstance(data, dict):
        return None
    return data


def _install(venv: Path, requirement: str, python: str, installer: str) -> None:
    if venv.exists():
        shutil.rmtree(venv)
    uv = _which("uv") if installer in {"auto", "uv"} else None
    if installer == "uv" and uv is None:
        raise InputError("input 'installer' is uv, but uv is not on PATH")
    neutral = venv.parent  # ours, under $RUNNER_TEMP: no project, config or module of anyone's
    if uv is not None:
        _run([uv, "venv", "--no-config", "--quiet", "--python", python, str(venv)], neutral)
        # A directory source is rebuilt every time: uv would otherwise reuse a wheel it cached
        # from an older state of the same tree. (Offline, uv cannot refresh; an offline cache
        # is one the caller manages.)
        offline = os.environ.get("UV_OFFLINE", "").lower() in {"1", "true", "yes"}
        refresh = [] if offline else ["--refresh-package", "gitops-release"]
        target = ["--python", str(venv / "bin" / "python")]
        install = [uv, "pip", "install", "--no-config", "--quiet", *refresh, *target]
        _run([*install, requirement], neutral)
    else:
        _run([python, "-I", "-m", "venv", str(venv)], neutral)
        pip = [str(venv / "bin" / "python"), "-I", "-m", "pip", "--isolated"]
        _run([*pip, "--disable-pip-version-check", "install", "--quiet", requirement], neutral)


def _extras() -> set[str]:
    extras = _input("extras", "render")
    if extras == "none":
        return set()
    if not _EXTRAS.match(extras):
        raise InputError(f"input 'extras' must be comma-separated names or 'none', got '{extras}'")
    return set(extras.split(","))


def _covers(stamp: dict[str, Any], extras: set[str]) -> bool:
    """Whether an installed toolkit serves a step needing `extras` (a custom package always)."""
    return bool(stamp.get("custom")) or extras <= set(stamp.get("extras", []))


def _setup() -> Path:
    temp = os.environ.get("RUNNER_TEMP")
    if not temp:
        raise InputError("RUNNER_TEMP is not set: this script runs inside GitHub Actions")
    venv = Path(temp).absolute() / "gitops-release" / "venv"
    venv.parent.mkdir(parents=True, exist_ok=True)
    reuse = _bool("reuse", default=False)
    installer = _choice("installer", "auto", ("auto", "pip", "uv"))
    extras = _extras()
    current = _installed(venv)
    if reuse and current is not None and _covers(current, extras):
        return venv
    requirement = _requirement(extras)
    fingerprint = _fingerprint(requirement)
    if current is None or current.get("fingerprint") != fingerprint:
        python = _python(_input("python", "python3"), venv.parent)
        _install(venv, requirement, python, installer)
        probe = subprocess.run(
            [str(venv / "bin" / "python"), "-I", "-c", _VERSION],
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
            cwd=venv.parent,
            env=_child_env(),
        )
        stamp = {
            "requirement": requirement,
            "fingerprint": fingerprint,
            "version": probe.stdout.strip(),
            "extras": sorted(extras),
            "custom": bool(_input("package")),
        }
        (venv / STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    return venv


def main() -> int:
    started = time.monotonic()
    try:
        venv = _setup()
    except InputError as error:
        _command("error title=gitops-release setup", str(error))
        return 1
    bindir = venv / "bin"
    version = (_installed(venv) or {}).get("version", "")
    _append(
        "GITHUB_OUTPUT",
        f"venv={venv}\nbin={bindir}\npython={bindir / 'python'}\nversion={version}\n",
    )
    if _bool("add-to-path", default=False):
        # Only the `gitops-release` command goes on PATH, not the virtualenv's bin directory:
        # its `python3` would shadow the caller's for every later step.
        exposed = venv.parent / "bin"
        exposed.mkdir(exist_ok=True)
        link = exposed / "gitops-release"
        link.unlink(missing_ok=True)
        link.symlink_to(bindir / "gitops-release")
        _append("GITHUB_PATH", f"{exposed}\n")
    sys.stdout.write(f"gitops-release {version} in {venv} ({time.monotonic() - started:.1f} s)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
