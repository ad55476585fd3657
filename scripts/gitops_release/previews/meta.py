"""The record a preview keeps of itself: `<path>/.gitops-release-preview.yaml`, written in the
same commit as its kustomization and read back by `list`, `up` (created_at, max) and `expire`.
Kustomize and Argo CD read only `kustomization.yaml`: the record is never deployed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gitops_release.errors import ManifestError
from gitops_release.locks import iso, parse_time
from gitops_release.records import load_record, record_text

META_FILE = ".gitops-release-preview.yaml"
_FIELDS = (
    "app", "pr", "source", "image", "namespace", "url", "actor",
    "created_at", "updated_at", "expires_at",
)  # fmt: skip


@dataclass(frozen=True)
class PreviewMeta:
    """One preview: whose it is, what it runs, and until when."""

    path: str  # the preview's directory
    app: str
    pr: int
    source: str  # the app repository, owner/name
    image: str
    namespace: str
    url: str | None
    actor: str
    created_at: datetime
    updated_at: datetime
    expires_at: datetime

    @property
    def file(self) -> str:
        return f"{self.path}/{META_FILE}"

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def to_text(self) -> str:
        values: dict[str, Any] = {
            "app": self.app,
            "pr": self.pr,
            "source": self.source,
            "image": self.image,
            "namespace": self.namespace,
            "url": self.url,
            "actor": self.actor,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "expires_at": iso(self.expires_at),
        }
        until = iso(self.expires_at)
        return record_text(
            [
                f"Preview of {self.source}#{self.pr} for app {self.app}, until {until}.",
                "Written by gitops-release preview-env: closing the pull request or the expiry",
                "removes this directory.",
            ],
            values,
        )


def parse_meta(path: str, text: str) -> PreviewMeta:
    """The record in `text` (the file `<path>/META_FILE`); a clear error when it is not one."""
    where = f"{path}/{META_FILE}"
    hint = f"fix or delete {path} (it is written by gitops-release preview-env)"
    data = load_record(text, where=where, fields=_FIELDS, what="a preview record", hint=hint)
    try:
        return PreviewMeta(
            path=path,
            app=str(data["app"]),
            pr=int(data["pr"]),
            source=str(data["source"]),
            image=str(data["image"]),
            namespace=str(data["namespace"]),
            url=None if data["url"] is None else str(data["url"]),
            actor=str(data["actor"]),
            created_at=parse_time(str(data["created_at"])),
            updated_at=parse_time(str(data["updated_at"])),
            expires_at=parse_time(str(data["expires_at"])),
        )
    except (TypeError, ValueError) as exc:
        raise ManifestError(f"{where}: {exc}", hint=hint) from None
