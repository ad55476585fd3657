"""Tokens, what each may see and change, and GitHub's per-user rate-limit accounting.

A token authenticates as a login. By default it sees and may change every repository (an admin
personal access token); `repos` and `write` narrow that with `fnmatch` patterns over
`owner/name`, which is how tests get a read-only token (403 on writes) or one that cannot see a
repository at all (404, as GitHub hides what a token may not read). A `role` names the
repository role (read, triage, write, maintain, admin) the collaborator-permission endpoint
reports for the token's login; triage and maintain are roles GitHub's older `permission` field
folds into read and write.
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

DEFAULT_LOGIN = "octocat"
_OAUTH_BASIC = "x-oauth-basic"  # the placeholder password of token-as-user-name basic auth
RATE_LIMIT = 5000
RATE_WINDOW = 3600

Permission = Literal["admin", "write", "read", "none"]
Role = Literal["none", "read", "triage", "write", "maintain", "admin"]
ROLES: tuple[Role, ...] = ("none", "read", "triage", "write", "maintain", "admin")
_LEGACY: dict[Role, Permission] = {
    "none": "none",
    "read": "read",
    "triage": "read",
    "write": "write",
    "maintain": "write",
    "admin": "admin",
}


def legacy_permission(role: Role) -> Permission:
    """The `permission` GitHub reports for a role: triage reads as read, maintain as write."""
    return _LEGACY[role]


def at_least(role: Role, minimum: Role) -> bool:
    return ROLES.index(role) >= ROLES.index(minimum)


def as_role(text: str) -> Role:
    for role in ROLES:
        if role == text:
            return role
    raise ValueError(f"unknown role {text!r}: expected one of {', '.join(ROLES[1:])}")


@dataclass(frozen=True)
class Token:
    """What one token may do. Patterns are matched case-insensitively against `owner/name`."""

    login: str = DEFAULT_LOGIN
    repos: tuple[str, ...] = ("*",)
    write: tuple[str, ...] = ("*",)
    admin: bool = True
    role: Role | None = None  # what the permission endpoint reports; None: derived from rights

    @classmethod
    def with_role(cls, login: str, role: Role) -> Token:
        """A token of `login` with the rights of `role` on every repository."""
        writes = at_least(role, "write")
        return cls(
            login,
            repos=() if role == "none" else ("*",),
            write=("*",) if writes else (),
            admin=role == "admin",
            role=role,
        )

    def can_read(self, full_name: str) -> bool:
        name = full_name.lower()
        return any(fnmatchcase(name, pattern.lower()) for pattern in self.repos)

    def can_write(self, full_name: str) -> bool:
        name = full_name.lower()
        return self.can_read(full_name) and any(
            fnmatchcase(name, pattern.lower()) for pattern in self.write
        )

    def permission(self, full_name: str) -> Permission:
        if self.can_write(full_name):
            return "admin" if self.admin else "write"
        return "read" if self.can_read(full_name) else "none"

    def role_on(self, full_name: str) -> Role:
        """The role this token's rights amount to on `full_name` (its `role` where it reads)."""
        if self.role is not None and self.can_read(full_name):
            return self.role
        return self.permission(full_name)


def parse_token_option(text: str) -> tuple[str, Token]:
    """`TOKEN[:LOGIN[:ROLE]]` from the command line (ROLE: read, triage, write, maintain,
    admin; the default is admin)."""
    parts = text.split(":")
    role: Role | None = None
    if len(parts) >= 3 and parts[-1] in ROLES[1:]:
        role = as_role(parts.pop())
    secret, sep, login = ":".join(parts).rpartition(":")
    if not sep:
        secret, login = text, DEFAULT_LOGIN
    if not secret or not login:
        raise ValueError("expected TOKEN, TOKEN:LOGIN or TOKEN:LOGIN:ROLE")
    return secret, Token(login) if role is None else Token.with_role(login, role)


