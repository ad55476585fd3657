"""The GitHub client's retry policy: today's by default, any other when asked for."""

from __future__ import annotations

from urllib3.util.retry import RequestHistory

from gitops_release.github import RetrySettings

FIVE_FAILURES = tuple(RequestHistory("GET", "/", None, 502, None) for _ in range(5))


def test_the_default_policy() -> None:
    policy = RetrySettings().policy()
    assert policy.total == 6
    assert policy.backoff_factor == 0.5
    assert policy.backoff_max == 10
    assert policy.secondary_rate_wait == 60.0
    assert policy.max_rate_limit_wait == 60.0
    assert set(policy.status_forcelist) == {403, 429, *range(500, 600)}  # 403: secondary limits
    assert policy.allowed_methods == {"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"}
    assert policy.respect_retry_after_header is True
    assert policy.new(history=FIVE_FAILURES).get_backoff_time() == 8.0


def test_a_short_wait_bounds_secondary_rate_limits_too() -> None:
    policy = RetrySettings(total_wait=5).policy()
    assert policy.secondary_rate_wait == 5
    assert policy.max_rate_limit_wait == 5


def test_no_back_off() -> None:
    policy = RetrySettings(backoff_factor=0).policy()
    assert policy.total == 6
    assert policy.new(history=FIVE_FAILURES).get_backoff_time() == 0
