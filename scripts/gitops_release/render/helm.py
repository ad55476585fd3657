"""Rendering charts: the `helm` binary when one is installed, else helm-python-sdk in a child
process (`render.helm_sdk`). Both get the same inputs and give `helm template` output."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from gitops_release.errors import RenderError
from gitops_release.render import tools
from gitops_release.render.helm_values import set_expression
from gitops_release.render.model import HelmOptions, RenderRoot

if TYPE_CHECKING:
    from gitops_release.render.chart_fetch import ChartFetcher


class HelmRenderer:
    """Renders one chart root."""

    kind = "helm"

    def render(self, root: RenderRoot, checkout: Path, *, timeout: float, scratch: Path) -> str:
        # Imported here: dependency handling (and its HTTP client) costs a kustomize-only run
        # start-up time for nothing.
        from gitops_release.render.chart_deps import ChartPreparer, chart_files  # noqa: PLC0415

        options = root.helm or HelmOptions(release_name=root.name)
        if root.chart is not None:  # a remote chart: its package, and values files from it
            chart = fetcher().fetch(root.chart)
            inside = chart_files(chart, options.chart_value_files, scratch, label=root.name)
        else:
            preparer = ChartPreparer(checkout, scratch, fetcher())
            chart = preparer.prepare(checkout / root.path, label=root.path or ".")
            inside = []
        value_files = [*inside, *(checkout / v for v in options.value_files)]
        binary = tools.helm_binary()
        if binary is not None:
            return _render_binary(
                binary, root, options, chart, value_files, timeout=timeout, scratch=scratch
            )
        return _render_sdk(root, options, chart, value_files, timeout=timeout, scratch=scratch)


_FETCHERS: dict[Path, ChartFetcher] = {}
_FETCHERS_LOCK = threading.Lock()


def fetcher() -> ChartFetcher:
    """One fetcher per cache directory, shared by all renders (indexes are read once)."""
    from gitops_release.render.chart_fetch import ChartFetcher, cache_dir  # noqa: PLC0415

    where = cache_dir()
    with _FETCHERS_LOCK:
        return _FETCHERS.setdefault(where, ChartFetcher(where))


def _render_binary(
    binary: str,
    root: RenderRoot,
    options: HelmOptions,
    chart: Path,
    value_files: list[Path],
    *,
    timeout: float,
    scratch: Path,
) -> str:
    home = scratch / "helm-home"
    args = [binary, "template", options.release_name, str(chart), "--skip-tests"]
    args += ["--namespace", options.namespace or "default"]
    if not options.skip_crds:
        args.append("--include-crds")
    for values in value_files:
        args += ["--values", str(values)]
    if options.values:
        # Unique per render: base and head of one root render at once from one scratch.
        inline = scratch / f"values-{uuid.uuid4().hex}.yaml"
        inline.write_text(options.values, encoding="utf-8")
        args += ["--values", str(inline)]
    for param in options.parameters:
        flag = "--set-string" if param.force_string else "--set"
        args += [flag, set_expression(param.name, param.value)]
    env = {  # fresh caches, config and plugins: nothing of the user's or the runner's helm
        "HELM_CACHE_HOME": str(home / "cache"),
        "HELM_CONFIG_HOME": str(home / "config"),
        "HELM_DATA_HOME": str(home / "data"),
    }
    result = tools.run_tool(args, what=root.path or ".", env=env, timeout=timeout, scratch=scratch)
    if result.returncode != 0:
        raise RenderError(
            f"helm template {root.path or '.'} failed: {tools.error_text(result.err)}"
        )
    return result.out


def _render_sdk(
    root: RenderRoot,
    options: HelmOptions,
    chart: Path,
    value_files: list[Path],
    *,
    timeout: float,
    scratch: Path,
) -> str:
    request = {
        "chart": str(chart),
        "value_files": [str(v) for v in value_files],
        "values": options.values,
        "parameters": [[p.name, p.value, p.force_string] for p in options.parameters],
        "release": options.release_name,
        "namespace": options.namespace,
        "include_crds": not options.skip_crds,
    }
    result = tools.run_isolated(
        "gitops_release.render.helm_sdk",
        request,
        what=root.path or ".",
        timeout=timeout,
        scratch=scratch,
    )
    if result.returncode != 0:
        raise RenderError(
            f"helm template {root.path or '.'} failed: {tools.error_text(result.err)}"
        )
    return result.out
