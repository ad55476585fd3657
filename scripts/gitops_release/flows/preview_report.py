"""`preview-env report`: tell the app pull request how its preview environment is.

comment    — one sticky comment per app (found by its marker, created or edited): building, up
             (URL, image, expiry), refused (why), removed, failed. A comment written before the
             app was known (building, a refusal from `parse`) is taken over by the app's.
deployment — for up, a GitHub Deployment of the head commit to `preview/<app>/pr-<N>` with a
             `success` status carrying the preview's URL (`environment_url`: the pull request
             shows "View deployment"); earlier ones of that environment are made inactive. For
             removed, every deployment of that environment still active is marked `inactive`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from gitops_release.errors import UsageError
from gitops_release.github import Comment, Forge
from gitops_release.github.sticky import StickyAction

State = Literal["building", "up", "refused", "removed", "failed"]
STATES: tuple[State, ...] = ("building", "up", "refused", "removed", "failed")
MARKER = "<!-- gitops-release:preview-env -->"  # before the app is known
_HEADLINES: dict[State, str] = {
    "building": ":hourglass_flowing_sand: Building the image for a preview environment",
    "up": ":rocket: Preview environment is up",
    "refused": ":no_entry: Preview environment refused",
    "removed": ":wastebasket: Preview environment removed",
    "failed": ":x: Preview environment failed",
}


def marker(app: str | None) -> str:
    """The hidden first line of the app's preview comment (distinct from branch deploys')."""
    return f"<!-- gitops-release:preview-env:{app} -->" if app else MARKER


def environment(app: str, pr: int) -> str:
    """The GitHub Deployment environment of a preview."""
    return f"preview/{app}/pr-{pr}"


@dataclass(frozen=True)
class ReportRequest:
    pr: int
    state: State
    app: str | None = None
    url: str | None = None
    image: str | None = None
    expires_at: str | None = None
    reason: str | None = None
    sha: str | None = None
    run_url: str | None = None  # the workflow run, linked from the comment and the deployment


@dataclass(frozen=True)
class ReportResult:
    pr: int
    state: State
    app: str | None
    comment: StickyAction
    comment_url: str
    sha: str | None
    environment: str | None
    deployment_id: int | None
    deployment_state: str | None
    inactivated: tuple[int, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "pr": self.pr,
            "state": self.state,
            "app": self.app,
            "comment": self.comment,
            "comment_url": self.comment_url,
            "sha": self.sha,
            "environment": self.environment,
            "deployment_id": self.deployment_id,
            "deployment_state": self.deployment_state,
            "inactivated": list(self.inactivated),
        }


def render(request: ReportRequest) -> str:
    """The comment's Markdown, marker first."""
    headline = _HEADLINES[request.state]
    if request.app and request.state in ("up", "removed"):
        headline += f": `{request.app}`"
    lines = [marker(request.app), f"### {headline}", ""]
    if request.state == "up" and request.url:
        lines += [f"**{request.url}**", ""]
    facts: list[str] = []
    if request.url and request.state != "up":
        facts.append(f"- URL: {request.url}")
    if request.image:
        facts.append(f"- Image: `{request.image}`")
    if request.sha:
        facts.append(f"- Commit: {request.sha}")
    if request.state == "up" and request.expires_at:
        facts.append(f"- Expires: {request.expires_at} (then it is removed; a push renews it)")
    if request.reason:
        facts.append(
            f"- {'Why' if request.state in ('refused', 'failed') else 'Note'}: {request.reason}"
        )
    if request.run_url:
        facts.append(f"- Workflow run: {request.run_url}")
    lines.extend(facts)
    if request.state == "up":
        lines += [
            "",
            "Every push updates it. Comment `/unpreview` (or close the pull request) to remove it.",
        ]
    elif request.state in ("refused", "failed", "removed"):
        lines += ["", "Comment `/preview` to open a preview environment of this pull request."]
    return "\n".join(lines).rstrip("\n") + "\n"


def _upsert(forge: Forge, number: int, body: str, app: str | None) -> tuple[StickyAction, Comment]:
    """Edit the app's comment, else the one from before the app was known, else create one."""
    comments = forge.list_comments(number)
    for wanted in dict.fromkeys((marker(app), MARKER)):
        current = next((c for c in comments if c.body.startswith(wanted)), None)
        if current is not None:
            if current.body == body:
                return "unchanged", current
            return "updated", forge.update_comment(number, current.id, body)
    return "created", forge.create_comment(number, body)


def report(request: ReportRequest, forge: Forge) -> ReportResult:
    records = request.state in ("up", "removed")
    if records and not request.app:
        raise UsageError(
            f"--state {request.state} needs --app: the deployment is recorded for "
            "preview/<app>/pr-<N>",
            hint="pass the app that `preview-env up` or `down` printed",
        )
    sha = request.sha
    if sha is None and request.state == "up":
        sha = forge.get_pull(request.pr).head_sha
    final = replace(request, sha=sha)
    action, comment = _upsert(forge, request.pr, render(final), request.app)
    where = environment(request.app, request.pr) if records and request.app else None
    deployment_id: int | None = None
    inactivated: tuple[int, ...] = ()
    if where is not None and request.state == "up" and sha is not None:
        deployment_id = _record_up(forge, final, where, sha)
        inactivated = _deactivate(forge, where, keep=deployment_id, why="superseded")
    elif where is not None:
        inactivated = _deactivate(forge, where, keep=None, why="preview removed")
    state = "success" if deployment_id is not None else "inactive" if inactivated else None
    return ReportResult(
        pr=request.pr,
        state=request.state,
        app=request.app,
        comment=action,
        comment_url=comment.url,
        sha=sha,
        environment=where,
        deployment_id=deployment_id if deployment_id is not None else next(iter(inactivated), None),
        deployment_state=state,
        inactivated=inactivated,
    )


def _record_up(forge: Forge, request: ReportRequest, where: str, sha: str) -> int:
    what = f"preview of #{request.pr}"
    deployment = forge.create_deployment(
        ref=sha,
        environment=where,
        description=f"{what}: {request.image}" if request.image else what,
        transient=True,
    )
    forge.set_deployment_status(
        deployment.id,
        state="success",
        description=f"up ({what})",
        environment_url=request.url,
        log_url=request.run_url,
    )
    return deployment.id


def _deactivate(forge: Forge, where: str, *, keep: int | None, why: str) -> tuple[int, ...]:
    """Mark inactive every deployment of `where` (but `keep`) whose latest status is not."""
    done: list[int] = []
    for deployment in forge.list_deployments(environment=where):
        if deployment.id == keep:
            continue
        if forge.deployment_state(deployment.id) in ("inactive", None):
            continue
        forge.set_deployment_status(deployment.id, state="inactive", description=why)
        done.append(deployment.id)
    return tuple(done)


def expired_requests(
    items: Sequence[Mapping[str, Any]], repo: str, *, run_url: str | None = None
) -> tuple[list[ReportRequest], list[str]]:
    """`removed` reports for the previews of `repo` in an `expire` list, and the others
    (`OWNER/NAME#N`), which belong to other app repositories and are left to them."""
    mine: list[ReportRequest] = []
    others: list[str] = []
    for item in items:
        if str(item["repo"]).lower() != repo.lower():
            others.append(f"{item['repo']}#{item['pr']}")
            continue
        mine.append(
            ReportRequest(
                pr=int(item["pr"]),
                state="removed",
                app=str(item["app"]),
                url=item.get("url") or None,
                image=item.get("image") or None,
                reason=f"expired at {item.get('expires_at')}",
                run_url=run_url,
            )
        )
    return mine, others
