"""`set-image`: set an app's image for one environment in a local manifest repo checkout.

plan  — resolve the app and environment once, read the targets, plan the edit (no writes);
apply — write the files whose bytes change, atomically (not with --dry-run).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gitops_release.config import load_config
from gitops_release.edit import PlannedFile, resolve_app, write_atomically
from gitops_release.edit.checkout import plan_on_checkout, unified_diff
from gitops_release.edit.model import Edit, StrategyEdit
from gitops_release.image import ImageRef


@dataclass(frozen=True)
class SetImageRequest:
    repo: Path
    env: str
    image: ImageRef
    app: str | None = None
    allow_downgrade: bool = False
    dry_run: bool = False
    strategy: str | None = None  # a named preset of apps.<app>.strategies; None: the default


@dataclass(frozen=True)
class SetImageResult:
    app: str
    env: str
    image: str
    changes: tuple[PlannedFile, ...]
    written: bool
    strategy: str | None = None  # the preset applied (None: the app has no strategies)

    @property
    def strategy_edits(self) -> tuple[StrategyEdit, ...]:
        return tuple(e for c in self.changes for e in c.strategy_edits)

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.changes)

    @property
    def edits(self) -> tuple[Edit, ...]:
        return tuple(e for c in self.changes for e in c.edits)

    @property
    def previous_image(self) -> str | None:
        olds = [e.old_image for e in self.edits if e.old_image]
        return olds[0] if olds else None

    def diff(self) -> str:
        return unified_diff(self.changes)


def set_image(request: SetImageRequest) -> SetImageResult:
    config = load_config(request.repo)
    config.environment(request.env)
    app = resolve_app(config, request.image, request.app)
    preset = app.strategy(request.strategy, source=config.source)
    changes = plan_on_checkout(
        request.repo, config, app, env=request.env, ref=request.image,
        allow_downgrade=request.allow_downgrade, strategy=request.strategy,
    )  # fmt: skip
    written = False
    if not request.dry_run and any(c.changed for c in changes):
        write_atomically(request.repo, changes)
        written = True
    return SetImageResult(
        app.name, request.env, str(request.image), changes, written,
        strategy=preset.name if preset else None,
    )  # fmt: skip
