"""Benchmark of what people feel locally: whole `gitops-release` processes.

1. `gitops-release --version` (target: at most 0.12 s), beside `python -c pass`;
2. a one-root `diff` as a whole process, against one `kubectl kustomize` process of that root
   (target: at most 3x). The root is shaped like podinfo's kustomize overlay: a base with a
   Deployment, Service and HorizontalPodAutoscaler, an overlay changing the image tag.

Every figure is the median of several runs, measured in the same run as its reference.

Run: python benchmarks/startup_bench.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gitops_release.render.tools import go_runtime_env, kustomize_command

BASE = {
    "kustomize/kustomization.yaml": (
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "namespace: podinfo\nresources:\n  - hpa.yaml\n  - deployment.yaml\n  - service.yaml\n"
    ),
    "kustomize/deployment.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
spec:
  minReadySeconds: 3
  revisionHistoryLimit: 5
  progressDeadlineSeconds: 60
  strategy:
    rollingUpdate:
      maxUnavailable: 0
    type: RollingUpdate
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9797"
      labels:
        app: podinfo
    spec:
      containers:
      - name: podinfod
        image: ghcr.io/stefanprodan/podinfo:6.5.0
        imagePullPolicy: IfNotPresent
        ports:
        - name: http
          containerPort: 9898
          protocol: TCP
        command:
        - ./podinfo
        - --port=9898
        - --level=info
        livenessProbe:
          exec:
            command: [podcli, check, http, localhost:9898/healthz]
        resources:
          limits:
            cpu: 2000m
            memory: 512Mi
          requests:
            cpu: 100m
            memory: 64Mi
""",
    "kustomize/service.yaml": (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: podinfo\nspec:\n  type: ClusterIP\n"
        "  selector:\n    app: podinfo\n  ports:\n    - name: http\n      port: 9898\n"
        "      protocol: TCP\n      targetPort: http\n"
    ),
    "kustomize/hpa.yaml": (
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: podinfo\n"
        "spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n"
        "    name: podinfo\n  minReplicas: 2\n  maxReplicas: 4\n"
    ),
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def make_repo(root: Path) -> Path:
    repo = root / "podinfo"
    for name, text in BASE.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "init", "-q", "-b", "master")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "base")
    deployment = repo / "kustomize/deployment.yaml"
    deployment.write_text(deployment.read_text().replace("6.5.0", "6.5.1"), encoding="utf-8")
    git(repo, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qam", "bump")
    return repo


def median_seconds(args: list[str], runs: int, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    cli = str(Path(sys.executable).parent / "gitops-release")
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp:
        repo = make_repo(Path(tmp))
        python = median_seconds([sys.executable, "-c", "pass"], args.runs)
        version = median_seconds([cli, "--version"], args.runs)
        env = {**os.environ, **go_runtime_env()}
        kustomize = median_seconds(
            [*kustomize_command(), str(repo / "kustomize")], args.runs, env=env
        )
        plain_kustomize = median_seconds([*kustomize_command(), str(repo / "kustomize")], args.runs)
        diff = median_seconds(
            [cli, "diff", "--repo", str(repo), "--base", "HEAD~1", "--head", "HEAD"], args.runs
        )
    print(f"python -c pass:               {python * 1000:7.1f} ms")
    print(f"gitops-release --version:     {version * 1000:7.1f} ms (target <= 120 ms)")
    print(f"kubectl kustomize (GOGC=off): {kustomize * 1000:7.1f} ms")
    print(f"kubectl kustomize (defaults): {plain_kustomize * 1000:7.1f} ms")
    print(f"gitops-release diff, 1 root:  {diff * 1000:7.1f} ms")
    print(f"ratio diff / kustomize:       {diff / plain_kustomize:7.2f}x (target <= 3x)")
    print(f"ratio diff / kustomize (same GOGC settings): {diff / kustomize:.2f}x")


if __name__ == "__main__":
    main()
