"""Method + path-template routing with GitHub's templates.

Templates use the OpenAPI description's own spelling (`/repos/{owner}/{repo}/pulls/{pull_number}`),
so a request log entry names the operation a contract check looks up. A parameter written
`{ref:path}` may span slashes, because GitHub's refs and branch names do (`heads/feature/x`).
When several templates match, the one with the most literal text wins: `/commits/{ref}/status`
beats `/commits/{ref:path}` for `/commits/main/status`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import unquote

H = TypeVar("H")

_PARAM = re.compile(r"\{([a-z_]+)(?::(path))?\}")


@dataclass(frozen=True)
class Route(Generic[H]):
    method: str
    template: str  # as written in the OpenAPI description (no `:path` markers)
    handler: H
    pattern: re.Pattern[str]
    literal_length: int


@dataclass(frozen=True)
class RouteMatch(Generic[H]):
    route: Route[H]
    params: Mapping[str, str]


def compile_template(template: str) -> tuple[str, re.Pattern[str], int]:
    """Return the plain template, its regex and how many literal characters it has."""
    parts: list[str] = []
    plain: list[str] = []
    literal = 0
    position = 0
    for found in _PARAM.finditer(template):
        text = template[position : found.start()]
        parts.append(re.escape(text))
        plain.append(text)
        literal += len(text)
        name, kind = found.group(1), found.group(2)
        parts.append(f"(?P<{name}>.*)" if kind == "path" else f"(?P<{name}>[^/]+)")
        plain.append("{" + name + "}")
        position = found.end()
    tail = template[position:]
    parts.append(re.escape(tail))
    plain.append(tail)
    literal += len(tail)
    return "".join(plain), re.compile("".join(parts)), literal


class Router(Generic[H]):
    """Routes are added once at start-up and only read afterwards, so no lock is needed."""

    def __init__(self) -> None:
        self._routes: list[Route[H]] = []

    def add(self, method: str, template: str, handler: H) -> None:
        plain, pattern, literal = compile_template(template)
        self._routes.append(Route(method.upper(), plain, handler, pattern, literal))

    def match(self, method: str, path: str) -> RouteMatch[H] | None:
        """The most specific route for `method` and the still-encoded `path`, if any."""
        best: RouteMatch[H] | None = None
        for route in self._routes:
            if route.method != method.upper():
                continue
            found = route.pattern.fullmatch(path)
            if found is None:
                continue
            if best is None or route.literal_length > best.route.literal_length:
                params = {key: unquote(value) for key, value in found.groupdict().items()}
                best = RouteMatch(route, params)
        return best

    def templates(self) -> tuple[tuple[str, str], ...]:
        """Every (method, template) pair, for documentation and contract coverage checks."""
        return tuple((route.method, route.template) for route in self._routes)
