"""Secret values collected from a root's sources, to mask renderer errors and diffs."""

from __future__ import annotations

import base64
from pathlib import Path

from gitops_release.render.secret_sources import source_secrets


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_generator_literals_files_and_env_files(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "app/kustomization.yaml": (
                "secretGenerator:\n"
                "- name: s\n"
                "  literals: [password=S3CRET-LITERAL, HUNTER2-NO-EQUALS]\n"
                "  files: [tls.key, renamed=creds.txt]\n"
                "  envs: [app.env]\n"
                "- name: legacy\n"
                "  env: old.env\n"
            ),
            "app/tls.key": "-----BEGIN KEY-----\nKEYBODY-123\n-----END KEY-----\n",
            "app/creds.txt": "CREDS-FILE-VALUE\n",
            "app/app.env": "# comment\nAPI_KEY=ENV-VALUE-1\nLINE-WITHOUT-EQUALS\n",
            "app/old.env": "OLD=LEGACY-VALUE\n",
        },
    )
    found = source_secrets(tmp_path, ["app/kustomization.yaml"])
    for value in (
        "S3CRET-LITERAL",
        "password=S3CRET-LITERAL",
        "HUNTER2-NO-EQUALS",
        "KEYBODY-123",
        "CREDS-FILE-VALUE",
        "ENV-VALUE-1",
        "LINE-WITHOUT-EQUALS",
        "LEGACY-VALUE",
        base64.b64encode(b"S3CRET-LITERAL").decode(),
    ):
        assert value in found, value
    assert "# comment" not in found


def test_secret_manifests_give_data_and_string_data(tmp_path: Path) -> None:
    encoded = base64.b64encode(b"DATA-VALUE-42").decode()
    _write(
        tmp_path,
        {
            "m/secret.yaml": (
                "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
                f"data: {{a: {encoded}}}\nstringData: {{b: STRING-VALUE-42}}\n"
            ),
            "m/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {x: PLAIN}\n",
        },
    )
    found = source_secrets(tmp_path, ["m/secret.yaml", "m/cm.yaml"])
    assert {"DATA-VALUE-42", encoded, "STRING-VALUE-42"} <= found
    assert "PLAIN" not in found


def test_links_and_files_outside_the_checkout_are_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.env"
    outside.write_text("OUTSIDE=MUST-NOT-BE-READ\n")
    repo = tmp_path / "repo"
    _write(
        repo,
        {
            "app/kustomization.yaml": "secretGenerator:\n- name: s\n  envs: [link.env, ../../outside.env]\n"
        },
    )
    (repo / "app" / "link.env").symlink_to(outside)
    assert "MUST-NOT-BE-READ" not in source_secrets(repo, ["app/kustomization.yaml"])


def test_malformed_sources_give_what_can_be_read(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {"k/kustomization.yaml": "secretGenerator: [\n", "m/s.yaml": "kind: Secret\n: :\n"},
    )
    assert (
        source_secrets(tmp_path, ["k/kustomization.yaml", "m/s.yaml", "missing.yaml"])
        == frozenset()
    )
