"""Writing planned changes: every file or none, each replaced atomically with its mode kept."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from gitops_release.edit.model import FileChange
from gitops_release.errors import ManifestError


def write_atomically(root: Path, changes: Sequence[FileChange]) -> tuple[str, ...]:
    """Write the changed files under `root`; returns the files written.

    All new contents are first written to temp files beside their targets; only when every one
    was written are they renamed into place, so a failure leaves every file as it was.
    """
    pending: list[tuple[Path, Path]] = []
    try:
        for change in changes:
            if not change.changed:
                continue
            dest = root / change.file
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
