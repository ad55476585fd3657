"""Render one chart with helm-python-sdk in a child process (`render.tools.run_isolated`).

The SDK renders in-process through a native library, which cannot be interrupted; running it in
a child process gives every render the same timeout (and crash isolation) as the real tools.
The request arrives as JSON on stdin, so values never appear on a command line; the rendered
manifests go to stdout. The child runs isolated: a `helm_python.py` planted in the checkout
being rendered is never imported. Output matches
`helm template --include-crds --skip-tests`: NOTES.txt and test templates are dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from gitops_release.render.helm_values import merge_all, set_expression

SOURCE_PREFIX = "# Source: "


def render(request: dict[str, Any]) -> str:
    """Render a chart; `request` keys: chart, value_files, values, parameters, release,
    namespace, include_crds."""
    import helm_python  # noqa: PLC0415  (optional dependency, loaded only in the child)

    layers = [
        helm_python.values_from_yaml(Path(f).read_text(encoding="utf-8"))
        for f in request["value_files"]
    ]
    if request.get("values"):
        layers.append(helm_python.values_from_yaml(request["values"]))
    for name, value, force_string in request.get("parameters", []):
        parse = (
            helm_python.parse_set_string_values if force_string else helm_python.parse_set_string
        )
        layers.append(parse(set_expression(name, value)))
    with helm_python.Chart.load(request["chart"]) as chart:
        rendered = chart.render(
            merge_all(layers),
            name=request["release"],
            namespace=request.get("namespace") or "default",
        )
        crds = chart.crds if request.get("include_crds", True) else []
    parts = [f"{SOURCE_PREFIX}{c['filename']}\n{c['data']}" for c in crds]
    parts += [
        f"{SOURCE_PREFIX}{p}\n{rendered[p]}" for p in sorted(rendered) if _kept(p, rendered[p])
    ]
    return "".join(f"---\n{_ensure_newline(p)}" for p in parts)


def _kept(path: str, text: str) -> bool:
    name = path.rpartition("/")[2]
    if name == "NOTES.txt" or "/tests/" in f"/{path}" or name.startswith("_"):
        return False
    body = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return bool(body)


def _ensure_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def serve(request: dict[str, Any]) -> int:
    """Render `request` to stdout (exit code 0), or its error to stderr (exit code 1)."""
    try:
        sys.stdout.write(render(request))
    except Exception as exc:  # report any SDK failure as the render's error
        sys.stderr.write(f"{type(exc).__name__}: {exc}\n")
        return 1
    return 0
