"""The tool's own small records in a manifest repository (branch-deploy locks, preview
records): comment lines on top, then one `key: value` per field with JSON scalars (valid YAML
that round-trips any value exactly); read back with a safe parser and a clear error naming the
file when it is not one. Pure: texts in, texts out."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from gitops_release.errors import ManifestError


def record_text(comments: Sequence[str], values: Mapping[str, Any]) -> str:
    lines = [f"# {line}" for line in comments]
    lines += [f"{key}: {json.dumps(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def load_record(
    text: str, *, where: str, fields: Sequence[str], what: str, hint: str
) -> dict[str, Any]:
    """The mapping in `text`, with every one of `fields`; `where` names the file in errors."""
    # Imported here: writing a record must not load a YAML parser.
    from ruamel.yaml import YAML  # noqa: PLC0415
    from ruamel.yaml.error import YAMLError  # noqa: PLC0415

    try:
        data = YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        raise ManifestError(f"{where}: not valid YAML ({exc})", hint=hint) from None
    missing = [k for k in fields if not isinstance(data, dict) or k not in data]
    if missing:
        raise ManifestError(f"{where}: not {what} (missing {', '.join(missing)})", hint=hint)
    assert isinstance(data, dict)
    return data
