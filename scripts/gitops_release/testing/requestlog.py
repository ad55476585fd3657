"""The request log: what each client asked and what the emulator answered.

Tests assert on it (method, path, body), and the contract check validates every JSON answer
against GitHub's OpenAPI description. Records carry the authenticated login, never a token.

Besides each emulator's own `RequestLog`, `observe_requests` subscribes to the records of every
emulator in the process, so a test harness can check answers from emulators it did not start.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["rest", "graphql", "git"]
Observer = Callable[["RequestRecord"], None]


@dataclass(frozen=True)
class RequestRecord:
    seq: int
    kind: Kind
    method: str
    path: str  # percent-encoded, without the query
    query: tuple[tuple[str, str], ...]
    route: str | None  # the OpenAPI path template that handled it, e.g. /repos/{owner}/{repo}
    status: int
    login: str | None  # who the token authenticated as; None when it did not
    request_json: Any
    response_json: Any  # None for non-JSON answers (git, 204)
    content_type: str | None
    request_id: str
    duration: float
    fault: str | None  # class name of the injected fault that produced the answer, if any
    server: str  # the emulator's API URL, to tell several emulators apart

    @property
    def params(self) -> dict[str, str]:
        """Query parameters as a dict (last value wins, as on GitHub)."""
        return dict(self.query)


class RequestLog:
    """Thread-safe, append-only list of `RequestRecord`s of one emulator."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []
        self._seq = 0

    def next_seq(self) -> int:
        with self._lock:
            self._seq += 1
            return self._seq

    def append(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)
        _notify(record)

    def records(self) -> tuple[RequestRecord, ...]:
        with self._lock:
            return tuple(self._records)

    def find(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        kind: Kind | None = None,
        route: str | None = None,
    ) -> tuple[RequestRecord, ...]:
        """Records matching every given filter; `path` is a regex matched in full."""
        return tuple(
            record
            for record in self.records()
            if (method is None or record.method == method.upper())
            and (path is None or re.fullmatch(path, record.path) is not None)
            and (status is None or record.status == status)
            and (kind is None or record.kind == kind)
            and (route is None or record.route == route)
        )

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self.records())


_OBSERVERS: list[Observer] = []
_OBSERVERS_LOCK = threading.Lock()


def _notify(record: RequestRecord) -> None:
    with _OBSERVERS_LOCK:
        observers = tuple(_OBSERVERS)
    for observer in observers:
        observer(record)


@contextmanager
def observe_requests(observer: Observer) -> Iterator[None]:
    """Call `observer` with every record any emulator in this process logs, while active."""
    with _OBSERVERS_LOCK:
        _OBSERVERS.append(observer)
    try:
        yield
    finally:
        with _OBSERVERS_LOCK:
            _OBSERVERS.remove(observer)
