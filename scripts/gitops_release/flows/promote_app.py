"""Directory-per-environment promotion: copy one app's image from one environment's targets to
another's, as a bump of the target environment (same branch, same PR rules)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from gitops_release.edit.current import current_image
from gitops_release.errors import ConfigError
from gitops_release.flows.branches import config_on_branch
from gitops_release.flows.bump import BumpRequest, BumpResult, bump
from gitops_release.flows.set_image import read_text, resolve_target_files
from gitops_release.git import Git, auth_env
from gitops_release.github import Forge
from gitops_release.promotion import PROMOTION_LABEL


@dataclass(frozen=True)
class PromoteAppRequest:
    bump: BumpRequest  # env = the target environment; image is filled in from the source
    app: str
    from_env: str
    to_env: str | None = None
    token: str = field(default="", repr=False)


def promote_app(request: PromoteAppRequest, forge: Forge) -> tuple[BumpResult, str]:
    """Returns the bump result and the target environment's name."""
    base_request = request.bump
    default_branch = forge.check_write_access()
    with tempfile.TemporaryDirectory(prefix="gitops-release-promote-app-") as tmp:
        git = Git.init(Path(tmp) / "repo", base_request.git_url, auth_env(request.token))
        heads = git.remote_heads()
        branch = base_request.base or default_branch
        config = config_on_branch(git, heads, branch, base_request.manifest_repo)
        source = config.environment(request.from_env)
        target = (
            config.environment(request.to_env)
            if request.to_env
            else config.promotion_target(request.from_env)
        )
        app = config.app(request.app)
        targets = app.targets_for(source.name)
        if not targets:
            raise ConfigError(f"app '{app.name}' has no targets for environment '{source.name}'")
        git.sparse_checkout(
            f"refs/remotes/origin/{branch}", [".gitops-release.yaml", *(t.path for t in targets)]
        )
        resolved = [resolve_target_files(git.cwd, t, config.source) for t in targets]
        texts = {n: read_text(git.cwd, n) for e in resolved for n in e.files}
        image = current_image(app, resolved, texts)
    labels = (*base_request.labels, PROMOTION_LABEL, *config.promote_labels)
    result = bump(
        replace(
            base_request,
            env=target.name,
            image=str(image),
            app=app.name,
            base=branch,
            labels=tuple(dict.fromkeys(labels)),
        ),
        forge,
    )
    return result, target.name
