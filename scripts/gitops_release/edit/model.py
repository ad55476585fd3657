"""Values of the edit engine: what changes where, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Splice:
    """Replace text[start:end] with `text` (character offsets into the file's text)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Expect:
    """What a splice must do to the parsed document, checked by re-parsing after the edit."""

    doc: int
    path: KeyPath
    op: Literal["set", "delete", "append"]
    value: Any = None


@dataclass(frozen=True)
class Edit:
    """One changed value, as a reviewer sees it: file:line old → new."""

    file: str
    line: int
    old: str | None
    new: str | None
    target: str
    key: str
    old_image: str | None = None
    new_image: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "old": self.old,
            "new": self.new,
            "target": self.target,
            "key": self.key,
            "old_image": self.old_image,
            "new_image": self.new_image,
        }


@dataclass(frozen=True)
class StrategyEdit:
    """A Rollout's canary steps (and analysis) as a release changes them: `rolling → canary: 25%
    · pause` on Rollout/web in file:line."""

    file: str
    line: int
    resource: str
    old: str
    new: str
    strategy: str
    target: str

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "resource": self.resource,
            "old": self.old,
            "new": self.new,
            "strategy": self.strategy,
            "target": self.target,
        }


@dataclass(frozen=True)
class PlannedFile:
    """A file as the edit engine plans it: its text before, its complete new text, the edits."""

    file: str
    before: str
    after: str
    edits: tuple[Edit, ...]
    strategy_edits: tuple[StrategyEdit, ...] = ()

    @property
    def changed(self) -> bool:
        return self.before != self.after
