"""The minimal-diff image edit engine: plan (pure) → verify (re-parse) → apply (atomic)."""

from gitops_release.edit.apply import inside, write_atomically
from gitops_release.edit.model import Edit, PlannedFile
from gitops_release.edit.plan import TargetFiles, plan_set_image, resolve_app

__all__ = [
    "Edit",
    "PlannedFile",
    "TargetFiles",
    "inside",
    "plan_set_image",
    "resolve_app",
    "write_atomically",
]
