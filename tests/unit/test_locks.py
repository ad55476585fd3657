"""Branch-deploy locks: written text reads back the same; a damaged lock names its file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gitops_release.errors import ManifestError
from gitops_release.locks import Lock, lock_path, parse_lock

WHEN = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_round_trip_and_expiry() -> None:
    lock = Lock(
        "staging", "web", "acme/web#42", "ghcr.io/acme/web:pr-42-abc: odd", None, "octo",
        WHEN, WHEN + timedelta(hours=8),
    )  # fmt: skip
    text = lock.to_text()
    assert text.startswith(
        "# staging is lent to acme/web#42 for app web until 2026-12-02T20:00:00Z."
    )
    assert 'expires_at: "2026-12-02T20:00:00Z"' in text
    assert parse_lock("staging", "web", text) == lock
    assert not lock.expired(WHEN + timedelta(hours=7, minutes=59))
    assert lock.expired(WHEN + timedelta(hours=8))
    assert lock.path == lock_path("staging", "web") == ".gitops-release/locks/staging/web.yaml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("holder: [unclosed\n", "not valid YAML"),
        ("holder: acme/web#1\n", "not a branch-deploy lock (missing image, restore_image"),
        ("- a list\n", "not a branch-deploy lock"),
        (
            (
                'holder: a#1\nimage: i\nrestore_image: null\nactor: x\ndeployed_at: "soon"\n'
                'expires_at: "2026-12-02T20:00:00Z"\n'
            ),
            "Invalid isoformat string",
        ),
    ],
)
def test_a_damaged_lock_names_its_file(text: str, message: str) -> None:
    with pytest.raises(ManifestError) as caught:
        parse_lock("staging", "web", text)
    assert str(caught.value).startswith(".gitops-release/locks/staging/web.yaml: ")
    assert message in str(caught.value)
    assert "fix or delete .gitops-release/locks/staging/web.yaml" in str(caught.value)
