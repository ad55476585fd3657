"""The template's text level: splitting the source into text and `{{ }}` actions (trim markers and
comments applied), the tokens inside one action, and the decoding of string and number literals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from gitops_release.gates.gocompat.template.errors import TemplateError

_ACTION_OPEN = "{{"
_ACTION_CLOSE = "}}"
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<declare>:=)
  | (?P<assign>=)
  | (?P<pipe>\|)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<char>'(?:[^'\\\n]|\\.)*')
  | (?P<number>[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+
        |(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?)(?![A-Za-z0-9_.]))
  | (?P<variable>\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<field>(?:\.[A-Za-z_][A-Za-z0-9_]*)+)
  | (?P<dot>\.)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Tok:
    kind: str
    value: str
    spaced: bool  # whitespace before this token


def lex_action(body: str, line: int) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    spaced = True
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        if m is None:
            raise TemplateError(f"line {line}: unexpected {body[pos]!r} in action {{{{{body}}}}}")
        kind = m.lastgroup or ""
        pos = m.end()
        if kind == "space":
            spaced = True
            continue
        if kind == "char":
            raise TemplateError(f"line {line}: character constants are not supported")
        tokens.append(_Tok(kind, m.group(), spaced))
        spaced = False
    return tokens


def unquote(text: str, line: int) -> str:
    body = text[1:-1]
    if "\\" not in body:
        return body
    try:
        return body.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError as exc:
        raise TemplateError(f"line {line}: bad string literal {text}: {exc}") from None


def parse_number(text: str, line: int) -> int | float:
    plain = text.replace("_", "")
    body = plain.lstrip("+-").lower()
    sign = -1 if plain.startswith("-") else 1
    try:
        if body.startswith("0x"):
            return sign * int(body[2:], 16)
        if body.startswith("0b"):
            return sign * int(body[2:], 2)
        if body.startswith("0o"):
            return sign * int(body[2:], 8)
        if any(c in body for c in ".e"):
            return float(plain)
        if body.startswith("0") and len(body) > 1:
            return sign * int(body[1:], 8)
        return int(plain)
    except ValueError:
        raise TemplateError(f"line {line}: bad number syntax: {text!r}") from None


def split_actions(source: str) -> Iterator[tuple[str, str, int]]:
    """Yield ("text", text, line) and ("action", body, line) with trim markers applied."""
    pos = 0
    pending_trim = False
    while True:
        start = source.find(_ACTION_OPEN, pos)
        text = source[pos:] if start < 0 else source[pos:start]
        line = source.count("\n", 0, pos) + 1
        if start < 0:
            yield ("text", text.lstrip() if pending_trim else text, line)
            return
        body_start = start + 2
        trim_left = source.startswith("- ", body_start) or any(
            source.startswith("-" + ws, body_start) for ws in "\t\r\n"
        )
        if trim_left:
            text = text.rstrip()
            body_start += 1
        if pending_trim:
            text = text.lstrip()
        yield ("text", text, line)
        action_line = source.count("\n", 0, start) + 1
        stripped = source[body_start:].lstrip()
        if stripped.startswith("/*"):
            comment_start = body_start + (len(source[body_start:]) - len(stripped))
            end = source.find("*/", comment_start + 2)
            if end < 0:
                raise TemplateError(f"line {action_line}: unclosed comment")
            rest = source[end + 2 :]
            close_rel = rest.find(_ACTION_CLOSE)
            between = rest[:close_rel] if close_rel >= 0 else ""
            if close_rel < 0 or between.strip() not in ("", "-"):
                raise TemplateError(f"line {action_line}: comment ends before closing delimiter")
            pending_trim = between.strip() == "-"
            pos = end + 2 + close_rel + 2
            continue
        end = _find_close(source, body_start, action_line)
        body = source[body_start:end]
        pending_trim = False
        if body.endswith((" -", "\t-", "\n-", "\r-")):
            body = body[:-1]
            pending_trim = True
        yield ("action", body, action_line)
        pos = end + 2


def _find_close(source: str, start: int, line: int) -> int:
    """The `}}` closing an action, skipping over quoted strings."""
    i = start
    while i < len(source):
        ch = source[i]
        if ch in "\"'`":
            j = i + 1
            while j < len(source) and source[j] != ch:
                j += 2 if source[j] == "\\" and ch != "`" else 1
            i = j + 1
            continue
        if source.startswith(_ACTION_CLOSE, i):
            return i
        i += 1
    raise TemplateError(f"line {line}: unclosed action")
