"""HTTP values shared by the emulator's REST, GraphQL and git front ends.

Handlers build `Response` values instead of writing to a socket, so routing, faults and the request
log can treat every answer the same way, and handlers stay testable without a server.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

DOCS = "https://docs.github.com/rest"
JSON_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Request:
    """One decoded HTTP request. `path` stays percent-encoded so `%2F` never splits a segment."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]  # lower-cased names
    body: bytes

    def param(self, name: str, default: str | None = None) -> str | None:
        """The last value of query parameter `name` (GitHub also takes the last one)."""
        value = default
        for key, item in self.query:
            if key == name:
                value = item
        return value

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def json(self) -> Any:
        """The JSON body; an empty body reads as `{}` like GitHub's optional-body endpoints."""
        if not self.body.strip():
            return {}
        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ApiError(400, "Problems parsing JSON") from None


@dataclass(frozen=True)
class Response:
    """A complete answer. `payload` keeps the JSON value for the request log."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    payload: Any = None
    content_type: str | None = None

    def with_headers(self, extra: Iterable[tuple[str, str]]) -> Response:
        return Response(
            self.status,
            self.body,
            (*self.headers, *extra),
            self.payload,
            self.content_type,
        )


def json_response(status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> Response:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Response(status, body, tuple(headers), payload, JSON_TYPE)


def no_content() -> Response:
    return Response(204)


@dataclass(frozen=True)
class FieldError:
    """One entry of a 422 body's `errors` list."""

    resource: str
    code: str
    field: str | None = None
    message: str | None = None
    value: str | None = None

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"resource": self.resource, "code": self.code}
        if self.field is not None:
            entry["field"] = self.field
        if self.message is not None:
            entry["message"] = self.message
        if self.value is not None:
            entry["value"] = self.value
        return entry


class ApiError(Exception):
    """Raised by handlers; becomes GitHub's `{"message", "errors", "documentation_url"}` body."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: Iterable[FieldError] = (),
        *,
        documentation_url: str = DOCS,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message
        self.errors = tuple(errors)
        self.documentation_url = documentation_url
        self.headers = tuple(headers)

    def __str__(self) -> str:
        return f"{self.status} {self.message}"

    def to_response(self) -> Response:
        payload: dict[str, Any] = {
            "message": self.message,
            "documentation_url": self.documentation_url,
            "status": str(self.status),
        }
        if self.errors:
            payload["errors"] = [error.to_json() for error in self.errors]
        return json_response(self.status, payload, self.headers)


def not_found(message: str = "Not Found") -> ApiError:
    return ApiError(404, message)


def validation_failed(*errors: FieldError, message: str = "Validation Failed") -> ApiError:
    return ApiError(422, message, errors)


def forbidden_integration() -> ApiError:
    """What GitHub answers when a token may read a repository but not change it."""
    return ApiError(403, "Resource not accessible by integration")
