"""Go RE2 patterns read by Python's `re`: a translation that keeps RE2's meaning.

Polaris matches schema `pattern`s with Go's `regexp` (RE2, unanchored search). Most RE2 syntax
means the same in Python; what differs is rewritten (mid-pattern inline flags, `$` and `\\z`
as end of text, POSIX classes, `\\Q...\\E`, `(?<name>`), and what cannot be rewritten
faithfully is refused with `PatternError`.
"""

from __future__ import annotations

import re

_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_FLAG_GROUP = re.compile(r"\(\?([imsU]+)\)")


class PatternError(ValueError):
    """An RE2 pattern this engine cannot translate faithfully."""


def _translate_class(pattern: str, i: int, out: list[str]) -> int:
    """Copy a character class starting at pattern[i] == '['; returns the index after it."""
    out.append("[")
    i += 1
    if i < len(pattern) and pattern[i] == "^":
        out.append("^")
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        out.append("\\]")
        i += 1
    while i < len(pattern):
        ch = pattern[i]
        if ch == "]":
            out.append("]")
            return i + 1
        if pattern.startswith("[:", i):
            end = pattern.find(":]", i + 2)
            name = pattern[i + 2 : end] if end > 0 else ""
            negated = name.startswith("^")
            cls = _POSIX_CLASSES.get(name.lstrip("^"))
            if cls is None or negated:
                raise PatternError(f"unsupported character class [:{name}:]")
            out.append(cls)
            i = end + 2
            continue
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt in "pP":
                raise PatternError("Unicode classes (\\p) are not supported")
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            out.append("\\[")
            i += 1
            continue
        out.append(ch)
        i += 1
    raise PatternError("missing closing ]")


def translate_pattern(pattern: str) -> str:
    """Rewrite a Go RE2 pattern into a Python `re` pattern with the same meaning.

    Go applies an inline flag group such as `(?i)` from where it stands; Python 3.11 rejects
    global flags that are not at the start, so they are moved to the front (the built-in checks
    only put them after `^`, where that is equivalent).
    """
    flags = ""
    for m in _FLAG_GROUP.finditer(pattern):
        flags += m.group(1)
    body = _FLAG_GROUP.sub("", pattern) if flags else pattern
    if "U" in flags:
        raise PatternError("the ungreedy flag (?U) is not supported")
    multiline = "m" in flags
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "z":
                out.append("\\Z")
            elif nxt in "pP":
                raise PatternError("Unicode classes (\\p) are not supported")
            elif nxt == "Q":
                end = body.find("\\E", i + 2)
                literal = body[i + 2 :] if end < 0 else body[i + 2 : end]
                out.append(re.escape(literal))
                i = len(body) if end < 0 else end + 2
                continue
            else:
                out.append(body[i : i + 2])
            i += 2
            continue
        if ch == "[":
            i = _translate_class(body, i, out)
            continue
        if ch == "$" and not multiline:
            out.append("\\Z")  # end of text only: Python's `$` also matches before a final "\n"
            i += 1
            continue
        if body.startswith("(?<", i) and not body.startswith(("(?<=", "(?<!"), i):
            out.append("(?P<")
            i += 3
            continue
        out.append(ch)
        i += 1
    prefix = f"(?{''.join(sorted(set(flags)))})" if flags else ""
    translated = prefix + "".join(out)
    try:
        re.compile(translated)
    except re.error as exc:
        raise PatternError(str(exc)) from None
    return translated
