"""Fault injection: make chosen requests fail, slow down, or change state the way GitHub can.

Each fault is a frozen value matched against the request method and path (`re.fullmatch` on the
still-encoded path, e.g. `r"/repos/acme/app/pulls(/\\d+)?"`). A fault fires `times` times (`None`:
on every matching request) and then disarms itself. `FaultBook.plan` is pure bookkeeping, so the
matching rules are testable without a server.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

SECONDARY_RATE_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {request_id}."
)
SECONDARY_DOCS = (
    "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api"
    "#about-secondary-rate-limits"
)
PRIMARY_DOCS = (
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
    "#about-the-primary-rate-limit"
)


@dataclass(frozen=True)
class _Matcher:
    method: str | None = None  # None: any method
    path: str = ".*"
    times: int | None = 1

    def __post_init__(self) -> None:
        if self.times is not None and self.times < 1:
            raise ValueError(f"times must be at least 1 (or None for always), got {self.times}")
        try:  # fail at injection time, not inside a request thread
            re.compile(self.path)
        except re.error as error:
            raise ValueError(f"invalid path pattern {self.path!r}: {error}") from None

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return re.fullmatch(self.path, path) is not None


@dataclass(frozen=True)
class ServerError(_Matcher):
    """Answer with a 5xx (502 by default), as GitHub's front end does under load."""

    status: int = 502
    message: str = "Server Error"


@dataclass(frozen=True)
class SecondaryRateLimit(_Matcher):
    """GitHub's abuse limit: 403 (or 429) with `Retry-After`, remaining quota untouched."""

    status: Literal[403, 429] = 403
    retry_after: int = 1


@dataclass(frozen=True)
class PrimaryRateLimit(_Matcher):
    """The hourly quota is used up: 403, `x-ratelimit-remaining: 0`, reset in `reset_in` s."""

    reset_in: int = 60


@dataclass(frozen=True)
class Delay(_Matcher):
    """Hold the answer back for `seconds` before handling the request (client timeouts)."""

    seconds: float = 1.0


@dataclass(frozen=True)
class BeforeRequest(_Matcher):
    """Run `action` just before a matching request is handled, e.g. to move a ref under a client.

    The action runs in the server's request thread, outside the state lock, so it may call the
    emulator's own helpers (`FakeGitHub.set_ref`, ...).
    """

    action: Callable[[], None] = field(default=lambda: None)


@dataclass(frozen=True)
class RejectPush(_Matcher):
    """Refuse a git push.

    `via="hook"`: the push reaches git, and a pre-receive hook declines it, so the client sees
    `! [remote rejected] ... (pre-receive hook declined)` with `message` on stderr.
    `via="http"`: the receive-pack request itself fails with HTTP `status`.
    `path` defaults to every repository's receive-pack endpoint; narrow it with e.g.
    `r"/acme/app\\.git/git-receive-pack"`.
    """

    path: str = r"/[^/]+/[^/]+\.git/git-receive-pack"
    method: str | None = "POST"
    via: Literal["hook", "http"] = "hook"
    message: str = "push declined by fault injection"
    status: int = 500


Fault = ServerError | SecondaryRateLimit | PrimaryRateLimit | Delay | BeforeRequest | RejectPush
Failure = ServerError | SecondaryRateLimit | PrimaryRateLimit


@dataclass(frozen=True)
class FaultPlan:
    """What to do to one request; the first armed failure wins, delays and actions add up."""

    delay: float = 0.0
    actions: tuple[Callable[[], None], ...] = ()
    failure: Failure | None = None
    reject_push: RejectPush | None = None

    @property
    def empty(self) -> bool:
        return not (self.delay or self.actions or self.failure or self.reject_push)


class FaultHandle:
    """Returned by `FaultBook.add`: how often the fault fired, and a way to disarm it early."""

    def __init__(self, fault: Fault, book: FaultBook) -> None:
        self.fault = fault
        self._book = book
        self._fired = 0
        self._remaining = fault.times

    @property
    def fired(self) -> int:
        with self._book.lock:
            return self._fired

    @property
    def armed(self) -> bool:
        with self._book.lock:
            return self._remaining is None or self._remaining > 0

    def cancel(self) -> None:
        with self._book.lock:
            self._remaining = 0

    def _consume(self) -> bool:
        # Called with the book's lock held.
        if self._remaining is not None:
            if self._remaining <= 0:
                return False
            self._remaining -= 1
        self._fired += 1
        return True


class FaultBook:
    """The armed faults of one emulator; safe to change while requests are being served."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._handles: list[FaultHandle] = []

    def add(self, fault: Fault) -> FaultHandle:
        handle = FaultHandle(fault, self)
        with self.lock:
            self._handles.append(handle)
        return handle

    def clear(self) -> None:
        with self.lock:
            self._handles.clear()

    def plan(self, method: str, path: str) -> FaultPlan:
        """Consume the faults that fire for this request, oldest first."""
        delay = 0.0
        actions: list[Callable[[], None]] = []
        failure: Failure | None = None
        reject: RejectPush | None = None
        with self.lock:
            for handle in self._handles:
                fault = handle.fault
                if not fault.matches(method, path):
                    continue
                if isinstance(fault, (ServerError, SecondaryRateLimit, PrimaryRateLimit)):
                    if failure is None and reject is None and handle._consume():
                        failure = fault
                elif isinstance(fault, RejectPush):
                    if failure is None and reject is None and handle._consume():
                        reject = fault
                elif handle._consume():
                    if isinstance(fault, Delay):
                        delay += fault.seconds
                    else:
                        actions.append(fault.action)
            self._handles = [handle for handle in self._handles if handle._remaining != 0]
        return FaultPlan(delay, tuple(actions), failure, reject)


def failure_body(failure: Failure, request_id: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Status, JSON body and extra headers GitHub sends for `failure`."""
    if isinstance(failure, ServerError):
        return failure.status, {"message": failure.message}, {}
    if isinstance(failure, SecondaryRateLimit):
        body = {
            "message": SECONDARY_RATE_LIMIT_MESSAGE.format(request_id=request_id),
            "documentation_url": SECONDARY_DOCS,
        }
        return failure.status, body, {"Retry-After": str(failure.retry_after)}
    body = {"message": "API rate limit exceeded for this token.", "documentation_url": PRIMARY_DOCS}
    return 403, body, {}
