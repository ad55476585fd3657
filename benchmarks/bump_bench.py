"""bump latency against the GitHub emulator: a big, old manifest repo vs a one-commit repo.

Generates (with `git fast-import`) a manifest repo with 20,000 commits and 5,000 files and a
repo with the same config and target in a single commit, serves both from the emulator, and
times full bumps (API checks, clone, edit, commit, push, PR) of a new image on each, alternating.
Target: big/small median latency ≤ 1.5.

Usage: python benchmarks/bump_bench.py [--commits 20000] [--files 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from gitops_release.flows.bump import BumpRequest, bump
from gitops_release.github import connect
from gitops_release.image import parse
from gitops_release.testing import FakeGitHub, Token

TOKEN = "bench-token-0123456789abcdef"
CONFIG = """environments:
  staging: {branch: develop}
  production: {branch: master, promote_from: staging}
apps:
  web:
    image: ghcr.io/acme/web
    targets:
      - kustomize: apps/web/overlays/staging
        environments: [staging]
"""
KUSTOMIZATION = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../../base]
images:
  - name: ghcr.io/acme/web
    newTag: "1.0.0"
"""


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def _filler(i: int, rev: int) -> str:
    return (
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n"
        f'data:\n  revision: "{rev}"\n  payload: "{"x" * 200}"\n'
    )


def generate(path: Path, *, commits: int, files: int) -> Path:
    """A bare repo with `develop` and `master`: `commits` commits over `files` files."""
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True)
    stream = bytearray()
    when = 1_700_000_000
    stream += b"commit refs/heads/develop\nmark :1\n"
    stream += b"committer Bench <bench@example.com> %d +0000\n" % when
    stream += _data("initial manifests")
    for name, text in (
        (".gitops-release.yaml", CONFIG),
        ("apps/web/overlays/staging/kustomization.yaml", KUSTOMIZATION),
    ):
        stream += f"M 100644 inline {name}\n".encode() + _data(text)
    for i in range(max(files - 2, 0)):
        stream += f"M 100644 inline other/d{i // 50:03d}/cm{i}.yaml\n".encode()
        stream += _data(_filler(i, 0))
    for n in range(2, commits + 1):
        i = n % max(files - 2, 1)
        stream += b"commit refs/heads/develop\nmark :%d\n" % n
        stream += b"committer Bench <bench@example.com> %d +0000\n" % (when + n)
        stream += _data(f"change {n}")
        stream += b"from :%d\n" % (n - 1)
        stream += f"M 100644 inline other/d{i // 50:03d}/cm{i}.yaml\n".encode()
        stream += _data(_filler(i, n))
    subprocess.run(
        ["git", "--git-dir", str(path), "fast-import", "--quiet"], input=bytes(stream), check=True
    )
    subprocess.run(["git", "--git-dir", str(path), "branch", "master", "develop"], check=True)
    subprocess.run(
        ["git", "--git-dir", str(path), "symbolic-ref", "HEAD", "refs/heads/master"], check=True
    )
    return path


def time_bump(github: FakeGitHub, repo: str, tag: str) -> float:
    request = BumpRequest(
        manifest_repo=repo,
        env="staging",
        image=parse(f"ghcr.io/acme/web:{tag}"),
        git_url=github.clone_url(repo),
        token=TOKEN,
    )
    started = time.perf_counter()
    result = bump(request, connect(github.api_url, TOKEN, repo))
    elapsed = time.perf_counter() - started
    assert result.action in ("created", "updated"), result
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bump-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        big = generate(root / "big.git", commits=args.commits, files=args.files)
        small = generate(root / "small.git", commits=1, files=2)
        print(
            f"generated repos in {time.perf_counter() - started:.1f} s "
            f"(big: {args.commits} commits, {args.files} files; small: 1 commit, 2 files)"
        )
        with FakeGitHub(root / "gh", tokens={TOKEN: Token("octocat")}) as github:
            github.create_repo("acme/big", source=big)
            github.create_repo("acme/small", source=small)
            time_bump(github, "acme/big", "1.0.1-warmup")  # warm-up: opens the PRs
            time_bump(github, "acme/small", "1.0.1-warmup")
            big_times, small_times = [], []
            for run in range(args.runs):
                tag = f"1.0.{run + 1}"
                big_times.append(time_bump(github, "acme/big", tag))
                small_times.append(time_bump(github, "acme/small", tag))
    big_med, small_med = statistics.median(big_times), statistics.median(small_times)
    ratio = big_med / small_med
    print(f"bump latency, median of {args.runs} (each run pushes a new image and updates the PR)")
    print(
        f"  big repo   ({args.commits} commits, {args.files} files): {big_med * 1000:7.0f} ms  "
        f"runs: {', '.join(f'{t * 1000:.0f}' for t in big_times)}"
    )
    print(
        f"  small repo (1 commit):                  {small_med * 1000:7.0f} ms  "
        f"runs: {', '.join(f'{t * 1000:.0f}' for t in small_times)}"
    )
    print(f"ratio big/small: {ratio:.2f} (target <= 1.50): {'OK' if ratio <= 1.5 else 'MISSED'}")


if __name__ == "__main__":
    main()
