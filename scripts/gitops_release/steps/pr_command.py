"""ChatOps on an app pull request, shared by branch deploys (`/deploy`, `/undeploy`) and preview
environments (`/preview`, `/unpreview`): what a comment event asks for, and whether it may have it.

read    — `load_event`, `read_comment`: the command, its argument, the pull request, who asked;
check   — `decide`, through the forge: the pull request as it is now (open, not from a fork, its
          head) and the asker's role against the minimum;
feedback — 👀 on the comment, for every command, allowed or not.

What differs between the two features (the words, the nouns in messages) is a `Vocabulary`.
Refusals are data (`allowed: false` and a reason), never errors: the workflow reports them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from gitops_release.errors import GitHubError, UsageError
from gitops_release.github import ROLES, Forge, PullRequest, Role

REACTION = "eyes"
_ARGUMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@dataclass(frozen=True)
class Vocabulary:
    """The words of one feature.

    `commands` maps a comment's first word to a command; the first command is the one that
    starts something (it needs an open pull request). `verbs` say what each command does, in
    "alice may VERB #7"; `feature` names the feature in plural ("branch deploys");
    `not_for_forks` ends "fork pull requests ..."; `closed_refusal` ends "only open pull
    requests ...". `argument` names what a word after the command is (None: extra words are
    ignored).
    """

    commands: Mapping[str, str]
    verbs: Mapping[str, str]
    feature: str
    not_for_forks: str
    closed_refusal: str
    argument: str | None = None

    @property
    def starts(self) -> str:
        return next(iter(self.commands.values()))

    def word(self, command: str) -> str:
        return next(w for w, c in self.commands.items() if c == command)


@dataclass(frozen=True)
class EventRequest:
    """What the event says, before anything is asked of GitHub."""

    command: str  # one of the vocabulary's commands, or "none"
    repo: str | None
    environment: str | None = None  # the word after the command (branch deploys' environment)
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


def text_outputs(data: Mapping[str, Any]) -> dict[str, str]:
    """Step outputs: each key as text (null as "", booleans as true/false)."""

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return {key: text(value) for key, value in data.items()}


@dataclass(frozen=True)
class EventDecision:
    """The answer `parse` prints (`as_json`) and writes as step outputs."""

    command: str
    environment: str | None
    pr: int | None
    sha: str | None
    branch: str | None
    actor: str
    allowed: bool
    reason: str
    warnings: tuple[str, ...] = field(default=())

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
        return text_outputs(self.as_json())


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


def malformed(source: str, event_name: str, exc: Exception) -> UsageError:
    """The error for an event file that lacks what its event always has."""
    return UsageError(
        f"the event file {source} is not a {event_name} event: missing or invalid {exc}",
        hint=f'run on: {event_name} and pass --event "$GITHUB_EVENT_PATH" '
        f"--event-name {event_name}",
    )


def repo_of(data: Mapping[str, Any]) -> str | None:
    repository = data.get("repository")
    return str(repository["full_name"]) if isinstance(repository, dict) else None


def read_comment(data: Mapping[str, Any], words: Vocabulary) -> EventRequest:
    """An `issue_comment` event: a command of `words` on an open pull request, or "none".

    Raises KeyError, TypeError or ValueError when the event lacks what it always has.
    """
    comment, issue = data["comment"], data["issue"]
    action = str(data["action"])
    number = int(issue["number"])
    user = comment["user"]
    actor = str(user["login"])
    base = EventRequest(
        "none", repo_of(data), pr=number, actor=actor, comment_id=int(comment["id"])
    )
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
            reason=f"#{number} is an issue, not a pull request: {words.feature} are asked for "
            "on pull requests",
            checks=False,
        )
    said = str(comment.get("body") or "").split()
    command = words.commands.get(said[0]) if said else None
    if command is None:
        return replace(base, reason=f"not a {' or '.join(words.commands)} command", checks=False)
    argument = said[1] if len(said) > 1 and words.argument else None
    asked = replace(base, command=command, environment=argument)
    if user.get("type") == "Bot":
        return replace(asked, reason=f"{actor} is a bot: only people may ask for {words.feature}")
    if argument is not None and not _ARGUMENT.fullmatch(argument):
        return replace(asked, environment=None, reason=f"'{argument}' is not {words.argument}")
    return replace(asked, allowed=True)


def decide(
    request: EventRequest,
    forge: Forge,
    words: Vocabulary,
    *,
    min_role: Role = "write",
    allow_forks: bool = False,
) -> EventDecision:
    """Check what the event asks for against GitHub, react 👀, and return the decision.

    The pull request is read now, so `sha` is its head at the moment the event is handled.
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
    reason = _refusal(request, forge, pull, words, min_role, allow_forks=allow_forks)
    if reason:
        return replace(decision, allowed=False, reason=reason, warnings=tuple(warnings))
    return replace(
        decision,
        allowed=True,
        reason=f"{request.actor} may {words.verbs[request.command]} #{request.pr}",
        warnings=tuple(warnings),
    )


def _refusal(
    request: EventRequest,
    forge: Forge,
    pull: PullRequest,
    words: Vocabulary,
    min_role: Role,
    *,
    allow_forks: bool,
) -> str:
    if pull.state != "open" and request.command == words.starts:
        return f"#{request.pr} is {pull.state}: only open pull requests {words.closed_refusal}"
    role = forge.role_of(request.actor)
    if ROLES.index(role) < ROLES.index(min_role):
        return (
            f"{request.actor} has {role} permission on {forge.full_name}; "
            f"{words.word(request.command)} needs {min_role} or higher"
        )
    if pull.from_fork and not allow_forks:
        source = pull.head_repo or "a deleted fork"
        return (
            f"#{request.pr} comes from a fork ({source}): fork pull requests {words.not_for_forks} "
            "(their code would run with this repository's secrets); --allow-forks overrides"
        )
    return ""
