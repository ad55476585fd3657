"""Work in threads, from `threading` alone.

`concurrent.futures` imports `logging` (and with it `traceback`, `string`, `textwrap`…): a few
milliseconds of every start of a command that renders. The two shapes the renderers need are
small enough to write on `threading` directly: a map with one thread per item, and a pool whose
tasks may add follow-up tasks (a batch of kustomize roots that failed together is retried root
by root).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_threads(fn: Callable[[T], R], items: Sequence[T], *, name: str = "worker") -> list[R]:
    """`[fn(item) for item in items]`, each call in its own thread (none for a single item).

    The first exception raised by a call is raised here, once every thread has finished."""
    if len(items) <= 1:
        return [fn(item) for item in items]
    tasks: list[Callable[[], R]] = [partial(fn, item) for item in items]
    return run_tasks(tasks, width=len(items), name=name, ordered=True)


def run_tasks(
    tasks: Iterable[Callable[[], R]],
    *,
    width: int,
    follow_up: Callable[[R], Iterable[Callable[[], R]]] | None = None,
    name: str = "worker",
    ordered: bool = False,
) -> list[R]:
    """Run `tasks` on at most `width` threads; `follow_up(result)` may queue more tasks.

    Results come in completion order (with `ordered`, in the order of `tasks`; follow-ups
    after them). The first exception stops the taking of new tasks and is raised here once the
    running ones have finished.
    """
    queue: deque[tuple[int, Callable[[], R]]] = deque(enumerate(tasks))
    results: list[tuple[int, R]] = []
    errors: list[BaseException] = []
    state = threading.Condition()
    running = 0
    counter = len(queue)

    def work() -> None:
        nonlocal running, counter
        while True:
            with state:
                while not queue and running and not errors:
                    state.wait()
                if not queue or errors:
                    state.notify_all()
                    return
                number, task = queue.popleft()
                running += 1
            try:
                result = task()
                more = list(follow_up(result)) if follow_up else []
            except BaseException as exc:  # handed to the caller below
                with state:
                    errors.append(exc)
                    running -= 1
                    state.notify_all()
                return
            with state:
                results.append((number, result))
                for extra in more:
                    queue.append((counter, extra))
                    counter += 1
                running -= 1
                state.notify_all()

    threads = [
        threading.Thread(target=work, name=f"{name}-{n}", daemon=True)
        for n in range(max(1, min(width, len(queue))))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    if ordered:
        results.sort(key=lambda pair: pair[0])
    return [result for _, result in results]
