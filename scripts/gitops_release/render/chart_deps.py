"""Chart dependencies, made available as `helm dependency build` would before `helm template`.

A chart's `Chart.yaml` `dependencies:` must be present in its `charts/` directory to render:
Helm fails without them, and helm-python-sdk silently renders the chart without them (zero
resources, no error). So before a chart renders, every dependency is checked:

- vendored: `charts/<name>/` (an unpacked chart) or `charts/<name>-<version>.tgz`;
- `file://<path>`: a chart of the same repository, itself prepared the same way;
- `https://…` or `oci://…`: fetched (and cached) with `render.chart_fetch`.

When anything is missing the chart is copied to a scratch directory and the missing
dependencies are added to the copy's `charts/`: the checkout is never written to. A dependency
that cannot be had fails the root with an error naming it, never an empty render.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import tarfile
import uuid
from collections.abc import Sequence
from pathlib import Path

from gitops_release.errors import RenderError
from gitops_release.render.chart_fetch import ChartFetcher
from gitops_release.render.chart_meta import CHART_FILE, DEPENDENCY_FILES, Dependency, dependencies
from gitops_release.render.confine import escaping_links_below
from gitops_release.render.model import ChartRef

_MAX_DEPTH = 10


def chart_dependencies(chart: Path) -> tuple[Dependency, ...]:
    found: list[Dependency] = []
    for name in DEPENDENCY_FILES:
        path = chart / name
        if path.is_file():
            found.extend(dependencies(path.read_text(encoding="utf-8"), source=str(path)))
    return tuple(found)


def vendored(chart: Path, dependency: Dependency) -> bool:
    """Whether `charts/` already holds the dependency (unpacked, or as a package)."""
    home = chart / "charts"
    if not home.is_dir():
        return False
    if (home / dependency.name / CHART_FILE).is_file():
        return True
    package = re.compile(rf"{re.escape(dependency.name)}-v?\d[^/]*\.tgz")
    return any(package.fullmatch(p.name) for p in home.iterdir())


class ChartPreparer:
    """Prepares charts of one checkout for rendering (copies go below `scratch`)."""

    def __init__(self, checkout: Path, scratch: Path, fetcher: ChartFetcher) -> None:
        self.checkout = checkout.resolve()
        self.scratch = scratch
        self.fetcher = fetcher

    def prepare(self, chart: Path, *, label: str, depth: int = 0) -> Path:
        """`chart` itself when every dependency is there, else a prepared copy."""
        missing = [d for d in chart_dependencies(chart) if not vendored(chart, d)]
        if not missing:
            return chart
        if depth > _MAX_DEPTH:
            raise RenderError(f"{label}: file:// dependencies nest deeper than {_MAX_DEPTH}")
        copy = self.scratch / "charts" / uuid.uuid4().hex[:12] / chart.name
        shutil.copytree(chart, copy, symlinks=False)
        (copy / "charts").mkdir(exist_ok=True)
        for dependency in missing:
            self._add(copy / "charts", chart, dependency, label=label, depth=depth)
        return copy

    def _add(
        self, home: Path, chart: Path, dependency: Dependency, *, label: str, depth: int
    ) -> None:
        repository = dependency.repository
        if repository.startswith("file://"):
            source = (chart / repository.removeprefix("file://")).resolve()
            if source != self.checkout and self.checkout not in source.parents:
                raise RenderError(
                    f"{label}: dependency {dependency.describe()} is outside the repository",
                    hint="keep file:// dependencies inside the manifest repository",
                )
            if not (source / CHART_FILE).is_file():
                raise RenderError(
                    f"{label}: dependency {dependency.describe()}: no chart at "
                    f"{source.relative_to(self.checkout).as_posix() or '.'}",
                    hint="fix the repository path in Chart.yaml (relative to the chart)",
                )
            # Not in the root's listing (a dependency of a dependency, requirements.yaml):
            # every link in it is checked here, before anything of it is copied or read.
            problems = escaping_links_below(self.checkout, source)
            if problems:
                raise RenderError(f"{label}: dependency {dependency.name}: " + "; ".join(problems))
            prepared = self.prepare(source, label=label, depth=depth + 1)
            shutil.copytree(prepared, home / dependency.name, symlinks=False)
            return
        if not repository:
            raise RenderError(
                f"{label}: dependency {dependency.name} is not in charts/ and names no "
                "repository to fetch it from",
                hint="add `repository:` to the dependency in Chart.yaml, or vendor it "
                "(`helm dependency build` and commit charts/)",
            )
        try:
            package = self.fetcher.fetch(ChartRef(repository, dependency.name, dependency.version))
        except RenderError as exc:
            raise RenderError(f"{label}: dependency {exc.message}", hint=exc.hint) from None
        shutil.copyfile(package, home / package.name.split("-", 1)[1])


def chart_files(package: Path, names: Sequence[str], scratch: Path, *, label: str) -> list[Path]:
    """Files of a packaged chart (e.g. an Application's `valueFiles` relative to a remote chart),
    copied out to `scratch`. Members are read, never extracted: names cannot escape."""
    if not names:
        return []
    out = scratch / "chart-files" / uuid.uuid4().hex[:12]
    out.mkdir(parents=True)
    found: list[Path] = []
    with tarfile.open(package, "r:gz") as archive:
        members = {m.name: m for m in archive.getmembers() if m.isfile()}
        top = next(iter(members), "").split("/", 1)[0]
        for i, name in enumerate(names):
            member = members.get(posixpath.normpath(f"{top}/{name}"))
            handle = archive.extractfile(member) if member is not None else None
            if handle is None:
                raise RenderError(
                    f"{label}: value file {name} is not in the chart package {package.name}",
                    hint="name a values file the chart ships, or one of this repository "
                    "through a `ref:` source ($values/…)",
                )
            target = out / f"{i:03d}-{posixpath.basename(name)}"
            target.write_bytes(handle.read())
            found.append(target)
    return found
