"""Edit-engine benchmark: one image edit vs a plain ruamel.yaml load of the same file.

Files: a 5,000-line Helm values file and a 1,000-document manifest file. The edit (plan +
splice + re-parse verification, no disk I/O) is compared, in the same run, with
`YAML(typ="safe").load` (the fastest plain load, C-accelerated when ruamel.yaml.clib is present)
and `YAML().load` (ruamel's default round-trip load). Target: edit ≤ 2x the load.

Usage: python benchmarks/edit_bench.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from ruamel.yaml import YAML

from gitops_release.config import App, Target
from gitops_release.edit import TargetFiles, plan_set_image
from gitops_release.image import parse


def values_file(lines: int = 5000) -> str:
    out = ["# generated values file"]
    i = 0
    while len(out) < lines - 8:
        out += [
            f"service{i}:",
            f"  replicas: {i % 5 + 1}  # per service",
            "  image:",
            f"    repository: ghcr.io/acme/service{i}",
            f'    tag: "1.{i}.0"',
            "  resources: {requests: {cpu: 100m, memory: 128Mi}}",
        ]
        i += 1
    out += ["image:", "  repository: ghcr.io/acme/web", '  tag: "1.4.1"  # managed']
    return "\n".join(out[:lines]) + "\n"


def manifest_file(docs: int = 1000) -> str:
    parts = []
    for i in range(docs):
        image = "ghcr.io/acme/web:1.4.1" if i == docs // 2 else f"ghcr.io/acme/svc{i}:1.0.{i}"
        parts.append(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc{i}\n"
            f"  labels: {{app: svc{i}}}\nspec:\n  replicas: 2\n  template:\n    spec:\n"
            f"      containers:\n        - name: app\n          image: {image}  # c\n"
            f"          ports: [{{containerPort: 8080}}]\n"
        )
    return "---\n" + "---\n".join(parts)


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) if repeat < 5 else statistics.median(times)


def bench(name: str, kind: str, text: str, repeat: int) -> tuple[float, float]:
    ref = parse("ghcr.io/acme/web:1.4.2")
    fname = "values.yaml" if kind == "helm" else "deploy.yaml"
    target = Target(kind=kind, path=fname)  # type: ignore[arg-type]
    app = App("web", "ghcr.io/acme/web", (target,))

    def edit() -> None:
        (change,) = plan_set_image(app, ref, [TargetFiles(target, (fname,))], {fname: text})
        assert change.changed

    t_edit = best_of(edit, repeat)
    t_safe = best_of(lambda: list(YAML(typ="safe").load_all(text)), repeat)
    t_rt = best_of(lambda: list(YAML().load_all(text)), repeat)
    lines = text.count("\n")
    print(f"{name} ({lines} lines, {len(text) // 1024} KiB)")
    print(f"  edit (plan + splice + verify)   {t_edit * 1000:8.1f} ms")
    print(
        f"  ruamel.yaml safe load           {t_safe * 1000:8.1f} ms   ratio {t_edit / t_safe:.2f}x"
    )
    print(f"  ruamel.yaml round-trip load     {t_rt * 1000:8.1f} ms   ratio {t_edit / t_rt:.2f}x")
    return t_edit / t_safe, t_edit / t_rt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    parser_name = YAML(typ="safe").Parser.__module__
    print(f"ruamel.yaml safe parser: {parser_name}")
    ratios = [
        bench("values file", "helm", values_file(), args.repeat),
        bench("manifest file, 1000 documents", "manifest", manifest_file(), args.repeat),
    ]
    worst = max(r[0] for r in ratios)
    print(
        f"worst ratio vs safe load: {worst:.2f}x (target <= 2.00x): "
        f"{'OK' if worst <= 2.0 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
