"""Small real git repositories of manifests for the diff tests."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping
from pathlib import Path

from gitops_release import proc


def git(repo: Path, *args: str | os.PathLike[str]) -> str:
    return proc.run(["git", *args], cwd=repo, timeout=60).out.strip()


def write(repo: Path, files: Mapping[str, str | None]) -> None:
    """Write (or, for None, delete) files; texts are dedented."""
    for name, text in files.items():
        path = repo / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def commit(repo: Path, files: Mapping[str, str | None], message: str = "change") -> str:
    write(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def init_repo(path: Path, files: Mapping[str, str | None]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "master")
    commit(path, files, "initial manifests")
    return path


def deployment(name: str, image: str, *, replicas: int = 1) -> str:
    return f"""
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {name}
    spec:
      replicas: {replicas}
      selector:
        matchLabels: {{app: {name}}}
      template:
        metadata:
          labels: {{app: {name}}}
        spec:
          containers:
            - name: {name}
              image: {image}
    """


def overlay(namespace: str, *, image: str | None = None, extra: str = "") -> str:
    images = ""
    if image is not None:
        name, _, tag = image.rpartition(":")
        images = f'images:\n  - name: {name}\n    newTag: "{tag}"\n'
    return f"namespace: {namespace}\nresources:\n  - ../../base\n{images}{extra}"


def apps_repo(path: Path) -> Path:
    """Two apps (web, worker), each a base and staging/production overlays."""
    files: dict[str, str | None] = {}
    for app in ("web", "worker"):
        files[f"apps/{app}/base/kustomization.yaml"] = "resources: [deployment.yaml]\n"
        files[f"apps/{app}/base/deployment.yaml"] = deployment(app, f"ghcr.io/acme/{app}:1.0.0")
        for env in ("staging", "production"):
            files[f"apps/{app}/overlays/{env}/kustomization.yaml"] = overlay(
                f"{app}-{env}", image=f"ghcr.io/acme/{app}:1.0.0"
            )
    return init_repo(path, files)
