"""The rendered diff: JSON, terminal text, and the PR comment and job summary (`markdown`)."""

from gitops_release.reporting.diff.jsondoc import to_json
from gitops_release.reporting.diff.text import to_text

__all__ = ["to_json", "to_text"]
