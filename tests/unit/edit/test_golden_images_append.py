"""Byte-exact golden tests for a kustomize `images:` entry that is added, not edited.

The new lines follow the file: its list indentation (2 under the key, none, 4, ...) and its line
endings; the edit's line is the line of the new entry's `- `.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import RunCli
from tests.unit.edit.helpers import edit, plan_one

WEB = "ghcr.io/acme/web"
DIGEST = "sha256:" + "c" * 64

# (id, input, image, expected output, line of the new entry in the output)
CASES: list[tuple[str, str, str, str, int]] = [
    (
        "indented-list-appended",
        'resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/api\n    newTag: "2"\n',
        f"{WEB}:1.4.2",
        (
            'resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/api\n    newTag: "2"\n'
            "  - name: ghcr.io/acme/web\n    newTag: 1.4.2\n"
        ),
        6,
    ),
    (
        "non-indented-list-appended",
        (
            'resources:\n- ../../base\nimages:\n- name: ghcr.io/acme/api\n  newTag: "2"\n'
            "namespace: web\n"
        ),
        f"{WEB}:1.4.2",
        (
            'resources:\n- ../../base\nimages:\n- name: ghcr.io/acme/api\n  newTag: "2"\n'
            "- name: ghcr.io/acme/web\n  newTag: 1.4.2\nnamespace: web\n"
        ),
        6,
    ),
    (
        "no-images-key-indented-file",
        (
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: web\n"
            "resources:\n  - ../../base\n"
        ),
        f"{WEB}:1.4.2",
        (
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: web\n"
            "resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/web\n    newTag: 1.4.2\n"
        ),
        7,
    ),
    (
        "no-images-key-non-indented-file",
        "resources:\n- ../../base\nnamespace: web\n",
        f"{WEB}:1.4.2",
        (
            "resources:\n- ../../base\nnamespace: web\nimages:\n- name: ghcr.io/acme/web\n"
            "  newTag: 1.4.2\n"
        ),
        5,
    ),
    (
        "no-images-key-four-space-lists",
        "resources:\n    - ../../base\n",
        f"{WEB}:1.4.2",
        (
            "resources:\n    - ../../base\nimages:\n    - name: ghcr.io/acme/web\n"
            "      newTag: 1.4.2\n"
        ),
        4,
    ),
    (
        "no-images-key-no-lists-at-all-as-kustomize-writes",
        "namespace: web\ncommonLabels:\n  app: web\n",
        f"{WEB}:1.4.2",
        (
            "namespace: web\ncommonLabels:\n  app: web\nimages:\n- name: ghcr.io/acme/web\n"
            "  newTag: 1.4.2\n"
        ),
        5,
    ),
    (
        "no-images-key-before-trailing-comment-and-document-end",
        "resources:\n  - ../../base  # base\n# the end\n...\n",
        f"{WEB}:1.4.2",
        (
            "resources:\n  - ../../base  # base\nimages:\n  - name: ghcr.io/acme/web\n"
            "    newTag: 1.4.2\n# the end\n...\n"
        ),
        4,
    ),
    (
        "no-images-key-no-final-newline",
        "resources:\n  - ../../base",
        f"{WEB}:1.4.2",
        "resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/web\n    newTag: 1.4.2\n",
        4,
    ),
    (
        "images-key-without-value-keeps-its-comment",
        "resources:\n  - ../../base\nimages:   # set by gitops-release\nnamespace: web\n",
        f"{WEB}:1.4.2@{DIGEST}",
        (
            "resources:\n  - ../../base\nimages:   # set by gitops-release\n"
            f"  - name: ghcr.io/acme/web\n    newTag: 1.4.2\n    digest: {DIGEST}\nnamespace: web\n"
        ),
        4,
    ),
    (
        "images-key-explicit-null",
        "resources:\n  - ../../base\nimages: ~\n",
        f"{WEB}:1.4.2",
        "resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/web\n    newTag: 1.4.2\n",
        4,
    ),
    (
        "crlf-indented-list-appended",
        (
            "resources:\r\n  - ../../base\r\nimages:\r\n  - name: ghcr.io/acme/api\r\n"
            '    newTag: "2"\r\n'
        ),
        f"{WEB}:1.4.2",
        (
            "resources:\r\n  - ../../base\r\nimages:\r\n  - name: ghcr.io/acme/api\r\n"
            '    newTag: "2"\r\n  - name: ghcr.io/acme/web\r\n    newTag: 1.4.2\r\n'
        ),
        6,
    ),
    (
        "crlf-no-images-key",
        "# overlay\r\nresources:\r\n  - ../../base\r\n",
        f"{WEB}:1.4.2",
        (
            "# overlay\r\nresources:\r\n  - ../../base\r\nimages:\r\n  - name: ghcr.io/acme/web\r\n"
            "    newTag: 1.4.2\r\n"
        ),
        5,
    ),
    (
        "crlf-no-images-key-non-indented",
        "resources:\r\n- ../../base\r\n",
        f"{WEB}:1.4.2",
        "resources:\r\n- ../../base\r\nimages:\r\n- name: ghcr.io/acme/web\r\n  newTag: 1.4.2\r\n",
        4,
    ),
    (
        "flow-list-entry-added-on-its-line",
        "resources: [../../base]\nimages: [{name: ghcr.io/acme/api, newTag: '2'}]\n",
        f"{WEB}:1.4.2",
        (
            "resources: [../../base]\n"
            "images: [{name: ghcr.io/acme/api, newTag: '2'}, {name: ghcr.io/acme/web, newTag: 1.4.2}]\n"
        ),
        2,
    ),
    (
        "flow-document-gets-a-flow-list",
        "{resources: [../../base]}\n",
        f"{WEB}:1.4.2",
        "{resources: [../../base], images: [{name: ghcr.io/acme/web, newTag: 1.4.2}]}\n",
        1,
    ),
]


@pytest.mark.parametrize(
    ("text", "image", "expected", "line"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_golden(text: str, image: str, expected: str, line: int) -> None:
    change = plan_one("kustomize", text, image)
    assert change.after == expected
    (added,) = change.edits
    assert added.key == "images[+]"
    assert added.line == line
    entry = change.after.splitlines()[line - 1]
    assert f"name: {WEB}" in entry


@pytest.mark.parametrize(
    ("text", "image", "expected", "line"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_idempotent(text: str, image: str, expected: str, line: int) -> None:
    del text, line
    assert edit("kustomize", expected, image) == expected


def test_set_image_json_gives_the_line_of_the_new_entry(
    run_cli: RunCli, example_repo: Path
) -> None:
    overlay = example_repo / "apps/web/overlays/production/kustomization.yaml"
    text = overlay.read_text("utf-8")
    overlay.write_text(text[: text.index("images:")], "utf-8")  # no images: yet
    result = run_cli(
        "set-image", "--repo", example_repo, "--env", "production", "--image", f"{WEB}:1.5.0",
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (added,) = json.loads(result.stdout)["edits"]
    lines = overlay.read_text("utf-8").splitlines()
    assert added["key"] == "images[+]"
    assert lines[added["line"] - 1] == f"  - name: {WEB}"  # the file indents its lists by 2
    assert lines[added["line"]] == "    newTag: 1.5.0"
