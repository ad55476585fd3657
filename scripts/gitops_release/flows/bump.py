"""`bump`: open or update the one pull request per (environment, app) that sets an image.

session — check write access, clone the manifest repo empty, read the config on the
          environment's branch;
plan, apply, publish — the image pull request step (`steps.image_pr`).
"""

from __future__ import annotations

from gitops_release.github import Forge
from gitops_release.steps.image_pr import (
    BumpRequest,
    BumpResult,
    branch_name,
    config_and_base,
    propose_image,
)
from gitops_release.steps.image_pr_text import (
    MARKER,
    Source,
    commit_message,
    describe_commit,
    pr_body,
    pr_title,
)
from gitops_release.steps.session import open_checkout

__all__ = [
    "MARKER",
    "BumpRequest",
    "BumpResult",
    "Source",
    "branch_name",
    "bump",
    "commit_message",
    "describe_commit",
    "pr_body",
    "pr_title",
]


def bump(request: BumpRequest, forge: Forge) -> BumpResult:
    with open_checkout(
        request.manifest_repo, request.git_url, request.token, forge,
        purpose="bump", workdir=request.workdir,
    ) as session:  # fmt: skip
        config, base = config_and_base(session, request.env, request.base)
        return propose_image(session, config, base, request)
