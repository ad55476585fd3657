"""`set-image`: set an app's image for one environment in a local manifest repo checkout."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from gitops_release import image
from gitops_release.config import App, Config, Target, load_config
from gitops_release.edit import (
    FileChange,
    TargetFiles,
    inside,
    plan_set_image,
    resolve_app,
    write_atomically,
)
from gitops_release.edit.model import Edit
from gitops_release.edit.plan import KUSTOMIZATION_NAMES, manifest_files
from gitops_release.errors import ConfigError, ManifestError


@dataclass(frozen=True)
class SetImageRequest:
    repo: Path
    env: str
    image: str
    app: str | None = None
    allow_downgrade: bool = False
    dry_run: bool = False


@dataclass(frozen=True)
class SetImageResult:
    app: str
    env: str
    image: str
    changes: tuple[FileChange, ...]
    written: bool

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
    changes, app = plan_for_checkout(
        request.repo,
        config,
        env=request.env,
        image_ref=request.image,
        app_name=request.app,
        allow_downgrade=request.allow_downgrade,
    )
    written = False
    if not request.dry_run and any(c.changed for c in changes):
        write_atomically(request.repo, changes)
        written = True
    return SetImageResult(app.name, request.env, request.image, changes, written)


def plan_for_checkout(
    repo: Path,
    config: Config,
    *,
    env: str,
    image_ref: str,
    app_name: str | None,
    allow_downgrade: bool,
) -> tuple[tuple[FileChange, ...], App]:
    """Read the app's target files from a checkout and plan the edit (no writes)."""
    config.environment(env)
    ref = image.parse(image_ref)
    app = resolve_app(config, ref, app_name)
    targets = app.targets_for(env)
    if not targets:
        raise ConfigError(
            f"app '{app.name}' has no targets for environment '{env}' in {config.source}",
            hint=f"add a target with `environments: [{env}]` (or without `environments:`)",
        )
    resolved = [resolve_target_files(repo, t, config.source) for t in targets]
    texts = {name: read_text(repo, name) for entry in resolved for name in entry.files}
    changes = plan_set_image(app, ref, resolved, texts, allow_downgrade=allow_downgrade)
    return changes, app


def resolve_target_files(repo: Path, target: Target, source: str) -> TargetFiles:
    where = f"target {target.label} ({source} line {target.line})"
    path = inside(repo, target.path)
    if target.kind == "kustomize":
        if not path.is_dir():
            raise ManifestError(
                f"{where}: directory {target.path} does not exist",
                hint="fix the path in the config or create the overlay",
            )
        for name in KUSTOMIZATION_NAMES:
            if (path / name).is_file() or (path / name).is_symlink():
                return TargetFiles(target, (f"{target.path}/{name}",))
        raise ManifestError(
            f"{where}: no kustomization.yaml in {target.path}",
            hint="point the target at a directory that contains kustomization.yaml",
        )
    if not path.exists():
        raise ManifestError(
            f"{where}: {target.path} does not exist",
            hint="fix the path in the config or add the file",
        )
    if target.kind == "helm":
        if not path.is_file():
            raise ManifestError(
                f"{where}: {target.path} is not a file", hint="name the values file"
            )
        return TargetFiles(target, (target.path,))
    if path.is_file():
        return TargetFiles(target, (target.path,))
    return TargetFiles(target, manifest_files(target.path, _listing(repo, path)))


def _listing(repo: Path, directory: Path) -> list[str]:
    """Every entry below `directory`, links included (not followed): `read_text` refuses them."""
    found = []
    for dirpath, dirnames, filenames in os.walk(directory):
        base = Path(dirpath)
        linked = [d for d in dirnames if (base / d).is_symlink()]
        for name in (*filenames, *linked):
            found.append((base / name).relative_to(repo).as_posix())
    return found


def read_text(repo: Path, name: str) -> str:
    data = inside(repo, name).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestError(
            f"{name}: not UTF-8 text (byte {exc.start})", hint="save the file as UTF-8"
        ) from None


def unified_diff(changes: tuple[FileChange, ...]) -> str:
    parts: list[str] = []
    for change in changes:
        if not change.changed:
            continue
        parts.extend(
            difflib.unified_diff(
                change.before.splitlines(keepends=True),
                change.after.splitlines(keepends=True),
                fromfile=f"a/{change.file}",
                tofile=f"b/{change.file}",
            )
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in parts)
