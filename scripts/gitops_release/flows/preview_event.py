"""`preview-env parse`: what an app repository event asks of its pull request's preview.

- a `/preview` comment → up, `/unpreview` → down, with the checks of `/deploy` (the commenter's
  role, not a fork unless allowed, an open pull request, bots and edited comments ignored, 👀);
- automatic mode, a `pull_request` event: opened, synchronize, reopened with the label on the
  pull request, or the label just added → up; closed, or the label just removed → down; anything
  else → none.

Refusals are data (`allowed: false` and a reason), never errors: the workflow reports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from gitops_release.github import Forge, Role
from gitops_release.steps import pr_command
from gitops_release.steps.pr_command import EventDecision, EventRequest, Vocabulary, text_outputs

Command = Literal["up", "down", "none"]
EventName = Literal["issue_comment", "pull_request"]
DEFAULT_LABEL = "preview"
WORDS = Vocabulary(
    commands={"/preview": "up", "/unpreview": "down"},
    verbs={"up": "open a preview of", "down": "remove the preview of"},
    feature="preview environments",
    not_for_forks="get no preview",
    closed_refusal="get a preview",
)
_UPDATES = ("opened", "synchronize", "reopened")


@dataclass(frozen=True)
class PreviewDecision:
    """The answer `preview-env parse` prints and writes as step outputs."""

    decision: EventDecision
    repo: str | None
    event: str  # what happened: "comment", or the pull_request action

    def as_json(self) -> dict[str, Any]:
        data = self.decision.as_json()
        del data["environment"]  # previews take no argument
        return {**data, "repo": self.repo, "event": self.event}

    def outputs(self) -> dict[str, str]:
        return text_outputs(self.as_json())


def read_event(
    data: Mapping[str, Any], event_name: EventName, *, source: str, label: str = DEFAULT_LABEL
) -> EventRequest:
    """Decide what the event asks for from its JSON alone (`source` names it in errors)."""
    try:
        if event_name == "pull_request":
            return _pull_request_event(data, label)
        return pr_command.read_comment(data, WORDS)
    except (KeyError, TypeError, ValueError) as exc:
        raise pr_command.malformed(source, event_name, exc) from None


def event_of(data: Mapping[str, Any], event_name: EventName) -> str:
    action = data.get("action")
    return f"pull_request {action}" if event_name == "pull_request" else "comment"


def _labels(pull: Mapping[str, Any]) -> set[str]:
    return {str(item["name"]) for item in pull.get("labels") or []}


def _pull_request_event(data: Mapping[str, Any], label: str) -> EventRequest:
    pull = data["pull_request"]
    number = int(pull["number"])
    sender = data.get("sender") or pull.get("user") or {}
    actor = str(sender.get("login") or "")
    action = str(data["action"])
    base = EventRequest("none", pr_command.repo_of(data), pr=number, actor=actor)
    head = pull.get("head") or {}
    if action == "closed":
        return EventRequest(
            "down",
            base.repo,
            pr=number,
            actor=actor,
            sha=head.get("sha"),
            branch=head.get("ref"),
            allowed=True,
            reason="the pull request was closed",
            checks=False,
        )
    changed = str((data.get("label") or {}).get("name") or "")
    if action in ("labeled", "unlabeled") and changed != label:
        return _none(base, f"the label '{changed}' is not '{label}': nothing to do")
    if action == "unlabeled":
        return EventRequest(
            "down",
            base.repo,
            pr=number,
            actor=actor,
            allowed=True,
            reason=f"the label '{label}' was removed",
            checks=False,
        )
    if action not in (*_UPDATES, "labeled"):
        return _none(base, f"pull_request '{action}' changes no preview")
    if action != "labeled" and label not in _labels(pull):
        return _none(base, f"#{number} is not labelled '{label}': no preview")
    if sender.get("type") == "Bot":  # e.g. a dependency bot's push: the preview stays as it is
        return _none(base, f"{actor} is a bot: only people may ask for preview environments")
    return EventRequest("up", base.repo, pr=number, actor=actor, allowed=True)


def _none(base: EventRequest, reason: str) -> EventRequest:
    return EventRequest(
        "none", base.repo, pr=base.pr, actor=base.actor, reason=reason, checks=False
    )


def decide(
    request: EventRequest,
    forge: Forge,
    *,
    min_role: Role = "write",
    allow_forks: bool = False,
) -> EventDecision:
    """Check what the event asks for against GitHub, react 👀 to a comment, and decide."""
    return pr_command.decide(request, forge, WORDS, min_role=min_role, allow_forks=allow_forks)
