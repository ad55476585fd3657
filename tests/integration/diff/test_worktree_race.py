"""Worktrees (merges with an old git) are added concurrently without ever failing on git's race,
and two processes diffing one repository never fail.

`git worktree add` reads every other worktree's administrative files; run concurrently in one
repository it failed about one run in 30 (`failed to read .git/worktrees/base/commondir`).
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gitops_release.render.worktree import temporary_worktrees

from .repos import apps_repo, git

pytestmark = pytest.mark.integration

SEQUENTIAL_RUNS = 50
CONCURRENT_RUNS = 20


def _base_and_head_at_once(repo: Path, base: str, head: str) -> None:
    with temporary_worktrees(repo) as worktrees, ThreadPoolExecutor(max_workers=2) as pool:
        added = pool.map(
            lambda side: worktrees.add(side[0], side[1]),
            [("base", base), ("head", head)],
        )
        assert all((p / "apps/web/base/deployment.yaml").is_file() for p in added)


def test_sequential_runs_never_fail(tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    head = git(repo, "rev-parse", "HEAD")
    for _ in range(SEQUENTIAL_RUNS):
        _base_and_head_at_once(repo, head, head)
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1


def test_two_processes_diffing_one_repository_never_fail(tmp_path: Path) -> None:
    repo = apps_repo(tmp_path / "repo")
    (repo / "apps/web/base/deployment.yaml").write_text(
        (repo / "apps/web/base/deployment.yaml").read_text().replace("replicas: 1", "replicas: 2")
    )
    git(repo, "commit", "-qam", "more replicas")
    script = (
        "import sys\n"
        "from gitops_release.flows.diff import DiffRequest, run_diff\n"
        f"for _ in range({CONCURRENT_RUNS}):\n"
        "    result = run_diff(DiffRequest(repo=__import__('pathlib').Path(sys.argv[1]),"
        " base='HEAD~1', head='HEAD'))\n"
        "    assert not result.failed, result.failed\n"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(repo)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outcomes = [run.communicate(timeout=600) for run in runs]
    for run, (_, err) in zip(runs, outcomes, strict=True):
        assert run.returncode == 0, err.decode()
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
