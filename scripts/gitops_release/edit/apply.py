"""Writing planned changes: every file or none, each replaced atomically with its mode kept."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from gitops_release.edit.model import PlannedFile
from gitops_release.errors import ManifestError


def inside(root: Path, name: str) -> Path:
    """`root / name`, refused when `name` leaves `root` or passes through a symbolic link.

    A checkout is the pull request's (or a bump's) content: a committed link to a file or a
    directory outside the repository would make us read or replace a file of the machine, and a
    link inside it would turn a one-line edit into rewriting another file. Every file the edit
    engine reads or writes goes through here.
    """
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or ".." in parts:
        raise ManifestError(
            f"{name}: not a path inside the repository",
            hint="name target files relative to the repository root, without `..`",
        )
    path = root
    for part in parts:
        path = path / part
        if path.is_symlink():
            link = path.relative_to(root).as_posix()
            raise ManifestError(
                f"{link} is a symbolic link (to {path.readlink()}): gitops-release does not "
                f"read or edit files through links; nothing was changed",
                hint=f"make {link} a regular file or directory (e.g. `git rm {link}` and add "
                "the real content), or point the target at the file itself",
            )
    return path


def write_atomically(root: Path, changes: Sequence[PlannedFile]) -> tuple[str, ...]:
    """Write the changed files under `root`; returns the files written.

    All new contents are first written to temp files beside their targets; only when every one
    was written are they renamed into place, so a failure leaves every file as it was. No file
    is written through a symbolic link (`inside`).
    """
    for change in changes:
        if change.changed:
            inside(root, change.file)
    pending: list[tuple[Path, Path]] = []
    try:
        for change in changes:
            if not change.changed:
                continue
            dest = inside(root, change.file)
            mode = dest.stat().st_mode & 0o7777
            fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
            tmp = Path(tmp_name)
            pending.append((tmp, dest))
            with os.fdopen(fd, "wb") as handle:
                handle.write(change.after.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            tmp.chmod(mode)
    except OSError as exc:
        for tmp, _ in pending:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise ManifestError(
            f"cannot write {exc.filename or 'a target file'}: {exc.strerror}; nothing was changed",
            hint="check the file permissions and free disk space",
        ) from None
    for tmp, dest in pending:
        tmp.replace(dest)
    return tuple(str(dest.relative_to(root)) for _, dest in pending)
