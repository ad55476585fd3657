"""`history`: what an environment ran, newest first, from its branch's trailers.

session — an empty clone (read access is enough), the config on the environment's branch;
read    — the deployments of the app (`steps.history`): first-parent commits, no blobs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gitops_release.deployments import Deployment
from gitops_release.github import Forge
from gitops_release.steps.history import read_history, sharing
from gitops_release.steps.session import environment_branch, open_checkout

DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class HistoryRequest:
    manifest_repo: str
    git_url: str
    env: str
    app: str
    limit: int = DEFAULT_LIMIT
    token: str = field(default="", repr=False)


@dataclass(frozen=True)
class HistoryResult:
    env: str
    app: str
    branch: str
    deployments: tuple[Deployment, ...]


def history(request: HistoryRequest, forge: Forge) -> HistoryResult:
    with open_checkout(
        request.manifest_repo, request.git_url, request.token, forge,
        purpose="history", write=False,
    ) as session:  # fmt: skip
        config, branch = environment_branch(session, request.env)
        app = config.app(request.app)
        found = read_history(
            session, branch, env=request.env, app=app.name, limit=request.limit,
            neighbours=sharing(config, branch, session.default_branch),
        )  # fmt: skip
        return HistoryResult(request.env, app.name, branch, found)
