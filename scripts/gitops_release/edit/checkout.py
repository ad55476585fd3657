"""The edit engine on a checkout: find an app's target files on disk, read them, plan the edit.

Shared by every flow that sets an image (set-image on a local repository; bump, promote and
later flows on their clone). Nothing here writes: `write_atomically` applies the plan.
"""

from __future__ import annotations

import difflib
import os
import posixpath
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from gitops_release.config import App, Config, Target
from gitops_release.edit.apply import inside
from gitops_release.edit.model import PlannedFile
from gitops_release.edit.plan import (
    KUSTOMIZATION_NAMES,
    MANIFEST_SUFFIXES,
    TargetFiles,
    manifest_files,
    plan_set_image,
)
from gitops_release.edit.strategy import Reached
from gitops_release.errors import ConfigError, ManifestError
from gitops_release.image import ImageRef
from gitops_release.yamlio import nodes as yamlnodes


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
    repo: Path,
    config: Config,
    app: App,
    *,
    env: str,
    ref: ImageRef,
    allow_downgrade: bool,
    strategy: str | None = None,
    keep_strategy: bool = False,
) -> tuple[PlannedFile, ...]:
    """Read the app's target files for `env` from a checkout and plan setting `ref` (no writes).

    `strategy` names the release strategy asked for; without it an app with `strategies:` gets
    its default one. `keep_strategy` leaves the Rollouts' steps as they are (a branch deploy
    lends the environment an image, not a release strategy).
    """
    preset = None if keep_strategy else app.strategy(strategy, source=config.source)
    targets = targets_of(config, app, env)
    texts, resolved = read_targets(repo, config, targets)
    if preset is not None:
        resolved = [with_reach(repo, config, app, env, entry) for entry in resolved]
        for entry in resolved:
            for reached in entry.reach:
                if reached.file not in texts:
                    texts[reached.file] = read_text(repo, reached.file)
    return plan_set_image(
        app, ref, resolved, texts, allow_downgrade=allow_downgrade, strategy=preset,
        strategy_asked=strategy is not None,
    )  # fmt: skip


def with_reach(repo: Path, config: Config, app: App, env: str, entry: TargetFiles) -> TargetFiles:
    """`entry` with the files its target reaches and those another environment's target of the
    app reaches too."""
    reach = reach_of(repo, entry)
    others = {
        r.file
        for t in app.targets
        if not t.applies_to(env)
        for r in reach_of(repo, _quiet_resolve(repo, t, config.source))
    }
    return replace(entry, reach=reach, shared=frozenset(r.file for r in reach) & others)


def _quiet_resolve(repo: Path, target: Target, source: str) -> TargetFiles:
    try:
        return resolve_target_files(repo, target, source)
    except ManifestError:
        return TargetFiles(target, ())


def reach_of(repo: Path, entry: TargetFiles) -> tuple[Reached, ...]:
    """The YAML files a target's Rollouts may be in: a manifest target's files, a
    kustomization's resources (through local bases) and patches; a Helm target's values file."""
    if entry.target.kind != "kustomize" or not entry.files:
        return tuple(Reached(f) for f in entry.files)
    found: dict[str, Reached] = {}
    for item in kustomize_reach(repo, posixpath.dirname(entry.files[0]), set(), missing=[]):
        found.setdefault(item.file, item)
    return tuple(found.values())


def kustomize_reach(
    repo: Path, directory: str, seen: set[str], *, missing: list[str]
) -> list[Reached]:
    """Resources (files, and local directories recursively) then patches of the kustomization
    in `directory`; paths that are not on disk (yet: a sparse checkout) go to `missing`."""
    if directory in seen:
        return []
    seen.add(directory)
    kfile = next(
        (f"{directory}/{n}" for n in KUSTOMIZATION_NAMES if _exists(repo, f"{directory}/{n}")),
        None,
    )
    if kfile is None:
        missing.append(directory)
        return []
    data = _kustomization_data(repo, kfile)
    out: list[Reached] = []
    for entry in _strings(data.get("resources")) + _strings(data.get("bases")):
        path = _join(directory, entry)
        if path is None:
            continue
        if _exists(repo, path) and inside(repo, path).is_dir():
            out += kustomize_reach(repo, path, seen, missing=missing)
        elif path.endswith(MANIFEST_SUFFIXES):
            if _exists(repo, path):
                out.append(Reached(path))
            else:
                missing.append(path)
        elif not _exists(repo, path):
            missing.append(path)
    return out + _patches(repo, directory, data, missing=missing)


def _patches(
    repo: Path, directory: str, data: dict[str, Any], *, missing: list[str]
) -> list[Reached]:
    """The patch files of a kustomization (inline patches are not files to edit)."""
    entries = _strings(data.get("patchesStrategicMerge")) + [
        p["path"]
        for p in data.get("patches") or ()
        if isinstance(p, dict) and isinstance(p.get("path"), str)
    ]
    out = []
    for entry in entries:
        path = _join(directory, entry)
        if path is None:
            continue
        if _exists(repo, path):
            out.append(Reached(path, patch=True))
        else:
            missing.append(path)
    return out


def _kustomization_data(repo: Path, name: str) -> dict[str, Any]:
    try:
        docs = yamlnodes.compose_all(read_text(repo, name), source=name, error=ManifestError)
    except ManifestError:
        return {}
    data = yamlnodes.to_python(docs[0]) if docs else None
    return data if isinstance(data, dict) else {}


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _join(directory: str, entry: str) -> str | None:
    """A local path relative to the repository root, or None (a URL, or outside the repo)."""
    if "://" in entry or entry.startswith(("github.com/", "git@")) or "\n" in entry:
        return None
    path = posixpath.normpath(posixpath.join(directory, entry))
    if path.startswith("../") or path == ".." or posixpath.isabs(path):
        return None
    return path


def _exists(repo: Path, name: str) -> bool:
    try:
        return inside(repo, name).exists()
    except ManifestError:
        return False


def strategy_paths(repo: Path, app: App) -> set[str]:
    """The paths every target of `app` reaches that a sparse checkout lacks (bases of overlays,
    patches outside the target's directory)."""
    missing: list[str] = []
    for target in app.targets:
        if target.kind == "kustomize":
            kustomize_reach(repo, target.path, set(), missing=missing)
    return set(missing)


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
