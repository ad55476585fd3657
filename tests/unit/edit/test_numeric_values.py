"""A current value YAML reads as a number keeps its type (docs/config.md, "How edits are made")."""

from __future__ import annotations

import pytest

from gitops_release.errors import ManifestError
from tests.unit.edit.helpers import edit

WEB = "ghcr.io/acme/web"


@pytest.mark.parametrize(
    ("kind", "text", "image", "expected"),
    [
        ("helm", "image:\n  tag: 2\n", f"{WEB}:3", "image:\n  tag: 3\n"),
        ("helm", "image:\n  tag: 1.5  # pinned\n", f"{WEB}:1.6", "image:\n  tag: 1.6  # pinned\n"),
        (
            "kustomize",
            "images:\n  - name: ghcr.io/acme/web\n    newTag: 41\n",
            f"{WEB}:42",
            "images:\n  - name: ghcr.io/acme/web\n    newTag: 42\n",
        ),
    ],
    ids=["int-to-int", "float-to-float", "kustomize-int"],
)
def test_same_type_is_written_unquoted(kind: str, text: str, image: str, expected: str) -> None:
    assert edit(kind, text, image) == expected


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("2", "1.2.3", "an int"),
        ("2", "v3", "an int"),
        ("2", "3.0", "an int"),
        ("1.19", "1.20", "a float"),  # 1.20 would read back as 1.2
    ],
)
def test_other_values_are_refused(old: str, new: str, kind: str) -> None:
    with pytest.raises(ManifestError) as caught:
        edit("helm", f"image:\n  tag: {old}\n", f"{WEB}:{new}")
    message = caught.value.message
    assert f"the current value {old} is unquoted and YAML reads it as {kind}" in message
    assert caught.value.hint is not None
    assert f'"{old}"' in caught.value.hint


def test_quoted_current_value_takes_any_tag() -> None:
    assert edit("helm", 'image:\n  tag: "2"\n', f"{WEB}:1.2.3") == 'image:\n  tag: "1.2.3"\n'
