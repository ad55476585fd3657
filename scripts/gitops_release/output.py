"""Rendering flow results for people (text) and programs (JSON). No flow logic here."""

from __future__ import annotations

import json
from typing import Any

from gitops_release.flows.set_image import SetImageResult


def set_image_json(result: SetImageResult) -> dict[str, Any]:
    return {
        "changed": result.changed,
        "written": result.written,
        "app": result.app,
        "env": result.env,
        "image": result.image,
        "previous_image": result.previous_image,
        "files": [c.file for c in result.changes if c.changed],
        "edits": [e.to_json() for e in result.edits],
    }


def set_image_text(result: SetImageResult, *, dry_run: bool) -> str:
    if not result.changed:
        return f"{result.app}: {result.env} already runs {result.image}; nothing to change."
    lines = [
        f"{result.app}: {result.env} → {result.image}"
        + (" (dry run: nothing written)" if dry_run else "")
    ]
    for edit in result.edits:
        old = edit.old if edit.old is not None else "(added)"
        new = edit.new if edit.new is not None else "(removed)"
        lines.append(f"  {edit.file}:{edit.line}  {old} → {new}")
    return "\n".join(lines)


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False)
