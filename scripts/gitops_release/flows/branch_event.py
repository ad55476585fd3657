"""`branch-deploy parse`: what a `/deploy` or `/undeploy` comment (or a closed pull request) on an
app repository asks for, and whether it may have it.

The comment and the checks (role, fork, open, 👀) are shared with preview environments
(steps/pr_command.py); here are the branch-deploy words and what a pull_request event means:
only closing gives the environment back.

Refusals are data (`allowed: false` and a reason), never errors: the workflow reports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from gitops_release.github import Forge, Role
from gitops_release.steps import pr_command
from gitops_release.steps.pr_command import (
    REACTION,
    EventDecision,
    EventRequest,
    Vocabulary,
    load_event,
    malformed,
    repo_of,
)

__all__ = [
    "COMMANDS",
    "REACTION",
    "WORDS",
    "Command",
    "EventDecision",
    "EventName",
    "EventRequest",
    "decide",
    "load_event",
    "read_event",
]

Command = Literal["deploy", "undeploy", "none"]
EventName = Literal["issue_comment", "pull_request"]
COMMANDS: dict[str, Command] = {"/deploy": "deploy", "/undeploy": "undeploy"}
WORDS = Vocabulary(
    commands=COMMANDS,
    verbs={"deploy": "deploy", "undeploy": "undeploy"},
    feature="branch deploys",
    not_for_forks="are not deployed",
    closed_refusal="can be deployed",
    argument="an environment name",
)


def read_event(data: Mapping[str, Any], event_name: EventName, *, source: str) -> EventRequest:
    """Decide what the event asks for from its JSON alone (`source` names it in errors)."""
    try:
        if event_name == "pull_request":
            return _pull_request_event(data)
        return pr_command.read_comment(data, WORDS)
    except (KeyError, TypeError, ValueError) as exc:
        raise malformed(source, event_name, exc) from None


def _pull_request_event(data: Mapping[str, Any]) -> EventRequest:
    pull = data["pull_request"]
    number = int(pull["number"])
    actor = str((data.get("sender") or pull.get("user") or {}).get("login") or "")
    repo = repo_of(data)
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


def decide(
    request: EventRequest,
    forge: Forge,
    *,
    min_role: Role = "write",
    allow_forks: bool = False,
) -> EventDecision:
    """Check what the event asks for against GitHub, react 👀, and return the decision."""
    return pr_command.decide(request, forge, WORDS, min_role=min_role, allow_forks=allow_forks)
