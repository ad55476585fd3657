"""Compare one root's rendered base and head output, resource by resource."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, replace

from gitops_release.diff.images import image_changes
from gitops_release.diff.model import Change, ImageChange, Presence, ResourceChange, RootDiff
from gitops_release.diff.resources import Resource, ResourceKey, normalize, parse_manifests
from gitops_release.diff.secrets import mask, redact
from gitops_release.errors import RenderError


@dataclass(frozen=True)
class RootInfo:
    """What the reports say about a root besides its resources."""

    key: str
    name: str
    path: str
    kind: str
    presence: Presence = "both"


@dataclass(frozen=True)
class Parsed:
    """One side's resources, already redacted (and the originals, for collecting Secrets)."""

    resources: tuple[Resource, ...]
    raw: tuple[Resource, ...]


def parse_side(
    text: str | None, *, source: str, salt: bytes, namespace: str | None = None
) -> Parsed:
    """Parse one side's rendered text (None: the root does not exist on that side); `namespace`
    is given to namespaced resources that have none."""
    raw = (
        parse_manifests(text, source=source, default_namespace=namespace)
        if text is not None
        else ()
    )
    return Parsed(tuple(redact(r, salt=salt) for r in raw), raw)


def compare_root(info: RootInfo, base: Parsed, head: Parsed) -> RootDiff:
    """The resource-level diff of one root whose both sides rendered."""
    before = {r.key: r for r in base.resources}
    after = {r.key: r for r in head.resources}
    changes: list[ResourceChange] = []
    images: list[ImageChange] = []
    for key in sorted(before.keys() | after.keys(), key=_display_order):
        old, new = before.get(key), after.get(key)
        if old is not None and new is not None and old.body == new.body:
            continue
        changes.append(_change(key, old, new))
        images.extend(
            image_changes(
                key.label,
                old.body if old is not None else None,
                new.body if new is not None else None,
            )
        )
    return RootDiff(
        key=info.key,
        name=info.name,
        path=info.path,
        kind=info.kind,
        status="changed" if changes else "unchanged",
        presence=info.presence,
        resources=tuple(changes),
        images=tuple(images),
    )


def _display_order(key: ResourceKey) -> tuple[str, str, str, str]:
    return (key.kind, key.namespace, key.name, key.group)


def _change(key: ResourceKey, old: Resource | None, new: Resource | None) -> ResourceChange:
    current = new or old
    assert current is not None
    before = normalize(old.body) if old is not None else ""
    after = normalize(new.body) if new is not None else ""
    change: Change = "added" if old is None else "removed" if new is None else "changed"
    return ResourceChange(
        api_version=current.api_version,
        kind=key.kind,
        namespace=key.namespace,
        name=key.name,
        change=change,
        diff=unified(before, after, label=key.label),
    )


def unified(before: str, after: str, *, label: str) -> str:
    """A unified diff with 3 lines of context; headers name the resource on each side."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"base/{label}",
        tofile=f"head/{label}",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def error_root(info: RootInfo, errors: Iterable[str], *, secrets: Iterable[str]) -> RootDiff:
    """A root that failed to render on at least one side; messages masked for Secrets."""
    message = "\n".join(mask(e, secrets) for e in errors)
    return RootDiff(
        key=info.key,
        name=info.name,
        path=info.path,
        kind=info.kind,
        status="error",
        presence=info.presence,
        error=message,
    )


def mask_root(diff: RootDiff, secrets: Iterable[str]) -> RootDiff:
    """A root's diff with every secret value masked (values the redaction of rendered Secrets
    cannot see: e.g. an env-file line without `=` that kustomize turned into a key)."""
    values = [s for s in secrets if s]
    if not values:
        return diff
    resources = tuple(replace(r, diff=mask(r.diff, values)) for r in diff.resources)
    return replace(diff, resources=resources)


def diff_texts(
    info: RootInfo, base_text: str | None, head_text: str | None, *, salt: bytes
) -> RootDiff:
    """Parse and compare in one step (a parse failure becomes the root's error)."""
    try:
        base = parse_side(base_text, source=f"{info.name} (base)", salt=salt)
        head = parse_side(head_text, source=f"{info.name} (head)", salt=salt)
    except RenderError as exc:
        return error_root(info, [exc.message], secrets=())
    return compare_root(info, base, head)