def token_from_header(authorization: str | None) -> str | None:
    """The token in an `Authorization` header: `token X`, `Bearer X` or HTTP basic (git).

    With basic auth GitHub reads the token from the password (`x-access-token:TOKEN`) or, when
    the password is empty or `x-oauth-basic`, from the user name.
    """
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    scheme = scheme.lower()
    value = value.strip()
    if scheme in ("token", "bearer"):
        return value or None
    if scheme != "basic":
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, _, secret = decoded.partition(":")
    if secret and secret != _OAUTH_BASIC:
        return secret
    return user or None


@dataclass(frozen=True)
class Identity:
    login: str
    grant: Token


class Credentials:
    """Maps tokens to identities; the token strings never leave this object."""

    def __init__(self, tokens: Mapping[str, Token]) -> None:
        self._lock = threading.Lock()
        self._tokens = dict(tokens)

    def add(self, secret: str, grant: Token) -> None:
        with self._lock:
            self._tokens[secret] = grant

    def _grants(self) -> tuple[Token, ...]:
        with self._lock:
            return tuple(self._tokens.values())

    def identify(self, authorization: str | None) -> Identity | None:
        secret = token_from_header(authorization)
        if secret is None:
            return None
        with self._lock:
            grant = self._tokens.get(secret)
        return None if grant is None else Identity(grant.login, grant)

    def logins(self) -> tuple[str, ...]:
        return tuple(sorted({grant.login for grant in self._grants()}))

    def permission(self, login: str, full_name: str) -> Permission:
        """The best permission any token of `login` has on `full_name`."""
        return legacy_permission(self.role(login, full_name))

    def role(self, login: str, full_name: str) -> Role:
        """The best role any token of `login` amounts to on `full_name`."""
        best: Role = "none"
        for grant in self._grants():
            if grant.login.lower() == login.lower():
                candidate = grant.role_on(full_name)
                if ROLES.index(candidate) > ROLES.index(best):
                    best = candidate
        return best


@dataclass(frozen=True)
class RateState:
    limit: int
    remaining: int
    reset: int
    used: int
    resource: str

    def headers(self) -> tuple[tuple[str, str], ...]:
        return (
            ("x-ratelimit-limit", str(self.limit)),
            ("x-ratelimit-remaining", str(self.remaining)),
            ("x-ratelimit-reset", str(self.reset)),
            ("x-ratelimit-used", str(self.used)),
            ("x-ratelimit-resource", self.resource),
        )


class RateLimiter:
    """Counts requests per (login, resource) in hourly windows; it reports, it never blocks.

    Blocking is left to the `PrimaryRateLimit` fault, so tests decide when quota runs out.
    """

    def __init__(self, limit: int = RATE_LIMIT) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._windows: dict[tuple[str, str], tuple[int, int]] = {}  # -> (reset, used)

    def _window(self, key: tuple[str, str], now: int) -> tuple[int, int]:
        reset, used = self._windows.get(key, (now + RATE_WINDOW, 0))
        if now >= reset:
            reset, used = now + RATE_WINDOW, 0
        return reset, used

    def consume(self, login: str, resource: str) -> RateState:
        now = int(time.time())
        with self._lock:
            reset, used = self._window((login, resource), now)
            used = min(used + 1, self._limit)
            self._windows[(login, resource)] = (reset, used)
        return RateState(self._limit, self._limit - used, reset, used, resource)

    def exhausted(self, resource: str, reset_in: int) -> RateState:
        """The state a primary rate limit reports: nothing left until `reset_in` seconds."""
        reset = int(time.time()) + reset_in
        return RateState(self._limit, 0, reset, self._limit, resource)

    def peek(self, login: str, resource: str) -> RateState:
        now = int(time.time())
        with self._lock:
            reset, used = self._window((login, resource), now)
        return RateState(self._limit, self._limit - used, reset, used, resource)
