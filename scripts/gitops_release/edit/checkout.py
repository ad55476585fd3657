"""The edit engine on a checkout: find an app's target files on disk, read them, plan the edit.

Shared by every flow that sets an image (set-image on a local repository; bump, promote and
later flows on their clone). Nothing here writes: `write_atomically` applies the plan.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from pathlib import Path

from gitops_release.config import App, Config, Target
from gitops_release.edit.apply import inside
from gitops_release.edit.model import PlannedFile
from gitops_release.edit.plan import (
    KUSTOMIZATION_NAMES,
    TargetFiles,
    manifest_files,
    plan_set_image,
)
from gitops_release.errors import ConfigError, ManifestError
from gitops_release.image import ImageRef


def targets_of(config: Config, app: App, env: str) -> tuple[Target, ...]:
    """The app's targets for `env`; a clear error when it has none."""
    targets = tuple(app.targets_for(env))
    if not targets:
        raise ConfigError(
            f"app '{app.name}' has no targets for environment '{env}' in {config.source}",
            hint=f"add a target with `environments: [{env}]` (or without `environments:`)",
        )
    return targets


def plan_on_checkout(
    repo: Path, config: Config, app: App, *, env: str, ref: ImageRef, allow_downgrade: bool
) -> tuple[PlannedFile, ...]:
    """Read the app's target files for `env` from a checkout and plan setting `ref` (no writes)."""
    texts, resolved = read_targets(repo, config, targets_of(config, app, env))
    return plan_set_image(app, ref, resolved, texts, allow_downgrade=allow_downgrade)


def read_targets(
    repo: Path, config: Config, targets: Sequence[Target]
) -> tuple[dict[str, str], list[TargetFiles]]:
    """The files of each target (resolved on disk) and their texts."""
    resolved = [resolve_target_files(repo, t, config.source) for t in targets]
    texts = {name: read_text(repo, name) for entry in resolved for name in entry.files}
    return texts, resolved


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


def unified_diff(changes: Sequence[PlannedFile]) -> str:
    """The planned changes as one unified diff (`a/` and `b/` prefixes, as git shows them)."""
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
