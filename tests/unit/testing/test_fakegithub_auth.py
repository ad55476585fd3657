"""Tokens: header parsing, per-repository rights, and rate-limit accounting."""

from __future__ import annotations

import base64

import pytest

from gitops_release.testing.auth import (
    Credentials,
    RateLimiter,
    Token,
    parse_token_option,
    token_from_header,
)


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("token abc", "abc"),
        ("Bearer abc", "abc"),
        ("bearer  abc ", "abc"),
        (_basic("x-access-token", "abc"), "abc"),
        (_basic("abc", ""), "abc"),
        (_basic("abc", "x-oauth-basic"), "abc"),
        ("Basic !!!", None),
        ("Digest abc", None),
        ("", None),
        (None, None),
    ],
)
def test_token_from_header(header: str | None, expected: str | None) -> None:
    assert token_from_header(header) == expected


def test_parse_token_option() -> None:
    assert parse_token_option("t0k") == ("t0k", Token("octocat"))
    assert parse_token_option("t0k:alice") == ("t0k", Token("alice"))
    with pytest.raises(ValueError, match="TOKEN"):
        parse_token_option(":alice")


def test_parse_token_option_with_a_role() -> None:
    secret, triager = parse_token_option("t0k:alice:triage")
    assert (secret, triager.login, triager.role) == ("t0k", "alice", "triage")
    assert triager.can_read("acme/app")
    assert not triager.can_write("acme/app")
    _, maintainer = parse_token_option("t0k:bob:maintain")
    assert maintainer.can_write("acme/app")
    assert not maintainer.admin
    # A token containing ":" keeps working; an unknown last part is a login.
    assert parse_token_option("a:b:carol") == ("a:b", Token("carol"))


def test_roles_behind_the_legacy_permission() -> None:
    credentials = Credentials(
        {
            "t1": Token.with_role("alice", "triage"),
            "t2": Token.with_role("bob", "maintain"),
            "t3": Token("carol", write=()),
        }
    )
    assert (credentials.role("alice", "a/b"), credentials.permission("alice", "a/b")) == (
        "triage",
        "read",
    )
    assert (credentials.role("bob", "a/b"), credentials.permission("bob", "a/b")) == (
        "maintain",
        "write",
    )
    assert credentials.role("carol", "a/b") == "read"
    assert credentials.role("nobody", "a/b") == "none"


def test_token_rights() -> None:
    admin = Token()
    reader = Token("bot", write=())
    scoped = Token("bot", repos=("acme/*",), write=("acme/app",), admin=False)

    assert admin.permission("Any/Repo") == "admin"
    assert reader.permission("acme/app") == "read"
    assert scoped.permission("ACME/app") == "write"
    assert scoped.permission("acme/other") == "read"
    assert scoped.permission("octo/app") == "none"
    assert not scoped.can_write("octo/app")


def test_credentials_report_the_best_permission_of_a_login() -> None:
    credentials = Credentials({"a": Token("bot", write=()), "b": Token("bot", repos=("x/y",))})
    credentials.add("c", Token("alice"))

    identity = credentials.identify("token a")
    assert identity is not None
    assert identity.login == "bot"
    assert credentials.identify("token nope") is None
    assert credentials.permission("bot", "x/y") == "admin"
    assert credentials.permission("BOT", "q/r") == "read"
    assert credentials.logins() == ("alice", "bot")


def test_rate_limiter_counts_per_login_and_resource() -> None:
    limiter = RateLimiter(limit=10)

    limiter.consume("a", "core")
    second = limiter.consume("a", "core")
    other = limiter.consume("b", "core")
    graphql = limiter.consume("a", "graphql")

    assert (second.used, second.remaining) == (2, 8)
    assert (other.used, graphql.used) == (1, 1)
    assert dict(second.headers())["x-ratelimit-resource"] == "core"
    assert limiter.peek("a", "core").used == 2
    assert limiter.exhausted("core", 30).remaining == 0
