"""Where a preview lives and what it is called: `{app}` and `{pr}` filled into the texts of
`preview_environments:`, the pattern that finds every preview again, and the names Kubernetes
must accept."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gitops_release.config import PreviewSettings

_PLACEHOLDER = re.compile(r"\{(app|pr)\}")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_SAMPLE_PR = 123456  # a long number: names must still be valid for it


def fill(text: str, app: str, pr: int) -> str:
    return _PLACEHOLDER.sub(lambda m: app if m.group(1) == "app" else str(pr), text)


@dataclass(frozen=True)
class Place:
    """One preview's directory, namespace and host."""

    app: str
    pr: int
    path: str
    template: str
    namespace: str
    host: str | None

    @property
    def url(self) -> str | None:
        return f"https://{self.host}" if self.host else None

    @property
    def template_from_path(self) -> str:
        """The template as a kustomization in `path` names it."""
        return posixpath.relpath(self.template, self.path)


def place_of(settings: PreviewSettings, app: str, pr: int) -> Place:
    return Place(
        app=app,
        pr=pr,
        path=fill(settings.path, app, pr),
        template=fill(settings.template, app, pr),
        namespace=fill(settings.namespace, app, pr),
        host=fill(settings.host, app, pr) if settings.host else None,
    )


def path_pattern(path: str) -> re.Pattern[str]:
    """A pattern matching every filled-in `path` (groups `app` and `pr`)."""
    parts: list[str] = []
    seen: set[str] = set()
    last = 0
    for match in _PLACEHOLDER.finditer(path):
        parts.append(re.escape(path[last : match.start()]))
        name = match.group(1)
        if name in seen:
            parts.append(f"(?P={name})")
        else:
            seen.add(name)
            parts.append(
                "(?P<app>[a-z0-9][a-z0-9._-]*)" if name == "app" else "(?P<pr>[1-9][0-9]*)"
            )
        last = match.end()
    parts.append(re.escape(path[last:]))
    return re.compile("".join(parts))


def static_prefix(path: str) -> str:
    """The directory every preview is below (the part of `path` before any placeholder)."""
    head = _PLACEHOLDER.split(path, maxsplit=1)[0]
    return head.rpartition("/")[0]


def find_previews(
    paths: Iterable[str], settings: PreviewSettings, name: str
) -> dict[str, tuple[str, int]]:
    """Of repository `paths`, the files called `name` directly in a preview directory: each
    with its (app, pr)."""
    pattern = path_pattern(settings.path)
    found: dict[str, tuple[str, int]] = {}
    for path in paths:
        directory, _, base = path.rpartition("/")
        if base != name:
            continue
        match = pattern.fullmatch(directory)
        if match is None:
            continue
        groups = match.groupdict()
        found[path] = (groups.get("app") or "", int(groups["pr"]))
    return found


def layout_problems(raw: Mapping[str, Any], *, apps: list[str]) -> list[tuple[str, str]]:
    """(key, problem) for what a valid schema still allows but cannot work."""
    problems: list[tuple[str, str]] = []
    path = str(raw.get("path", PreviewSettings.path))
    names = set(_PLACEHOLDER.findall(path))
    if "pr" not in names:
        problems.append(("path", f"'{path}' does not name {{pr}}: each pull request needs one"))
    if "app" not in names and len(apps) > 1:
        problems.append(("path", f"'{path}' does not name {{app}}: each of the apps needs one"))
    for app in apps:
        here, base = fill(path, app, _SAMPLE_PR), fill(str(raw["template"]), app, _SAMPLE_PR)
        if here == base or here.startswith(base + "/") or base.startswith(here + "/"):
            why = f"'{base}' overlaps the preview directory '{here}': keep it outside the previews"
            problems.append(("template", why))
            break
    namespace = str(raw.get("namespace", PreviewSettings.namespace))
    bad = [fill(namespace, a, _SAMPLE_PR) for a in apps]
    bad = [n for n in bad if not _DNS_LABEL.match(n)]
    if bad:
        why = "lowercase letters, digits and '-', at most 63 characters"
        problems.append(("namespace", f"'{bad[0]}' is not a valid namespace name ({why})"))
    host = raw.get("host")
    filled_hosts = [fill(str(host), a, _SAMPLE_PR) for a in apps] if host is not None else []
    bad = [h for h in filled_hosts if not _valid_host(h)]
    if bad:
        why = "dot-separated labels of lowercase letters, digits and '-'"
        problems.append(("host", f"'{bad[0]}' is not a valid host name ({why})"))
    return problems


def _valid_host(host: str) -> bool:
    return len(host) <= 253 and all(_DNS_LABEL.match(label) for label in host.split("."))
