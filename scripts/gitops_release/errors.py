"""The one error hierarchy. Only the CLI entry point catches these and maps them to exit codes.

Every message is written for the person who has to act on it: what happened, where (file:line or
key path), and what to do about it.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented exit codes of every `gitops-release` command (docs/exit-codes.md)."""

    OK = 0
    ERROR = 1
    USAGE = 2
    GATE_FAILED = 3


class GitopsReleaseError(Exception):
    """Base class; `str(err)` is the user-facing message."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message}\n  hint: {hint}")


class UsageError(GitopsReleaseError):
    """The command line itself is wrong (unknown option value, missing required input)."""

    exit_code = ExitCode.USAGE


class ConfigError(GitopsReleaseError):
    """`.gitops-release.yaml` is missing, malformed or fails the schema."""


class ImageRefError(GitopsReleaseError):
    """An image reference does not parse or does not belong to the app."""


class ManifestError(GitopsReleaseError):
    """A target manifest cannot be edited safely (malformed YAML, ambiguous match, alias, ...)."""


class DowngradeRefused(GitopsReleaseError):
    """The new tag is a lower semver than the current one and --allow-downgrade was not given."""


class ProcessError(GitopsReleaseError):
    """An external command (git, kustomize, helm, ...) failed or timed out."""


class GitError(ProcessError):
    """A git command failed."""


class RenderError(GitopsReleaseError):
    """A render root could not be rendered."""


class GitHubError(GitopsReleaseError):
    """The GitHub API refused or failed a request."""


class GateFailed(GitopsReleaseError):
    """A gate found failures; the findings were already reported."""

    exit_code = ExitCode.GATE_FAILED
