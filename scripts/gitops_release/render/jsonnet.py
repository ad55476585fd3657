"""Jsonnet files of directory sources, evaluated with go-jsonnet (what Argo CD uses).

Argo CD evaluates every `*.jsonnet` file of a directory source with the source's
`directory.jsonnet` settings: top-level arguments (`tlas`), external variables (`extVars`) and
library directories (`libs`, relative to the repository root). A file's result is one object or
a list of objects, each a manifest.

Jsonnet from a pull request is hostile: `importstr "/proc/self/environ"` reads any file, and a
recursive function never ends. So evaluation runs in a child process (`python -I`, a scratch
directory, the renderers' minimal environment, the render timeout), and every import goes
through a callback that resolves it inside the repository only, links included.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gitops_release.errors import RenderError
from gitops_release.render import tools
from gitops_release.render.model import JsonnetOptions


def evaluate(
    files: Sequence[Path],
    options: JsonnetOptions | None,
    checkout: Path,
    *,
    what: str,
    timeout: float,
    scratch: Path,
) -> list[str]:
    """The manifests (JSON texts) the jsonnet `files` produce, in order."""
    options = options or JsonnetOptions()
    request = {
        "root": str(checkout.resolve()),
        "files": [str(f) for f in files],
        "tlas": [list(t) for t in options.tlas],
        "ext_vars": [list(v) for v in options.ext_vars],
        "libs": [str(checkout / lib) for lib in options.libs],
    }
    result = tools.run_isolated(
        "gitops_release.render.jsonnet", request, what=what, timeout=timeout, scratch=scratch
    )
    if result.returncode != 0:
        raise RenderError(f"jsonnet {what} failed: {tools.error_text(result.err)}")
    documents: list[str] = json.loads(result.out)
    return documents


# -- the child process --------------------------------------------------------------------------


def serve(request: dict[str, Any]) -> int:
    """Evaluate `request` to stdout (a JSON list of documents) or its error to stderr."""
    try:
        import _gojsonnet  # noqa: PLC0415  (optional dependency, loaded only in the child)
    except ImportError:
        sys.stderr.write(
            "jsonnet is not installed: pip install 'gitops-release[render]' (adds gojsonnet)\n"
        )
        return 1
    root = Path(request["root"])
    libs = [Path(p) for p in request["libs"]]
    tlas, tla_codes = _split(request["tlas"])
    ext_vars, ext_codes = _split(request["ext_vars"])
    documents: list[str] = []
    try:
        for file in request["files"]:
            output = _gojsonnet.evaluate_file(
                file,
                tla_vars=tlas,
                tla_codes=tla_codes,
                ext_vars=ext_vars,
                ext_codes=ext_codes,
                import_callback=_importer(root, libs),
            )
            documents.extend(_documents(json.loads(output), Path(file).relative_to(root)))
    except Exception as exc:  # report any evaluation failure as the render's error
        sys.stderr.write(str(exc).replace(f"{root}/", "") + "\n")
        return 1
    sys.stdout.write(json.dumps(documents))
    return 0


def _split(entries: list[list[Any]]) -> tuple[dict[str, str], dict[str, str]]:
    plain = {str(n): str(v) for n, v, code in entries if not code}
    codes = {str(n): str(v) for n, v, code in entries if code}
    return plain, codes


def _importer(root: Path, libs: list[Path]) -> Any:
    def callback(base: str, rel: str) -> tuple[str, bytes]:
        if rel.startswith("/"):
            raise RuntimeError(f"import {rel}: absolute paths are not allowed")
        for directory in (Path(base) if base else root, *libs):
            candidate = directory / rel
            real = candidate.resolve()
            if real != root and root not in real.parents:
                raise RuntimeError(f"import {rel}: outside the repository")
            if real.is_file():
                return str(candidate), real.read_bytes()
        raise RuntimeError(f"import {rel}: no such file in the repository")

    return callback


def _documents(value: Any, source: Path) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise TypeError(f"{source}: produced {type(item).__name__}, not a manifest object")
        out.append(json.dumps(item, sort_keys=True))
    return out
