"""A GitHub emulator for tests and demos: REST, GraphQL auto-merge and git over HTTP on loopback.

    from gitops_release.testing import FakeGitHub, Token, ServerError

    with FakeGitHub(tmp_path / "gh", tokens={"t0k3n": "octocat"}) as gh:
        gh.create_repo("acme/deploy", source=local_checkout)
        gh.inject(ServerError(status=502, times=3, path=r"/repos/acme/deploy/pulls"))
        ...  # point PyGithub at gh.api_url and git at gh.clone_url("acme/deploy", "t0k3n")
        assert gh.log.find(method="POST", route="/repos/{owner}/{repo}/pulls")

The standalone server is `python -m gitops_release.testing.fakegithub`.
"""

from __future__ import annotations

from gitops_release.testing.auth import Token
from gitops_release.testing.faults import (
    BeforeRequest,
    Delay,
    Fault,
    FaultHandle,
    PrimaryRateLimit,
    RejectPush,
    SecondaryRateLimit,
    ServerError,
)
from gitops_release.testing.requestlog import RequestLog, RequestRecord, observe_requests
from gitops_release.testing.server import DeploymentRecord, FakeGitHub, MergedPull, RepoHandle

__all__ = [
    "BeforeRequest",
    "Delay",
    "DeploymentRecord",
    "FakeGitHub",
    "Fault",
    "FaultHandle",
    "MergedPull",
    "PrimaryRateLimit",
    "RejectPush",
    "RepoHandle",
    "RequestLog",
    "RequestRecord",
    "SecondaryRateLimit",
    "ServerError",
    "Token",
    "observe_requests",
]
