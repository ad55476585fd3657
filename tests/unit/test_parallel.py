"""Threads for the renderers: results in order, follow-up tasks, the first error raised, at most
`width` at once, and none of concurrent.futures/logging loaded on the way."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable

import pytest

from gitops_release.parallel import map_threads, run_tasks


def test_map_threads_keeps_the_order_of_the_items() -> None:
    def slow_square(n: int) -> int:
        time.sleep(0.01 * (5 - n))  # later items finish first
        return n * n

    assert map_threads(slow_square, [1, 2, 3, 4]) == [1, 4, 9, 16]
    assert map_threads(slow_square, [3]) == [9]
    assert map_threads(slow_square, []) == []


def test_map_threads_runs_the_items_side_by_side() -> None:
    barrier = threading.Barrier(3, timeout=5)  # only passes when all three run at once

    def meet(n: int) -> int:
        barrier.wait()
        return n

    assert map_threads(meet, [1, 2, 3]) == [1, 2, 3]


def test_follow_ups_run_and_their_results_come_back() -> None:
    def task(n: int) -> Callable[[], int]:
        return lambda: n

    # A result of 10 or more asks for two smaller tasks (as a failed batch asks for its roots).
    results = run_tasks(
        [task(10), task(1)],
        width=2,
        follow_up=lambda r: [task(r // 10 + 1), task(r // 10 + 2)] if r >= 10 else [],
    )
    assert sorted(results) == [1, 2, 3, 10]


def test_at_most_width_tasks_run_at_once() -> None:
    running = 0
    most = 0
    lock = threading.Lock()

    def task() -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.01)
        with lock:
            running -= 1

    run_tasks([task] * 8, width=3)
    assert most <= 3


def test_the_first_error_is_raised_after_the_running_tasks_finish() -> None:
    finished: list[str] = []

    def fail() -> str:
        raise ValueError("boom")

    def slow() -> str:
        time.sleep(0.05)
        finished.append("slow")
        return "slow"

    with pytest.raises(ValueError, match="boom"):
        run_tasks([slow, fail], width=2)
    assert finished == ["slow"]


def test_loading_it_loads_no_logging() -> None:
    code = (
        "import sys, gitops_release.parallel; "
        "print(sorted(m for m in ('logging', 'concurrent.futures') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
