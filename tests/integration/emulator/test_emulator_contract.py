"""The contract check itself: it must catch answers GitHub would never send."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_release.testing import RequestRecord
from gitops_release.testing.routes import build_router
from tests.conftest_openapi import ALIASES, OpenApiContract

pytestmark = pytest.mark.integration


def _record(route: str | None, status: int, body: Any, method: str = "GET") -> RequestRecord:
    return RequestRecord(
        seq=1,
        kind="rest",
        method=method,
        path="/x",
        query=(),
        route=route,
        status=status,
        login="octocat",
        request_json=None,
        response_json=body,
        content_type="application/json",
        request_id="0001",
        duration=0.0,
        fault=None,
        server="http://127.0.0.1:1",
    )


def test_every_route_is_an_operation_of_githubs_api(openapi_contract: OpenApiContract) -> None:
    paths = openapi_contract.spec["paths"]
    missing = [
        f"{method} {template}"
        for method, template in build_router().templates()
        if method.lower() not in paths.get(ALIASES.get((method, template), template), {})
    ]
    assert missing == []


def test_contract_rejects_wrong_shapes(openapi_contract: OpenApiContract) -> None:
    ref = {"ref": "refs/heads/main", "node_id": "REF_1", "url": "http://x/y", "object": {}}
    problem = openapi_contract.problems(_record("/repos/{owner}/{repo}/git/ref/{ref}", 200, ref))
    assert problem is not None
    assert "is a required property at object" in problem

    wrong_type = openapi_contract.problems(
        _record(
            "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
            200,
            {"sha": "a", "merged": "yes", "message": "m"},
            "PUT",
        )
    )
    assert wrong_type is not None
    assert "merged" in wrong_type

    made_up = openapi_contract.problems(_record("/repos/{owner}/{repo}/made-up", 200, {}))
    assert made_up is not None


def test_contract_accepts_errors_and_valid_answers(openapi_contract: OpenApiContract) -> None:
    merged = {"sha": "a" * 40, "merged": True, "message": "Pull Request successfully merged"}
    route = "/repos/{owner}/{repo}/pulls/{pull_number}/merge"
    assert openapi_contract.problems(_record(route, 200, merged, "PUT")) is None
    assert (
        openapi_contract.problems(_record(route, 405, {"message": "not mergeable"}, "PUT")) is None
    )
    assert openapi_contract.problems(_record(None, 404, {"message": "Not Found"})) is None
    unexpected = openapi_contract.problems(_record(route, 502, {"message": 7}, "PUT"))
    assert unexpected is not None


def test_nullable_admits_null_beside_enum_and_one_of(openapi_contract: OpenApiContract) -> None:
    route = "/repos/{owner}/{repo}/commits/{ref}/check-runs"
    body = {"total_count": 1, "check_runs": [{"conclusion": None}]}
    problem = openapi_contract.problems(_record(route, 200, body))
    assert problem is not None
    assert "conclusion" not in problem  # other required fields are missing, not the null
