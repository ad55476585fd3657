"""The frozen result of a rendered diff, shared by every report format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Change = Literal["added", "removed", "changed"]
RootStatus = Literal["changed", "unchanged", "error"]
Presence = Literal["both", "base", "head"]


@dataclass(frozen=True)
class ResourceChange:
    """One resource that differs; `diff` is a unified diff of its normalised YAML."""

    api_version: str
    kind: str
    namespace: str
    name: str
    change: Change
    diff: str

    @property
    def label(self) -> str:
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {where}"


@dataclass(frozen=True)
class ImageChange:
    """A container whose image differs between base and head (None: container absent)."""

    resource: str
    container: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class RootDiff:
    """The diff of one render root."""

    key: str
    name: str
    path: str
    kind: str
    status: RootStatus
    presence: Presence = "both"
    error: str | None = None
    resources: tuple[ResourceChange, ...] = ()
    images: tuple[ImageChange, ...] = ()

    def count(self, change: Change) -> int:
        return sum(1 for r in self.resources if r.change == change)


@dataclass(frozen=True)
class DiffResult:
    """Every affected root of a comparison of two revisions."""

    base: str
    head: str
    base_commit: str
    head_commit: str
    roots: tuple[RootDiff, ...]
    changed_files: tuple[str, ...] = ()
    # Changed manifest files that no render root includes: shown so reviewers know they are
    # not in the rendered diff (e.g. a new file nobody references yet).
    unrendered_files: tuple[str, ...] = ()
    # Why such a file renders nowhere, where that can be told (path → what is missing).
    unrendered_notes: tuple[tuple[str, str], ...] = ()

    @property
    def failed(self) -> tuple[RootDiff, ...]:
        return tuple(r for r in self.roots if r.status == "error")

    @property
    def changed(self) -> tuple[RootDiff, ...]:
        return tuple(r for r in self.roots if r.status == "changed")
