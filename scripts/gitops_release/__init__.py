"""gitops-release: image bumps, promotions, rendered diffs and gates for Argo CD manifest repos."""

__version__ = "0.1.0"
