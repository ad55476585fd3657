"""Time (and optionally profile) the built-in gates alone over the gates benchmark's output.

The rendered files are written once to `--out` (default: a folder under the system temp dir)
and reused by later runs, so repeated measurements skip generating and rendering. The run prints
the best of `--repeat` timings of `run_gates` and a digest of the report, so two versions of the
engines can be compared for identical results.

Run: python benchmarks/gates_profile.py [--apps 500] [--repeat 3] [--profile] [--dump report.json]
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import hashlib
import json
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from diff_bench import generate

from gitops_release.gates import GateReport, GateSettings, run_gates
from gitops_release.render.checkout import render_revision, write_rendered


def rendered_files(out: Path, apps: int) -> list[Path]:
    marker = out / ".complete"
    if not marker.exists():
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="gates-profile-") as tmp:
            repo = Path(tmp) / "repo"
            generate(repo, apps)
            started = time.perf_counter()
            snapshot = render_revision(repo, "HEAD")
            print(f"rendered in {time.perf_counter() - started:.2f} s")
            good = {k: r for k, r in snapshot.rendered.items() if r.ok}
            write_rendered(good, out / "files")
        marker.write_text(str(apps), encoding="utf-8")
    return sorted((out / "files").glob("*.yaml"))


_ONE_RUN = """
import sys, time
from pathlib import Path
from gitops_release.gates import GateReport, GateSettings, run_gates
files = sorted(Path(sys.argv[1]).glob("*.yaml"))
started = time.perf_counter()
run_gates(files, GateSettings(engine="builtin"))
print(time.perf_counter() - started)
"""


def _fresh_run(out: Path) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _ONE_RUN, str(out / "files")],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def digest(report: GateReport) -> str:
    text = json.dumps(dataclasses.asdict(report), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--dump", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.gettempdir()) / f"gates-profile-{args.apps}"
    files = rendered_files(out, args.apps)
    settings = GateSettings(engine="builtin")
    print(f"{len(files)} files, {sum(f.stat().st_size for f in files) / 1e6:.1f} MB")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run_gates(files, settings)
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        return
    # Each measurement in a fresh interpreter: the engines keep caches across calls, and the
    # gate runs once per process in `check`/`preview`.
    timings = [_fresh_run(out) for _ in range(args.repeat)]
    print(f"run_gates: best {min(timings):.2f} s of {', '.join(f'{t:.2f}' for t in timings)}")
    started = time.perf_counter()
    report = run_gates(files, settings)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    run_gates(files, settings)
    print(f"in this process: {cold:.2f} s, then {time.perf_counter() - started:.2f} s (warm)")
    print(
        f"{len(report.findings)} findings, {len(report.errors)} errors, "
        f"{len(report.warnings)} warnings, score {report.polaris_score}, digest {digest(report)}"
    )
    if args.dump:
        args.dump.write_text(
            json.dumps(dataclasses.asdict(report), sort_keys=True, default=str, indent=1),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
