"""`preview`: the rendered diff of a manifest PR and its gate results, as one sticky comment
(the pull-request preview step, `steps.pr_preview`, for the PR given)."""

from __future__ import annotations

from gitops_release.steps.pr_preview import (
    STATUS_CONTEXT,
    PreviewRequest,
    PreviewResult,
    preview,
    publish_comment,
)

__all__ = ["STATUS_CONTEXT", "PreviewRequest", "PreviewResult", "preview", "publish_comment"]
