"""The syntax tree a compiled template is made of: operands (fields, variables, literals, chains),
commands and pipelines, and the text, print, branch (`if`/`range`/`with`) and loop-control nodes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class _Field:
    names: tuple[str, ...]


@dataclass(frozen=True)
class _Variable:
    name: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class _Dot:
    pass


@dataclass(frozen=True)
class _Literal:
    value: Any


@dataclass(frozen=True)
class _Nil:
    pass


@dataclass(frozen=True)
class _Ident:
    name: str


@dataclass(frozen=True)
class _Chain:
    operand: Any
    names: tuple[str, ...]


@dataclass(frozen=True)
class _Command:
    args: tuple[Any, ...]


@dataclass(frozen=True)
class _Pipe:
    decls: tuple[str, ...]
    assign: bool  # `=` rather than `:=`
    commands: tuple[_Command, ...]
    line: int


@dataclass
class _Text:
    text: str


@dataclass(frozen=True)
class _Print:
    pipe: _Pipe


@dataclass
class _Branch:
    kind: str  # if | range | with
    pipe: _Pipe
    body: list[Any] = field(default_factory=list)
    otherwise: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class _LoopControl:
    kind: str  # break | continue
    line: int
