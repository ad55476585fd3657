"""Request/response values, error bodies and git path recognition."""

from __future__ import annotations

import pytest

from gitops_release.testing.githttp import parse_git_path
from gitops_release.testing.wire import ApiError, FieldError, Request, validation_failed


def _request(body: bytes) -> Request:
    return Request(
        "POST", "/x", (("a", "1"), ("a", "2")), {"content-type": "application/json"}, body
    )


def test_request_helpers() -> None:
    request = _request(b'{"k": 1}')

    assert request.param("a") == "2"
    assert request.param("missing", "d") == "d"
    assert request.header("Content-Type") == "application/json"
    assert request.json() == {"k": 1}
    assert _request(b"").json() == {}


def test_bad_json_is_a_400() -> None:
    with pytest.raises(ApiError) as error:
        _request(b"{nope").json()
    assert error.value.status == 400
    assert error.value.message == "Problems parsing JSON"


def test_error_bodies_have_githubs_shape() -> None:
    response = validation_failed(FieldError("PullRequest", "invalid", "head")).to_response()

    assert response.status == 422
    assert response.content_type == "application/json; charset=utf-8"
    assert response.payload == {
        "message": "Validation Failed",
        "documentation_url": "https://docs.github.com/rest",
        "status": "422",
        "errors": [{"resource": "PullRequest", "code": "invalid", "field": "head"}],
    }


def test_git_paths() -> None:
    fetch = parse_git_path("/acme/app.git/info/refs", (("service", "git-upload-pack"),))
    push_probe = parse_git_path("/acme/app.git/info/refs", (("service", "git-receive-pack"),))
    push = parse_git_path("/acme/app.git/git-receive-pack", ())

    assert fetch is not None
    assert (fetch.owner, fetch.name, fetch.service, fetch.push) == (
        "acme",
        "app",
        "info/refs",
        False,
    )
    assert push_probe is not None
    assert push_probe.push
    assert push is not None
    assert push.push
    assert parse_git_path("/repos/acme/app", ()) is None
    assert parse_git_path("/acme/app/info/refs", ()) is None
