"""Rendering plain manifest directories and files as Argo CD's directory sources do: YAML and
JSON documents as they are, `*.jsonnet` files evaluated (`render.jsonnet`), files chosen by
`recurse` and the `include` / `exclude` globs, in path order."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

from gitops_release.errors import RenderError
from gitops_release.render.jsonnet import evaluate
from gitops_release.render.model import RenderRoot

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
JSONNET_SUFFIX = ".jsonnet"
_BRACES = re.compile(r"\{([^{}]*)\}")


class ManifestRenderer:
    """Concatenates the manifests of a file or directory (sorted by path, like Argo CD)."""

    kind = "manifest"

    def render(self, root: RenderRoot, checkout: Path, *, timeout: float, scratch: Path) -> str:
        target = checkout / root.path
        if target.is_file():
            files = [target]
        elif target.is_dir():
            pattern = "**/*" if root.recurse else "*"
            files = sorted(
                p
                for p in target.glob(pattern)
                if p.is_file()
                and p.name.endswith((*MANIFEST_SUFFIXES, JSONNET_SUFFIX))
                and selected(p.relative_to(target).as_posix(), root.include, root.exclude)
            )
        else:
            raise RenderError(f"{root.path}: no such file or directory")
        parts = []
        jsonnet = [p for p in files if p.name.endswith(JSONNET_SUFFIX)]
        evaluated = iter(
            evaluate(
                jsonnet,
                root.jsonnet,
                checkout,
                what=root.path or ".",
                timeout=timeout,
                scratch=scratch,
            )
            if jsonnet
            else []
        )
        for path in files:
            if path.name.endswith(JSONNET_SUFFIX):
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                rel = path.relative_to(checkout).as_posix()
                raise RenderError(f"{rel}: not UTF-8 text") from None
            if text.strip():
                parts.append(text if text.endswith("\n") else text + "\n")
        parts.extend(f"{doc}\n" for doc in evaluated)
        return "---\n".join(parts)


def selected(path: str, include: str | None, exclude: str | None) -> bool:
    """Argo CD's `directory.include` / `exclude`: globs on the path below the source directory,
    `{a,b}` alternatives allowed."""
    if include and not any(fnmatch.fnmatchcase(path, p) for p in expand_braces(include)):
        return False
    return not (exclude and any(fnmatch.fnmatchcase(path, p) for p in expand_braces(exclude)))


def expand_braces(pattern: str) -> list[str]:
    match = _BRACES.search(pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return [e for option in match.group(1).split(",") for e in expand_braces(head + option + tail)]
