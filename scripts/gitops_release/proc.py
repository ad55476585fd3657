"""The one wrapper through which every external process runs (git, kustomize, helm, pluto, ...).

Failures raise `ProcessError` (or the subclass the caller asks for) with the command, exit code,
stdout and stderr, and every registered secret masked out of all of them.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gitops_release.errors import ProcessError

_SECRETS: set[str] = set()
_SECRETS_LOCK = threading.Lock()
_MAX_SHOWN = 4000


def register_secret(value: str | None) -> None:
    """Mask `value` in every error message and output this module produces from now on."""
    if value and len(value) >= 4:
        with _SECRETS_LOCK:
            _SECRETS.add(value)


def mask(text: str) -> str:
    """Replace every registered secret in `text` with `***`."""
    with _SECRETS_LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


@dataclass(frozen=True)
class Completed:
    args: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", errors="replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", errors="replace")


def _clip(text: str) -> str:
    text = text.strip()
    if len(text) > _MAX_SHOWN:
        return text[:_MAX_SHOWN] + f"\n... ({len(text) - _MAX_SHOWN} more characters)"
    return text


def describe_failure(result: Completed, *, summary: str | None = None) -> str:
    """A masked, multi-line description of a failed command."""
    lines = [summary or f"command failed with exit code {result.returncode}"]
    lines.append(f"  command: {shlex.join(result.args)}")
    lines.append(f"  exit code: {result.returncode}")
    if result.stdout.strip():
        lines.append("  stdout:\n    " + _clip(result.out).replace("\n", "\n    "))
    if result.stderr.strip():
        lines.append("  stderr:\n    " + _clip(result.err).replace("\n", "\n    "))
    return mask("\n".join(lines))


def run(
    args: Sequence[str | os.PathLike[str]],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    inherit_env: bool = True,
    input: bytes | None = None,
    timeout: float | None = None,
    check: bool = True,
    error: type[ProcessError] = ProcessError,
    summary: str | None = None,
    hint: str | None = None,
) -> Completed:
    """Run a command without a shell and capture its output.

    `env` entries are added to the current environment; with `inherit_env=False` they are the
    whole environment (renderers of untrusted input get only what they need, never a token).
    With `check`, a non-zero exit raises `error` with the masked command, exit code, stdout and
    stderr. A timeout always raises.
    """
    argv = tuple(os.fspath(a) for a in args)
    full_env = None
    if not inherit_env:
        full_env = dict(env or {})
    elif env is not None:
        full_env = dict(os.environ)
        full_env.update(env)
    try:
        proc = subprocess.run(
            argv,
            cwd=None if cwd is None else Path(cwd),
            env=full_env,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise error(
            mask(
                f"{summary or 'command timed out'}: `{shlex.join(argv)}` did not finish "
                f"within {timeout:g} s"
            ),
            hint=hint,
        ) from None
    except FileNotFoundError:
        if cwd is not None and not Path(cwd).is_dir():  # raised for a missing cwd too
            raise error(
                f"{summary or 'cannot run ' + argv[0]}: no such directory: {os.fspath(cwd)}",
                hint=hint,
            ) from None
        raise error(
            f"{summary or 'command not found'}: `{argv[0]}` is not installed or not on PATH",
            hint=hint,
        ) from None
    result = Completed(argv, proc.returncode, proc.stdout, proc.stderr)
    if check and result.returncode != 0:
        raise error(describe_failure(result, summary=summary), hint=hint)
    return result
