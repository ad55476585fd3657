"""The rendered diff as JSON and as terminal text (the PR comment is built in `diff.markdown`)."""

from gitops_release.reporting.diff.jsondoc import to_json
from gitops_release.reporting.diff.text import to_text

__all__ = ["to_json", "to_text"]
