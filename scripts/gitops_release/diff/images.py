"""Container images of any workload: Pods, Deployments, CronJobs, Argo Rollouts, custom kinds.

Rather than a table of kinds, every `containers` / `initContainers` / `ephemeralContainers`
list of named containers anywhere in the resource counts, so new workload kinds need no code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gitops_release.diff.model import ImageChange

_CONTAINER_LISTS = {
    "containers": "",
    "initContainers": "init:",
    "ephemeralContainers": "ephemeral:",
}


def container_images(body: Mapping[str, Any]) -> dict[str, str]:
    """Container label (`name`, `init:name`, ...) → image."""
    found: dict[str, str] = {}
    for label, image in _walk(body, ""):
        unique = label
        n = 2
        while unique in found:  # several pod templates in one resource
            unique, n = f"{label}#{n}", n + 1
        found[unique] = image
    return found


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, child in value.items():
            prefix = _CONTAINER_LISTS.get(str(key))
            if prefix is not None and isinstance(child, list):
                for item in child:
                    if isinstance(item, Mapping) and isinstance(item.get("image"), str):
                        yield f"{prefix}{item.get('name', '?')}", item["image"]
            else:
                yield from _walk(child, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, path)


def image_changes(
    resource: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
) -> tuple[ImageChange, ...]:
    """Containers of one resource whose image differs (added/removed containers included)."""
    before = container_images(old) if old is not None else {}
    after = container_images(new) if new is not None else {}
    return tuple(
        ImageChange(resource, name, before.get(name), after.get(name))
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    )
