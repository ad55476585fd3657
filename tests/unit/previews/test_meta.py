"""The preview record: written, read back exactly, and bad records named with a fix."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gitops_release.errors import ManifestError
from gitops_release.previews.meta import META_FILE, PreviewMeta, parse_meta

WHEN = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
RECORD = PreviewMeta(
    path="previews/web/pr-7",
    app="web",
    pr=7,
    source="acme/web",
    image="ghcr.io/acme/web:pr-7@sha256:" + "a" * 64,
    namespace="web-pr-7",
    url="https://web-pr-7.preview.example.com",
    actor='o"cto: cat',
    created_at=WHEN,
    updated_at=WHEN,
    expires_at=datetime(2026, 12, 5, 12, 0, tzinfo=UTC),
)


def test_round_trip() -> None:
    text = RECORD.to_text()
    assert text.startswith("# Preview of acme/web#7 for app web, until 2026-12-05T12:00:00Z.")
    assert parse_meta(RECORD.path, text) == RECORD
    assert RECORD.file == f"previews/web/pr-7/{META_FILE}"


def test_expiry() -> None:
    assert not RECORD.expired(WHEN)
    assert RECORD.expired(RECORD.expires_at)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("app: [\n", "not valid YAML"),
        ("app: web\n", r"not a preview record \(missing pr, source"),
        (RECORD.to_text().replace('"2026-12-05T12:00:00Z"', '"soon"'), "Invalid isoformat"),
        (RECORD.to_text().replace("pr: 7", 'pr: "seven"'), "invalid literal"),
    ],
)
def test_bad_records_name_the_file(text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message) as caught:
        parse_meta("previews/web/pr-7", text)
    assert caught.value.message.startswith(f"previews/web/pr-7/{META_FILE}:")
    assert "fix or delete previews/web/pr-7" in (caught.value.hint or "")
