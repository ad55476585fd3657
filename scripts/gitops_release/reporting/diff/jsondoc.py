"""The rendered diff as the JSON document of `diff --format json` (a public contract)."""

from __future__ import annotations

from typing import Any

from gitops_release.diff.model import DiffResult, RootDiff


def to_json(result: DiffResult) -> dict[str, Any]:
    """The JSON document of `diff --format json` (keys documented in docs/rendering.md)."""
    return {
        "base": result.base,
        "head": result.head,
        "base_commit": result.base_commit,
        "head_commit": result.head_commit,
        "changed_files": list(result.changed_files),
        "unrendered_files": list(result.unrendered_files),
        "unrendered_notes": dict(result.unrendered_notes),
        "roots": [_root_json(r) for r in result.roots],
    }


def _root_json(root: RootDiff) -> dict[str, Any]:
    return {
        "name": root.name,
        "path": root.path,
        "kind": root.kind,
        "key": root.key,
        "presence": root.presence,
        "status": root.status,
        "error": root.error,
        "resources": [
            {
                "apiVersion": r.api_version,
                "kind": r.kind,
                "namespace": r.namespace,
                "name": r.name,
                "change": r.change,
                "diff": r.diff,
            }
            for r in root.resources
        ],
        "images": [
            {"resource": i.resource, "container": i.container, "from": i.old, "to": i.new}
            for i in root.images
        ],
    }
