"""A manifest repository with `preview_environments:` and a preview template for app web."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gitops_release.git import auth_env
from tests.integration.conftest import ManifestRepo, git

WEB = "ghcr.io/acme/web"
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
PREVIEWS = """preview_environments:
  branch: develop
  path: previews/{app}/pr-{pr}
  template: apps/{app}/overlays/preview
  namespace: "{app}-pr-{pr}"
  host: "{app}-pr-{pr}.preview.example.com"
  ttl: 72h
  max: 2
"""
TEMPLATE = {
    "apps/web/overlays/preview/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
  - ingress.yaml
images:
  - name: ghcr.io/acme/web
    newTag: "1.4.1"
""",
    "apps/web/overlays/preview/ingress.yaml": """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    alb.ingress.kubernetes.io/group.name: previews
spec:
  ingressClassName: alb
  tls:
    - hosts: [web.example.com]
  rules:
    - host: web.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: web, port: {number: 80}}}
""",
}


def commit_files(repo: ManifestRepo, work: Path, branch: str, files: dict[str, str | None]) -> str:
    """Commit `files` (None: delete) on `branch` of the served repository, as a person would."""
    git("checkout", "-q", branch, cwd=work)
    git("pull", "-q", "origin", branch, cwd=work)
    for name, text in files.items():
        path = work / name
        if text is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git("add", "-A", cwd=work)
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "change", cwd=work)
    git("push", "-q", "origin", branch, cwd=work)
    return git("rev-parse", "HEAD", cwd=work).strip()


@pytest.fixture
def work(manifest_repo: ManifestRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone of the served manifest repo this test may push from."""
    for key, value in auth_env(manifest_repo.token).items():
        monkeypatch.setenv(key, value)
    path = tmp_path / "work"
    git("clone", "-q", manifest_repo.git_url, path, cwd=tmp_path)
    return path


@pytest.fixture
def repo(manifest_repo: ManifestRepo, work: Path) -> ManifestRepo:
    """The example manifest repo with previews configured on both branches and the template
    on develop (where previews are committed)."""
    for branch in ("master", "develop"):
        config = work / ".gitops-release.yaml"
        git("checkout", "-q", branch, cwd=work)
        text = config.read_text(encoding="utf-8") + PREVIEWS
        files: dict[str, str | None] = {".gitops-release.yaml": text}
        if branch == "develop":
            files.update(TEMPLATE)
        commit_files(manifest_repo, work, branch, files)
    return manifest_repo
