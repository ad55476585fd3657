"""Run one gitops-release command for a composite action: inputs (environment) → argv → CLI.

    python run.py ACTION        e.g. python run.py update-manifest

Each action's inputs arrive as `INPUT_<NAME>` environment variables (the action.yml maps every
input through `env:`, so no input is ever expanded into a shell script). Every value is
validated here with a message that names the input; the CLI then validates meaning (repository
names, image references, environments). Tokens go to the CLI through `GITOPS_RELEASE_TOKEN`,
never through argv, and are masked before anything else is printed.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gitops_release import actions_io, cli
from gitops_release.errors import ExitCode

TOKEN_ENV = "GITOPS_RELEASE_TOKEN"  # noqa: S105 - the name of a variable, not a secret
PERMISSIONS = ("read", "triage", "write", "maintain", "admin")
REPORT_STATES = ("building", "deployed", "refused", "undeployed", "failed")
BRANCH_DEPLOY_COMMANDS = ("parse", "report", "deploy", "undeploy", "expire")
PREVIEW_STATES = ("building", "up", "refused", "removed", "failed")
PREVIEW_ENV_COMMANDS = ("parse", "report", "report-expired", "up", "down", "list", "expire")
_INT = re.compile(r"^[0-9]+$")


class InputError(Exception):
    pass


def value(name: str) -> str:
    return os.environ.get("INPUT_" + name.upper().replace("-", "_"), "").strip()


def one_line(name: str) -> str:
    text = value(name)
    if "\n" in text or "\r" in text:
        raise InputError(f"input '{name}' must be a single line")
    return text


def boolean(name: str) -> bool | None:
    text = value(name).lower()
    if text == "":
        return None
    if text not in {"true", "false"}:
        raise InputError(f"input '{name}' must be true or false, got '{value(name)}'")
    return text == "true"


def items(name: str) -> list[str]:
    """A list input: one item per line, or comma-separated."""
    return [i.strip() for i in re.split(r"[\n,]", value(name)) if i.strip()]


@dataclass(frozen=True)
class Input:
    """How one action input becomes command-line arguments."""

    name: str
    option: str | None = None  # None: a positional argument
    kind: str = "text"  # text | int | bool | list | choice | negatable
    choices: tuple[str, ...] = ()
    required: bool = False

    def args(self) -> list[str]:
        if self.kind == "bool":
            return [self.option] if boolean(self.name) and self.option else []
        if self.kind == "negatable":  # --x/--no-x; empty leaves the CLI's default
            flag = boolean(self.name)
            if flag is None or self.option is None:
                return []
            return [self.option if flag else self.option.replace("--", "--no-", 1)]
        if self.kind == "list":
            values = items(self.name)
            if self.required and not values:
                raise InputError(f"input '{self.name}' is required")
            if self.option is None:
                return values
            return [arg for v in values for arg in (self.option, v)]
        text = one_line(self.name)
        if not text:
            if self.required:
                raise InputError(f"input '{self.name}' is required")
            return []
        if self.kind == "int" and not _INT.match(text):
            raise InputError(f"input '{self.name}' must be a whole number, got '{text}'")
        if self.kind == "choice" and text not in self.choices:
            raise InputError(
                f"input '{self.name}' must be one of {', '.join(self.choices)}, got '{text}'"
            )
        return [self.option, text] if self.option else [text]


GITHUB = (
    Input("manifest-repo", "--manifest-repo", required=True),
    Input("api-url", "--api-url"),
    Input("git-url", "--git-url"),
)

ACTIONS: dict[str, tuple[str, tuple[Input, ...]]] = {
    "update-manifest": (
        "bump",
        (
            *GITHUB,
            Input("environment", "--env", required=True),
            Input("image", "--image", required=True),
            Input("app", "--app"),
            Input("base", "--base"),
            Input("labels", "--label", "list"),
            Input("reviewers", "--reviewer", "list"),
            Input("auto-merge", "--auto-merge", "bool"),
            Input("source-repo", "--source-repo"),
            Input("source-sha", "--source-sha"),
            Input("source-pr", "--source-pr", "int"),
            Input("allow-downgrade", "--allow-downgrade", "bool"),
            Input("dry-run", "--dry-run", "bool"),
            Input("strategy", "--strategy"),
        ),
    ),
    "promote": (
        "promote",
        (
            *GITHUB,
            Input("sha", "--sha"),
            Input("before", "--before"),
            Input("from-env", "--from-env"),
            Input("to-env", "--to-env"),
            Input("on-conflict", "--on-conflict", "choice", ("fail", "draft")),
            Input("app", "--app"),
            Input("base", "--base"),
            Input("dry-run", "--dry-run", "bool"),
        ),
    ),
    "rollback": (
        "rollback",
        (
            *GITHUB,
            Input("environment", "--env", required=True),
            Input("app", "--app", required=True),
            Input("to", "--to"),
            Input("steps", "--steps", "int"),
            Input("direct", "--direct", "bool"),
            Input("reason", "--reason"),
            Input("labels", "--label", "list"),
            Input("dry-run", "--dry-run", "bool"),
        ),
    ),
    "preview": (
        "preview",
        (
            *GITHUB,
            Input("pr", "--pr", "int"),
            Input("gates", "--gates", "negatable"),
            Input("status", "--status", "negatable"),
            Input("kubernetes-version", "--k8s-version"),
            Input("polaris-config", "--polaris-config"),
            Input("engine", "--engine", "choice", ("auto", "builtin", "binary")),
            Input("diff-file", "--output"),
        ),
    ),
    "branch-deploy-parse": (
        "branch-deploy parse",
        (
            Input("api-url", "--api-url"),
            Input("repo", "--repo"),
            Input("event", "--event", required=True),
            Input("event-name", "--event-name", "choice", ("issue_comment", "pull_request")),
            Input("min-permission", "--min-permission", "choice", PERMISSIONS),
            Input("allow-forks", "--allow-forks", "bool"),
        ),
    ),
    "branch-deploy-report": (
        "branch-deploy report",
        (
            Input("api-url", "--api-url"),
            Input("repo", "--repo"),
            Input("pr", "--pr", "int", required=True),
            Input("state", "--state", "choice", REPORT_STATES, required=True),
            Input("environment", "--environment"),
            Input("image", "--image"),
            Input("expires-at", "--expires-at"),
            Input("reason", "--reason"),
            Input("sha", "--sha"),
        ),
    ),
    "branch-deploy-deploy": (
        "branch-deploy deploy",
        (
            *GITHUB,
            Input("environment", "--env", required=True),
            Input("image", "--image", required=True),
            Input("app", "--app"),
            Input("source-repo", "--source-repo"),
            Input("pr", "--source-pr", "int", required=True),
            Input("ttl", "--ttl"),
            Input("actor", "--actor"),
        ),
    ),
    "branch-deploy-undeploy": (
        "branch-deploy undeploy",
        (
            *GITHUB,
            Input("environment", "--env", required=True),
            Input("app", "--app"),
            Input("source-repo", "--source-repo"),
            Input("pr", "--source-pr", "int", required=True),
            Input("reason", "--reason"),
        ),
    ),
    "branch-deploy-expire": ("branch-deploy expire", GITHUB),
    "preview-env-parse": (
        "preview-env parse",
        (
            Input("api-url", "--api-url"),
            Input("repo", "--repo"),
            Input("event", "--event", required=True),
            Input("event-name", "--event-name", "choice", ("issue_comment", "pull_request")),
            Input("label", "--label"),
            Input("min-permission", "--min-permission", "choice", PERMISSIONS),
            Input("allow-forks", "--allow-forks", "bool"),
        ),
    ),
    "preview-env-report": (
        "preview-env report",
        (
            Input("api-url", "--api-url"),
            Input("repo", "--repo"),
            Input("pr", "--pr", "int", required=True),
            Input("state", "--state", "choice", PREVIEW_STATES, required=True),
            Input("app", "--app"),
            Input("url", "--url"),
            Input("image", "--image"),
            Input("expires-at", "--expires-at"),
            Input("reason", "--reason"),
            Input("sha", "--sha"),
        ),
    ),
    "preview-env-report-expired": (
        "preview-env report-expired",
        (
            Input("api-url", "--api-url"),
            Input("repo", "--repo"),
            Input("expired", "--expired", required=True),
        ),
    ),
    "preview-env-up": (
        "preview-env up",
        (
            *GITHUB,
            Input("image", "--image", required=True),
            Input("source-repo", "--source-repo"),
            Input("pr", "--source-pr", "int", required=True),
            Input("app", "--app"),
            Input("actor", "--actor"),
            Input("kubernetes-version", "--k8s-version"),
        ),
    ),
    "preview-env-down": (
        "preview-env down",
        (
            *GITHUB,
            Input("source-repo", "--source-repo"),
            Input("pr", "--source-pr", "int", required=True),
            Input("app", "--app"),
            Input("reason", "--reason"),
        ),
    ),
    "preview-env-list": ("preview-env list", GITHUB),
    "preview-env-expire": ("preview-env expire", GITHUB),
    "check": (
        "check",
        (
            Input("paths", None, "list"),
            Input("repo", "--repo"),
            Input("ref", "--ref"),
            Input("base", "--base"),
            Input("all", "--all", "bool"),
            Input("kubernetes-version", "--k8s-version"),
            Input("polaris-config", "--polaris-config"),
            Input("engine", "--engine", "choice", ("auto", "builtin", "binary")),
            Input("min-score", "--min-score", "int"),
            Input("format", "--format", "choice", ("text", "markdown", "json", "sarif")),
            Input("output", "--output"),
        ),
    ),
}

CHOSEN_BY_COMMAND = {
    "branch-deploy": BRANCH_DEPLOY_COMMANDS,
    "preview-env": PREVIEW_ENV_COMMANDS,
}


def _extra(action: str) -> list[str]:
    """Arguments that do not map one input to one option."""
    if action in {"promote", "rollback"} and boolean("preview") is False:
        return ["--no-preview"]
    if action == "update-manifest" and not value("strategy") and boolean("strategy-from-event"):
        return _strategy_from_event()
    if action == "rollback" and value("to") and value("steps"):
        raise InputError("give input 'to' (an image) or 'steps' (how many back), not both")
    if action == "check":
        if not items("paths") and not value("repo"):
            raise InputError("give input 'paths' (files or directories) or 'repo' (a checkout)")
        if items("paths") and (value("repo") or value("ref") or value("base") or boolean("all")):
            raise InputError("input 'paths' cannot be combined with 'repo', 'ref', 'base' or 'all'")
    return []


def _strategy_from_event() -> list[str]:
    """`--strategy NAME` from the merged pull request's `release:<name>` label or the pushed
    commit's `Release-Strategy:` trailer; nothing when the release asks for none."""
    from gitops_release.errors import GitopsReleaseError  # noqa: PLC0415
    from gitops_release.github import connect  # noqa: PLC0415
    from gitops_release.release_strategy import read_event, requested  # noqa: PLC0415

    token = value("app-token")
    actions_io.mask(token or None)

    def merged_pulls(sha: str) -> list[tuple[int, tuple[str, ...]]]:
        api = os.environ.get("GITHUB_API_URL") or "https://api.github.com"
        forge = connect(api, token, os.environ.get("GITHUB_REPOSITORY", ""))
        return [(p.number, p.labels) for p in forge.pulls_for_commit(sha) if p.merged]

    try:
        event = read_event(os.environ.get("GITHUB_EVENT_PATH", ""))
        found = requested("", os.environ.get("GITHUB_EVENT_NAME", ""), event, merged_pulls)
    except GitopsReleaseError as error:
        hint = f" ({error.hint})" if error.hint else ""
        raise InputError(f"release strategy: {error.message}{hint}") from None
    if found is None:
        sys.stdout.write("release strategy: none asked for (the app's default applies)\n")
        return []
    sys.stdout.write(f"release strategy: {found.name} (from the {found.origin})\n")
    return ["--strategy", found.name]


