"""Secret values never appear in any output format, yet a changed key is visible as changed."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from gitops_release.render.checkout import render_revision, write_rendered
from tests.conftest import RunCli

from .repos import commit, init_repo

pytestmark = pytest.mark.integration

OLD = "correct-horse-battery-staple-1"
NEW = "tr0ub4dor&3-the-new-password"
GENERATED = "generated-literal-s3cr3t-value"


def secret_files(password: str, literal: str) -> dict[str, str | None]:
    encoded = base64.b64encode(password.encode()).decode()
    return {
        "apps/db/kustomization.yaml": f"""
            namespace: db
            resources: [secret.yaml, list.yaml]
            secretGenerator:
              - name: generated
                literals: [token={literal}]
        """,
        "apps/db/secret.yaml": f"""
            apiVersion: v1
            kind: Secret
            metadata: {{name: db}}
            data:
              password: {encoded}
              user: {base64.b64encode(b"admin").decode()}
            stringData:
              dsn: postgres://admin:{password}@db:5432/app
        """,
        "apps/db/list.yaml": f"""
            apiVersion: v1
            kind: List
            items:
              - apiVersion: v1
                kind: Secret
                metadata: {{name: listed}}
                stringData:
                  key: {password}
        """,
    }


def forbidden(*values: str) -> list[str]:
    out = []
    for value in values:
        out += [value, base64.b64encode(value.encode()).decode()]
    return out


def test_secret_values_never_leak(run_cli: RunCli, tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo", secret_files(OLD, GENERATED))
    commit(repo, secret_files(NEW, GENERATED + "-2"))
    outputs = {}
    for fmt in ("text", "markdown", "json"):
        result = run_cli(
            "diff", "--repo", repo, "--base", "HEAD~1", "--head", "HEAD", "--format", fmt
        )
        assert result.exit_code == 0, result.output
        outputs[fmt] = result.stdout + result.stderr
    for fmt, text in outputs.items():
        for value in forbidden(OLD, NEW, GENERATED, GENERATED + "-2", "postgres://admin:"):
            assert value not in text, (fmt, value)
    data = json.loads(outputs["json"])
    [root] = data["roots"]
    changes = {(r["kind"], r["name"]): r for r in root["resources"]}
    password = changes["Secret", "db"]["diff"]
    minus = [ln for ln in password.splitlines() if ln.startswith("-  password:")]
    plus = [ln for ln in password.splitlines() if ln.startswith("+  password:")]
    assert len(minus) == len(plus) == 1
    assert minus[0] != plus[0]
    assert "<secret sha256:" in minus[0]
    assert "user:" not in "".join(
        ln for ln in password.splitlines() if ln[:1] in "+-" and "user" in ln
    )
    assert ("Secret", "listed") in changes  # a Secret inside `kind: List` is diffed and redacted
    assert "<secret sha256:" in changes["Secret", "listed"]["diff"]


def test_written_renders_are_redacted(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo", secret_files(OLD, GENERATED))
    rendered = render_revision(repo, "HEAD")
    assert not rendered.failed
    written = write_rendered(rendered.rendered, tmp_path / "out")
    [path] = written.values()
    assert path.name == "apps_db.yaml"
    text = path.read_text(encoding="utf-8")
    assert "kind: Secret" in text
    for value in forbidden(OLD, GENERATED):
        assert value not in text
