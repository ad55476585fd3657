"""Rendering plain manifest directories and files: their YAML documents as they are."""

from __future__ import annotations

from pathlib import Path

from gitops_release.errors import RenderError
from gitops_release.render.model import RenderRoot

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


class ManifestRenderer:
    """Concatenates the manifests of a file or directory (sorted by path, like Argo CD)."""

    kind = "manifest"

    def render(self, root: RenderRoot, checkout: Path, *, timeout: float, scratch: Path) -> str:
        del timeout, scratch  # reading files needs neither
        target = checkout / root.path
        if target.is_file():
            files = [target]
        elif target.is_dir():
            pattern = "**/*" if root.recurse else "*"
            files = sorted(
                p for p in target.glob(pattern) if p.is_file() and p.suffix in MANIFEST_SUFFIXES
            )
        else:
            raise RenderError(f"{root.path}: no such file or directory")
        parts = []
        for path in files:
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                rel = path.relative_to(checkout).as_posix()
                raise RenderError(f"{rel}: not UTF-8 text") from None
            if text.strip():
                parts.append(text if text.endswith("\n") else text + "\n")
        return "---\n".join(parts)
