"""Gates benchmark: the built-in gates over the rendered output of the N-app benchmark repo,
compared with the time it takes to render that output, in the same run.

The repo is the one `diff_bench.py` generates (N apps x 2 overlays over shared bases). Every
root is rendered with the real kustomize (as `check --repo --all` does), then the built-in
deprecated-API and Polaris engines (project default config: all 44 checks) run over the
result exactly as `preview`/`check` run them (write the renders, gate, attribute findings).
Target: gates add at most 25% to the render time.

Run: python benchmarks/gates_bench.py [--apps 500]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diff_bench import generate

from gitops_release.render.checkout import render_revision
from gitops_release.steps.gating import CheckOptions, gate_renders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gates-bench-") as tmp:
        repo = Path(tmp) / "repo"
        generate(repo, args.apps)
        started = time.perf_counter()
        snapshot = render_revision(repo, "HEAD")
        render_s = time.perf_counter() - started
        failed = [r for r in snapshot.rendered.values() if not r.ok]
        assert not failed, failed[:1]
        roots = {r.key: r for r in snapshot.roots}
        resources = sum((r.text or "").count("\nkind: ") + 1 for r in snapshot.rendered.values())
        started = time.perf_counter()
        report = gate_renders(snapshot.rendered, roots, CheckOptions(engine="builtin"), None)
        gates_s = time.perf_counter() - started
    ratio = gates_s / render_s
    print(f"{args.apps} apps: {len(roots)} roots, about {resources} rendered resources")
    print(f"  render (kustomize, all roots):  {render_s:7.2f} s")
    print(
        f"  built-in gates over the output: {gates_s:7.2f} s   "
        f"({len(report.findings)} findings, Polaris score {report.polaris_score})"
    )
    print(
        f"gates add {ratio:.0%} to the render time (target <= 25%): "
        f"{'OK' if ratio <= 0.25 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
