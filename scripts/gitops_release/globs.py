"""Path globs with `**` (any number of directories), as users write them in config files."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    out = ["^"]
    i = 0
    anchored = pattern.startswith("/")
    body = pattern.lstrip("/")
    if not anchored and "/" not in body.rstrip("/"):
        out.append("(?:.*/)?")  # a bare name matches at any depth, like .gitignore
    while i < len(body):
        if body.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    if body.endswith("/"):
        out.append(".*")
    out.append("(?:/.*)?$")  # a directory pattern covers everything under it
    return re.compile("".join(out))


def matches(path: str, patterns: Iterable[str]) -> bool:
    """True when `path` (repo-relative, `/`-separated) matches any of `patterns`."""
    return any(_compile(p).match(path) for p in patterns)
