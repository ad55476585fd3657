"""The flows' results (set-image, bump, promote, preview, tags) in every format."""

from gitops_release.reporting.jsondoc import dumps
from gitops_release.reporting.results.actions import (
    bump_outputs,
    bump_summary,
    preview_outputs,
    promote_outputs,
    promote_summary,
    tags_outputs,
)
from gitops_release.reporting.results.jsondoc import (
    bump_json,
    preview_json,
    promote_app_json,
    promote_json,
    set_image_json,
    tags_json,
)
from gitops_release.reporting.results.text import (
    bump_text,
    preview_text,
    promote_text,
    set_image_text,
)

__all__ = [
    "bump_json",
    "bump_outputs",
    "bump_summary",
    "bump_text",
    "dumps",
    "preview_json",
    "preview_outputs",
    "preview_text",
    "promote_app_json",
    "promote_json",
    "promote_outputs",
    "promote_summary",
    "promote_text",
    "set_image_json",
    "set_image_text",
    "tags_json",
    "tags_outputs",
]
