"""`branch-deploy report`: tell the app pull request how its branch deploy went.

comment    — one sticky comment (found by its marker, created or edited) saying what happened:
             building, deployed (image, expiry), refused (why), undeployed, failed;
deployment — for deployed and undeployed, a GitHub Deployment of the head commit to the
             environment with a `success` or `inactive` status, so the pull request's timeline
             shows "deployed to ENV" (and that it went away).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from gitops_release.errors import UsageError
from gitops_release.github import Forge
from gitops_release.github.sticky import StickyAction, upsert_sticky

State = Literal["building", "deployed", "refused", "undeployed", "failed"]
STATES: tuple[State, ...] = ("building", "deployed", "refused", "undeployed", "failed")
MARKER = "<!-- gitops-release:branch-deploy -->"
_DEPLOYMENT_STATE = {"deployed": "success", "undeployed": "inactive"}
_HEADLINES: dict[State, str] = {
    "building": ":hourglass_flowing_sand: Building the image for a branch deploy",
    "deployed": ":rocket: Deployed",
    "refused": ":no_entry: Branch deploy refused",
    "undeployed": ":leftwards_arrow_with_hook: Undeployed",
    "failed": ":x: Branch deploy failed",
}


@dataclass(frozen=True)
class ReportRequest:
    pr: int
    state: State
    environment: str | None = None
    image: str | None = None
    expires_at: str | None = None
    reason: str | None = None
    sha: str | None = None
    run_url: str | None = None  # the workflow run, linked from the comment and the deployment


@dataclass(frozen=True)
class ReportResult:
    pr: int
    state: State
    comment: StickyAction
    comment_url: str
    sha: str | None
    deployment_id: int | None
    deployment_state: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "pr": self.pr,
            "state": self.state,
            "comment": self.comment,
            "comment_url": self.comment_url,
            "sha": self.sha,
            "deployment_id": self.deployment_id,
            "deployment_state": self.deployment_state,
        }


def render(request: ReportRequest) -> str:
    """The comment's Markdown, marker first."""
    where = f" to `{request.environment}`" if request.environment else ""
    headline = _HEADLINES[request.state]
    if request.state in ("deployed", "undeployed"):
        headline += where
    lines = [MARKER, f"### {headline}", ""]
    facts: list[str] = []
    if request.image:
        facts.append(f"- Image: `{request.image}`")
    if request.sha:
        facts.append(f"- Commit: {request.sha}")
    if request.state == "deployed" and request.expires_at:
        facts.append(f"- Expires: {request.expires_at} (then staging is given back)")
    if request.reason:
        facts.append(
            f"- {'Why' if request.state in ('refused', 'failed') else 'Note'}: {request.reason}"
        )
    if request.run_url:
        facts.append(f"- Workflow run: {request.run_url}")
    lines.extend(facts)
    if request.state == "deployed":
        lines += ["", "Comment `/undeploy` (or close the pull request) to give it back."]
    elif request.state in ("refused", "failed", "undeployed"):
        lines += ["", "Comment `/deploy [environment]` to deploy this pull request."]
    return "\n".join(lines).rstrip("\n") + "\n"


def report(request: ReportRequest, forge: Forge) -> ReportResult:
    deployment_state = _DEPLOYMENT_STATE.get(request.state)
    if deployment_state is not None and not request.environment:
        raise UsageError(
            f"--state {request.state} needs --environment: the deployment is recorded for it"
        )
    sha = request.sha
    if sha is None and deployment_state is not None:
        sha = forge.get_pull(request.pr).head_sha
    final = replace(request, sha=sha)
    action, comment = upsert_sticky(forge, request.pr, render(final), marker=MARKER)
    deployment_id = None
    if deployment_state is not None and sha is not None and request.environment:
        what = f"branch deploy of #{request.pr}"
        deployment = forge.create_deployment(
            ref=sha,
            environment=request.environment,
            description=f"{what}: {request.image}" if request.image else what,
            transient=True,
        )
        forge.set_deployment_status(
            deployment.id,
            state=deployment_state,
            description=f"{request.state} ({what})",
            log_url=request.run_url,
        )
        deployment_id = deployment.id
    return ReportResult(
        pr=request.pr,
        state=request.state,
        comment=action,
        comment_url=comment.url,
        sha=sha,
        deployment_id=deployment_id,
        deployment_state=deployment_state if deployment_id is not None else None,
    )
