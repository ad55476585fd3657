"""Environment locks of branch deploys: while a pull request's image runs on an environment, a
file `.gitops-release/locks/<env>/<app>.yaml` in the manifest repository says who holds it, what
runs, what to give back, and until when. It is written in the same commit as the image change,
so the repository alone tells what an environment runs and why. Pure: texts in, texts out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gitops_release.errors import ManifestError
from gitops_release.records import load_record, record_text

TOOL_DIR = ".gitops-release/"  # the tool's own state in a manifest repository: never rendered
LOCK_DIR = ".gitops-release/locks"
_FIELDS = ("holder", "image", "restore_image", "actor", "deployed_at", "expires_at")


def lock_path(env: str, app: str) -> str:
    return f"{LOCK_DIR}/{env}/{app}.yaml"


def holder_of(source_repo: str, pr: int) -> str:
    """How a lock names its holder: `owner/repo#N`."""
    return f"{source_repo}#{pr}"


@dataclass(frozen=True)
class Lock:
    """An environment lent to one pull request's image for one app."""

    env: str
    app: str
    holder: str  # owner/repo#N
    image: str
    restore_image: str | None  # what the environment ran before; None: nothing to restore
    actor: str
    deployed_at: datetime
    expires_at: datetime

    @property
    def path(self) -> str:
        return lock_path(self.env, self.app)

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def to_text(self) -> str:
        values = {
            "holder": self.holder,
            "image": self.image,
            "restore_image": self.restore_image,
            "actor": self.actor,
            "deployed_at": iso(self.deployed_at),
            "expires_at": iso(self.expires_at),
        }
        until = iso(self.expires_at)
        return record_text(
            [
                f"{self.env} is lent to {self.holder} for app {self.app} until {until}.",
                "Written by gitops-release branch-deploy: /undeploy on the pull request, closing",
                "it, or the expiry gives the environment back.",
            ],
            values,
        )


def parse_lock(env: str, app: str, text: str) -> Lock:
    """The lock in `text` (the file at `lock_path(env, app)`); a clear error when it is not one."""
    where = lock_path(env, app)
    hint = f"fix or delete {where} (it is written by gitops-release branch-deploy)"
    data = load_record(text, where=where, fields=_FIELDS, what="a branch-deploy lock", hint=hint)
    try:
        return Lock(
            env=env,
            app=app,
            holder=str(data["holder"]),
            image=str(data["image"]),
            restore_image=None if data["restore_image"] is None else str(data["restore_image"]),
            actor=str(data["actor"]),
            deployed_at=parse_time(str(data["deployed_at"])),
            expires_at=parse_time(str(data["expires_at"])),
        )
    except ValueError as exc:
        raise ManifestError(
            f"{where}: {exc}", hint=f"fix or delete {where} (times are ISO 8601, UTC)"
        ) from None


def read_lock(root: Path, env: str, app: str) -> Lock | None:
    """The lock of (`env`, `app`) in a checkout at `root`, or None when there is none."""
    path = root / lock_path(env, app)
    if not path.is_file():
        return None
    return parse_lock(env, app, path.read_text(encoding="utf-8"))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """An ISO 8601 time (a `Z` suffix or an offset; naive times are UTC)."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