def argv(action: str) -> list[str]:
    if action in CHOSEN_BY_COMMAND:  # one action, its command chosen by an input
        command, known = one_line("command"), CHOSEN_BY_COMMAND[action]
        if command not in known:
            raise InputError(f"input 'command' must be one of {', '.join(known)}, got '{command}'")
        action = f"{action}-{command}"
    if action not in ACTIONS:
        raise InputError(f"unknown action '{action}' (known: {', '.join(sorted(ACTIONS))})")
    command, inputs = ACTIONS[action]
    args = command.split()
    for spec in inputs:
        args += spec.args()
    args += _extra(action)
    if action != "check":
        args += ["--token-env", TOKEN_ENV]
    return args


def _exit_code(action: str, code: int) -> int:
    """With `fail-on-findings: false`, a failed gate is reported in outputs, not by the step."""
    if action in {"check", "preview"}:
        outputs = {"result": "passed" if code == ExitCode.OK else "failed"}
        if action == "check":
            outputs["report"] = one_line("output")
        actions_io.set_outputs(outputs)
        if code == ExitCode.GATE_FAILED and boolean("fail-on-findings") is False:
            return ExitCode.OK
    return code


def main(args: Sequence[str], entry: Callable[[list[str]], None] = cli.main) -> int:
    token = os.environ.get(TOKEN_ENV, "")
    actions_io.mask(token or None)
    if len(args) != 1:
        sys.stderr.write("usage: run.py ACTION\n")
        return ExitCode.USAGE
    action = args[0]
    try:
        command = argv(action)
        for name in ("output", "diff-file"):
            if action in {"check", "preview"} and value(name):
                Path(value(name)).parent.mkdir(parents=True, exist_ok=True)
    except InputError as error:
        actions_io.command("error", str(error), title=f"gitops-release {action}")
        return ExitCode.USAGE
    sys.stdout.write("gitops-release " + " ".join(command) + "\n")
    sys.stdout.flush()
    try:
        entry(command)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else ExitCode.ERROR
    else:
        code = ExitCode.OK
    return _exit_code(action, code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
