"""Benchmark of `diff`: how much does a rendered diff cost beyond rendering itself?

Generates a manifest repository of N apps x 2 overlays (staging, production) over a base per
app and one shared base used by every app, commits it (packed, as a clone is), then measures:

1. a PR that touches one overlay: total `diff` time vs one standalone `kubectl kustomize` of
   that root (target: at most 3x);
2. a PR that touches the shared base of all apps: total `diff` time vs the sum of standalone
   renders of the affected roots divided by the number of cores (target: at most 1.25x). The
   standalone renders of a sample of roots are timed and extrapolated to all of them.

Run: python benchmarks/diff_bench.py [--apps 500] [--sample 40]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gitops_release.flows.diff import DiffRequest, run_diff
from gitops_release.render.run import cpu_count
from gitops_release.render.tools import go_runtime_env, kustomize_command

SHARED = {
    "shared/base/kustomization.yaml": "resources: [defaults.yaml]\n",
    "shared/base/defaults.yaml": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: platform-defaults\n"
        "data:\n  LOG_FORMAT: json\n  REGION: eu-west-1\n"
    ),
}


def app_files(i: int) -> dict[str, str]:
    name = f"app{i:04d}"
    base = f"apps/{name}/base"
    files = {
        f"{base}/kustomization.yaml": (
            "resources:\n  - deployment.yaml\n  - service.yaml\n  - ../../../shared/base\n"
            f"labels:\n  - pairs: {{app.kubernetes.io/name: {name}}}\n"
        ),
        f"{base}/deployment.yaml": (
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n"
            f"  replicas: 1\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n"
            f"    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers:\n"
            f"        - name: {name}\n          image: ghcr.io/acme/{name}:1.0.0\n"
            "          envFrom:\n            - configMapRef: {name: settings}\n"
            "            - configMapRef: {name: platform-defaults}\n"
            "          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n"
        ),
        f"{base}/service.yaml": (
            f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n"
            f"  selector: {{app: {name}}}\n  ports:\n    - port: 80\n      targetPort: 8080\n"
        ),
    }
    for env, replicas in (("staging", 1), ("production", 3)):
        overlay = f"apps/{name}/overlays/{env}"
        files[f"{overlay}/kustomization.yaml"] = (
            f"namespace: {name}-{env}\nresources:\n  - ../../base\npatches:\n"
            f"  - path: replicas.yaml\nconfigMapGenerator:\n  - name: settings\n"
            f"    literals: [ENV={env}]\nimages:\n  - name: ghcr.io/acme/{name}\n"
            f'    newTag: "1.{i}.0"\n'
        )
        files[f"{overlay}/replicas.yaml"] = (
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n"
            f"spec:\n  replicas: {replicas}\n"
        )
    return files


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True, timeout=600
    )
    return done.stdout.strip()


def write(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def generate(repo: Path, apps: int) -> None:
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "master")
    git(repo, "config", "user.name", "bench")
    git(repo, "config", "user.email", "bench@example.com")
    files = dict(SHARED)
    for i in range(apps):
        files.update(app_files(i))
    write(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "generated manifests")
    git(repo, "gc", "-q")  # packed objects, like a fresh clone


def branch(repo: Path, name: str, files: dict[str, str]) -> None:
    git(repo, "checkout", "-q", "-b", name, "master")
    write(repo, files)
    git(repo, "commit", "-q", "-am", name)
    git(repo, "checkout", "-q", "master")


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def standalone(repo: Path, root: str, *, env: dict[str, str] | None = None) -> float:
    full_env = {**os.environ, **(env or {})}
    return timed(
        lambda: subprocess.run(
            [*kustomize_command(), str(repo / root)],
            check=True,
            capture_output=True,
            timeout=300,
            env=full_env,
        )
    )


def diff(repo: Path, head: str) -> tuple[float, int]:
    holder: dict[str, object] = {}

    def run() -> None:
        holder["result"] = run_diff(DiffRequest(repo=repo, base="master", head=head))

    seconds = timed(run)
    result = holder["result"]
    roots = result.roots  # type: ignore[attr-defined]
    assert not result.failed, [r.error for r in result.failed]  # type: ignore[attr-defined]
    assert all(r.status == "changed" for r in roots)
    return seconds, len(roots)


def verdict(ratio: float, target: float) -> str:
    return "OK" if ratio <= target else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=500, help="apps (2 overlays each)")
    parser.add_argument("--sample", type=int, default=40, help="standalone renders to time")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of the one-root case")
    args = parser.parse_args()
    cores = cpu_count()
    with tempfile.TemporaryDirectory(prefix="diff-bench-") as tmp:
        repo = Path(tmp) / "repo"
        started = time.perf_counter()
        generate(repo, args.apps)
        roots = 2 * args.apps
        print(
            f"generated {args.apps} apps = {roots} roots in {time.perf_counter() - started:.1f} s"
        )
        one = "apps/app0001/overlays/staging"
        branch(
            repo,
            "one-overlay",
            {
                f"{one}/replicas.yaml": app_files(1)[f"{one}/replicas.yaml"].replace(
                    "replicas: 1", "replicas: 2"
                )
            },
        )
        shared = SHARED["shared/base/defaults.yaml"].replace("json", "logfmt")
        branch(repo, "shared-base", {"shared/base/defaults.yaml": shared})

        print(f"\n(1) PR touching one overlay ({cores} cores)")
        single = statistics.median(standalone(repo, one) for _ in range(5))
        tuned = statistics.median(standalone(repo, one, env=go_runtime_env()) for _ in range(5))
        runs = [diff(repo, "one-overlay") for _ in range(args.runs)]
        total = statistics.median(s for s, _ in runs)
        ratio = total / single
        print(f"    standalone kubectl kustomize of one root: {single * 1000:7.0f} ms")
        print(f"    diff (roots affected: {runs[0][1]}):            {total * 1000:7.0f} ms")
        print(f"    ratio {ratio:.2f}x (target <= 3x): {verdict(ratio, 3.0)}")
        print(
            f"    (diff runs kustomize with {go_runtime_env() or 'your GOGC'}: standalone with "
            f"that {tuned * 1000:.0f} ms, ratio {total / tuned:.2f}x)"
        )

        print(f"\n(2) PR touching the shared base of all {roots} roots")
        sample = [
            f"apps/app{i:04d}/overlays/{env}"
            for i in range(0, args.apps, max(1, args.apps * 2 // args.sample))
            for env in ("staging", "production")
        ][: args.sample]
        per_root = statistics.mean(standalone(repo, r) for r in sample)
        baseline = per_root * roots / cores
        seconds, affected = diff(repo, "shared-base")
        ratio = seconds / baseline
        print(
            f"    standalone render: {per_root * 1000:.0f} ms per root (mean of {len(sample)} "
            f"timed roots, extrapolated to {roots}): {per_root * roots:.1f} s, / {cores} cores "
            f"= {baseline:.1f} s"
        )
        print(f"    diff (roots affected: {affected}, base and head rendered): {seconds:.1f} s")
        print(f"    ratio {ratio:.2f}x (target <= 1.25x): {verdict(ratio, 1.25)}")


if __name__ == "__main__":
    main()
