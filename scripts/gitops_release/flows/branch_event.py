"""`branch-deploy parse`: what a `/deploy` or `/undeploy` comment (or a closed pull request) on an
app repository asks for, and whether it may have it.

read    — the event JSON (`read_event`): command, environment, pull request, who asked;
check   — through the forge: the pull request as it is now (open, not from a fork, its head),
          and the commenter's role against the minimum;
feedback — 👀 on the comment, for every /deploy or /undeploy, allowed or not.

Refusals are data (`allowed: false` and a reason), never errors: the workflow reports them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

from gitops_release.errors import GitHubError, UsageError
from gitops_release.github import ROLES, Forge, PullRequest, Role

Command = Literal["deploy", "undeploy", "none"]
EventName = Literal["issue_comment", "pull_request"]
COMMANDS: dict[str, Command] = {"/deploy": "deploy", "/undeploy": "undeploy"}
REACTION = "eyes"
_ENVIRONMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class EventRequest:
    """What the event says, before anything is asked of GitHub."""

    command: Command
    repo: str | None
    environment: str | None = None
    pr: int | None = None
    actor: str = ""
    comment_id: int | None = None
    sha: str | None = None  # known from the event itself (pull_request closed)
    branch: str | None = None
    allowed: bool = False
    reason: str = ""
    checks: bool = True  # whether permission and pull request must still be checked

    @property
    def needs_github(self) -> bool:
        """Whether deciding needs the API: checks to make, or a comment to react to."""
        return self.command != "none" and (self.checks or self.comment_id is not None)


@dataclass(frozen=True)
class EventDecision:
    """The answer `branch-deploy parse` prints (`as_json`) and writes as step outputs."""

    command: Command
    environment: str | None
    pr: int | None
    sha: str | None
    branch: str | None
    actor: str
    allowed: bool
    reason: str
    warnings: tuple[str, ...] = ()

    @classmethod
    def of(cls, request: EventRequest) -> EventDecision:
        """The decision the event alone makes (what `decide` starts from)."""
        return cls(
            command=request.command,
            environment=request.environment,
            pr=request.pr,
            sha=request.sha,
            branch=request.branch,
            actor=request.actor,
            allowed=request.allowed,
            reason=request.reason,
        )

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["warnings"]
        return data

    def outputs(self) -> dict[str, str]:
        """Step outputs: each key as text (null as "", booleans as true/false)."""

        def text(value: object) -> str:
            if value is None:
                return ""
            if isinstance(value, bool):
                return "true" if value else "false"
            return str(value)

        return {key: text(value) for key, value in self.as_json().items()}


def load_event(path: Path) -> dict[str, Any]:
    """The event JSON at `path`; a usage error naming the file when it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(
            f"cannot read the event file {path}: {exc.strerror or exc}",
            hint='pass --event "$GITHUB_EVENT_PATH"',
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"the event file {path} is not valid JSON: {exc}",
            hint="pass the webhook payload GitHub Actions writes to $GITHUB_EVENT_PATH",
        ) from None
    if not isinstance(data, dict):
        raise UsageError(f"the event file {path} does not hold a JSON object")
    return data


