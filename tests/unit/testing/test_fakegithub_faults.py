"""Fault bookkeeping: matching, counting, precedence and the answers faults produce."""

from __future__ import annotations

import pytest

from gitops_release.testing.faults import (
    BeforeRequest,
    Delay,
    FaultBook,
    PrimaryRateLimit,
    RejectPush,
    SecondaryRateLimit,
    ServerError,
    failure_body,
)

PULLS = "/repos/acme/app/pulls"


def test_fault_fires_the_given_number_of_times() -> None:
    book = FaultBook()
    handle = book.add(ServerError(times=2, method="GET", path=PULLS))

    plans = [book.plan("GET", PULLS) for _ in range(3)]

    assert [plan.failure for plan in plans] == [handle.fault, handle.fault, None]
    assert handle.fired == 2
    assert not handle.armed


def test_matching_is_by_method_and_full_path() -> None:
    book = FaultBook()
    book.add(ServerError(times=None, method="post", path=r"/repos/[^/]+/app/pulls"))

    assert book.plan("POST", PULLS).failure is not None
    assert book.plan("GET", PULLS).failure is None
    assert book.plan("POST", PULLS + "/1").failure is None
    assert book.plan("POST", PULLS).failure is not None  # times=None never disarms


def test_first_failure_wins_and_later_ones_stay_armed() -> None:
    book = FaultBook()
    first = book.add(SecondaryRateLimit(status=429))
    second = book.add(ServerError(status=503))

    assert book.plan("GET", "/user").failure == first.fault
    assert book.plan("GET", "/user").failure == second.fault
    assert book.plan("GET", "/user").empty


def test_delays_add_up_and_actions_run_in_order() -> None:
    book = FaultBook()
    calls: list[str] = []
    book.add(Delay(seconds=0.5))
    book.add(Delay(seconds=0.25, path="/user"))
    book.add(BeforeRequest(action=lambda: calls.append("moved")))

    plan = book.plan("GET", "/user")
    for action in plan.actions:
        action()

    assert plan.delay == 0.75
    assert plan.failure is None
    assert calls == ["moved"]
    assert book.plan("GET", "/user").empty


def test_reject_push_only_matches_receive_pack_posts() -> None:
    book = FaultBook()
    book.add(RejectPush())

    assert book.plan("GET", "/acme/app.git/info/refs").reject_push is None
    assert book.plan("POST", "/acme/app.git/git-upload-pack").reject_push is None
    assert book.plan("POST", "/acme/app.git/git-receive-pack").reject_push is not None
    assert book.plan("POST", "/acme/app.git/git-receive-pack").reject_push is None


def test_cancel_and_clear() -> None:
    book = FaultBook()
    handle = book.add(ServerError(times=None))
    handle.cancel()
    assert book.plan("GET", "/").empty
    book.add(ServerError())
    book.clear()
    assert book.plan("GET", "/").empty


def test_invalid_faults_fail_when_injected() -> None:
    with pytest.raises(ValueError, match="times"):
        ServerError(times=0)
    with pytest.raises(ValueError, match="unterminated"):
        ServerError(path="(")


def test_failure_bodies() -> None:
    status, body, headers = failure_body(SecondaryRateLimit(status=429, retry_after=9), "AB:CD")
    assert status == 429
    assert headers == {"Retry-After": "9"}
    assert body["message"].startswith("You have exceeded a secondary rate limit")
    assert "AB:CD" in body["message"]

    assert failure_body(ServerError(status=503), "x") == (503, {"message": "Server Error"}, {})
    status, body, headers = failure_body(PrimaryRateLimit(), "x")
    assert (status, headers) == (403, {})
    assert "rate limit exceeded" in body["message"]