def read_event(data: Mapping[str, Any], event_name: EventName, *, source: str) -> EventRequest:
    """Decide what the event asks for from its JSON alone (`source` names it in errors)."""
    try:
        if event_name == "pull_request":
            return _pull_request_event(data)
        return _comment_event(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(
            f"the event file {source} is not a {event_name} event: missing or invalid {exc}",
            hint=f'run on: {event_name} and pass --event "$GITHUB_EVENT_PATH" '
            f"--event-name {event_name}",
        ) from None


def _repo_of(data: Mapping[str, Any]) -> str | None:
    repository = data.get("repository")
    return str(repository["full_name"]) if isinstance(repository, dict) else None


def _pull_request_event(data: Mapping[str, Any]) -> EventRequest:
    pull = data["pull_request"]
    number = int(pull["number"])
    actor = str((data.get("sender") or pull.get("user") or {}).get("login") or "")
    repo = _repo_of(data)
    action = str(data["action"])
    if action != "closed":
        return EventRequest(
            "none",
            repo,
            pr=number,
            actor=actor,
            reason=f"pull_request '{action}' is not a close: only closing gives staging back",
            checks=False,
        )
    head = pull.get("head") or {}
    return EventRequest(
        "undeploy",
        repo,
        pr=number,
        actor=actor,
        sha=head.get("sha"),
        branch=head.get("ref"),
        allowed=True,
        reason="the pull request was closed",
        checks=False,
    )


def _comment_event(data: Mapping[str, Any]) -> EventRequest:
    comment, issue = data["comment"], data["issue"]
    action = str(data["action"])
    number = int(issue["number"])
    user = comment["user"]
    actor = str(user["login"])
    repo = _repo_of(data)
    base = EventRequest("none", repo, pr=number, actor=actor, comment_id=int(comment["id"]))
    if action != "created":
        return replace(
            base,
            reason=f"the comment was {action}: edited and deleted comments are ignored, "
            "post a new comment",
            checks=False,
        )
    if not issue.get("pull_request"):
        return replace(
            base,
            reason=f"#{number} is an issue, not a pull request: branch deploys are asked for "
            "on pull requests",
            checks=False,
        )
    words = str(comment.get("body") or "").split()
    command = COMMANDS.get(words[0]) if words else None
    if command is None:
        return replace(base, reason="not a /deploy or /undeploy command", checks=False)
    environment = words[1] if len(words) > 1 else None
    asked = replace(base, command=command, environment=environment)
    if user.get("type") == "Bot":
        return replace(asked, reason=f"{actor} is a bot: only people may ask for branch deploys")
    if environment is not None and not _ENVIRONMENT.fullmatch(environment):
        return replace(
            asked, environment=None, reason=f"'{environment}' is not an environment name"
        )
    return replace(asked, allowed=True)


def decide(
    request: EventRequest,
    forge: Forge,
    *,
    min_role: Role = "write",
    allow_forks: bool = False,
) -> EventDecision:
    """Check what the event asks for against GitHub, react 👀, and return the decision.

    The pull request is read now, so `sha` is its head at the moment the comment is handled.
    """
    warnings: list[str] = []
    if request.command != "none" and request.comment_id is not None:
        try:
            forge.react_to_comment(request.comment_id, REACTION)
        except GitHubError as exc:
            warnings.append(f"could not react to the comment: {exc.message}")
    decision = EventDecision.of(request)
    if request.command == "none" or not request.checks or request.pr is None:
        return replace(decision, warnings=tuple(warnings))
    pull = forge.get_pull(request.pr)
    decision = replace(decision, sha=pull.head_sha, branch=pull.head)
    if not request.allowed:  # refused from the event alone (a bot, a bad name)
        return replace(decision, warnings=tuple(warnings))
    reason = _refusal(request, forge, pull, min_role, allow_forks=allow_forks)
    if reason:
        return replace(decision, allowed=False, reason=reason, warnings=tuple(warnings))
    what = "deploy" if request.command == "deploy" else "undeploy"
    return replace(
        decision,
        allowed=True,
        reason=f"{request.actor} may {what} #{request.pr}",
        warnings=tuple(warnings),
    )


def _refusal(
    request: EventRequest, forge: Forge, pull: PullRequest, min_role: Role, *, allow_forks: bool
) -> str:
    if pull.state != "open" and request.command == "deploy":
        return f"#{request.pr} is {pull.state}: only open pull requests can be deployed"
    role = forge.role_of(request.actor)
    if ROLES.index(role) < ROLES.index(min_role):
        return (
            f"{request.actor} has {role} permission on {forge.full_name}; "
            f"/{request.command} needs {min_role} or higher"
        )
    if pull.from_fork and not allow_forks:
        source = pull.head_repo or "a deleted fork"
        return (
            f"#{request.pr} comes from a fork ({source}): fork pull requests are not deployed "
            "(their code would run with this repository's secrets); --allow-forks overrides"
        )
    return ""
