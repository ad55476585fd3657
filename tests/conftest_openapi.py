"""pytest plugin: the GitHub emulator as fixtures, with GitHub's API contract enforced.

Every JSON answer any `FakeGitHub` in this process sends while a test runs is validated against
GitHub's OpenAPI description (npm `@octokit/openapi`). A test during which the emulator sent an
answer that does not validate fails in teardown, naming the request and the first violation, so
the emulator cannot drift from what real GitHub answers (and code tested against it cannot come
to depend on such drift).

Fixtures: `fake_github` (a started emulator with one admin token), `fake_github_token`,
`fake_github_client` (PyGithub on it, no retries), `openapi_contract` (the validator).
"""

from __future__ import annotations

import functools
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from github import Auth, Github
from jsonschema import validators
from jsonschema.exceptions import ValidationError, best_match
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from gitops_release.testing import FakeGitHub, RequestRecord, Token, observe_requests

SPEC_ENV = "GITOPS_RELEASE_OPENAPI_SPEC"
SPEC_RELATIVE = "gitops-release/openapi/node_modules/@octokit/openapi/generated/api.github.com.json"
SPEC_URI = "urn:github-openapi"
FAKE_TOKEN = "fake-github-token-0123456789abcdef"
# Answers for statuses an operation does not list (401, rate limits, 5xx from the front end)
# still have GitHub's generic error shape.
BASIC_ERROR = "#/components/schemas/basic-error"
NOT_IN_SPEC = frozenset({"/graphql"})  # served by the emulator, described elsewhere by GitHub
# Older spellings GitHub still serves (and clients call) -> the documented operation they mirror.
ALIASES = {
    ("GET", "/repos/{owner}/{repo}/statuses/{ref}"): "/repos/{owner}/{repo}/commits/{ref}/statuses",
}


def _nullable(keyword: str) -> Any:
    """Let `nullable: true` admit null next to `enum`/`oneOf`/`anyOf`/`allOf` as well.

    GitHub marks e.g. a check run's `conclusion` (an enum) and a commit's `author` (a oneOf)
    nullable and sends null for them; the validator only honours `nullable` beside `type`.
    """
    base = OAS30ReadValidator.VALIDATORS[keyword]

    def check(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Any:
        if instance is None and schema.get("nullable") is True:
            return iter(())
        return base(validator, value, instance, schema)

    return check


GitHubValidator = validators.extend(  # type: ignore[no-untyped-call]
    OAS30ReadValidator, {name: _nullable(name) for name in ("enum", "oneOf", "anyOf", "allOf")}
)


def spec_path() -> Path:
    configured = os.environ.get(SPEC_ENV)
    if configured:
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / SPEC_RELATIVE


def _pointer(*parts: str) -> str:
    """A URI fragment pointing into the spec (JSON pointer escaping, then percent-encoding)."""
    escaped = [part.replace("~", "~0").replace("/", "~1") for part in parts]
    return "#/" + quote("/".join(escaped), safe="/~")


class OpenApiContract:
    """Validates emulator answers against the response schemas of GitHub's description.

    Schemas are referenced by JSON pointer into the one loaded document, so nested `$ref`s
    resolve lazily; validators are compiled once per (operation, status).
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self._registry: Registry[Any] = Registry().with_resource(
            SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT4)
        )
        self._validators: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _validator(self, fragment: str) -> Any:
        with self._lock:
            validator = self._validators.get(fragment)
            if validator is None:
                validator = GitHubValidator(
                    {"$ref": SPEC_URI + fragment},
                    registry=self._registry,
                    format_checker=oas30_format_checker,
                )
                self._validators[fragment] = validator
            return validator

    def _schema_fragment(self, record: RequestRecord) -> str | None:
        """Where the schema for this answer is, or None when the spec has no body for it."""
        if record.route is None:
            return BASIC_ERROR if record.status >= 400 else None
        route = ALIASES.get((record.method, record.route), record.route)
        operation = self.spec["paths"].get(route, {}).get(record.method.lower())
        if operation is None:
            raise LookupError(f"{record.method} {record.route} is not an operation of GitHub's API")
        responses = operation["responses"]
        key = str(record.status)
        if key not in responses:
            return BASIC_ERROR if record.status >= 400 else None
        location: tuple[str, ...] = ("paths", route, record.method.lower(), "responses", key)
        response = responses[key]
        if "$ref" in response:  # '#/components/responses/not_found'
            location = tuple(response["$ref"].removeprefix("#/").split("/"))
            response = self.spec["components"]["responses"][location[-1]]
        if "application/json" not in response.get("content", {}):
            return BASIC_ERROR if record.status >= 400 else None
        return _pointer(*location, "content", "application/json", "schema")

    def problems(self, record: RequestRecord) -> str | None:
        """Why `record`'s answer breaks the contract, or None when it keeps it."""
        if record.kind != "rest" or record.route in NOT_IN_SPEC:
            return None
        if record.response_json is None:
            if record.status < 300 and record.status != 204 and record.method != "DELETE":
                return "the answer has no JSON body"
            return None
        try:
            fragment = self._schema_fragment(record)
        except LookupError as error:
            return str(error)
        if fragment is None:
            return f"GitHub documents no JSON body for status {record.status} here"
        violation = best_match(self._validator(fragment).iter_errors(record.response_json))
        return None if violation is None else _describe(violation)

    def check(self, records: list[RequestRecord]) -> list[str]:
        failures = []
        for record in records:
            problem = self.problems(record)
            if problem is not None:
                failures.append(
                    f"{record.method} {record.path} -> {record.status} "
                    f"(operation {record.route or 'none'}): {problem}"
                )
        return failures


def _describe(error: ValidationError) -> str:
    where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
    return f"{error.message} at {where}"


@functools.cache
def load_contract() -> OpenApiContract:
    path = spec_path()
    if not path.is_file():
        pytest.fail(
            f"GitHub's OpenAPI description is missing at {path}. Install it once with\n"
            "  npm install --prefix ~/.cache/gitops-release/openapi @octokit/openapi\n"
            f"or point {SPEC_ENV} at api.github.com.json.",
            pytrace=False,
        )
    spec = json.loads(path.read_text(encoding="utf-8"))
    return OpenApiContract(spec)


@pytest.fixture(scope="session")
def openapi_contract() -> OpenApiContract:
    return load_contract()


@pytest.fixture(autouse=True)
def _github_contract_check() -> Iterator[None]:
    """Validate every JSON answer sent by any emulator during the test, at teardown."""
    records: list[RequestRecord] = []
    lock = threading.Lock()

    def collect(record: RequestRecord) -> None:
        with lock:
            records.append(record)

    with observe_requests(collect):
        yield
    with lock:
        answered = [r for r in records if r.kind == "rest"]
    if not answered:
        return
    failures = load_contract().check(answered)
    if failures:
        listing = "\n  ".join(failures)
        pytest.fail(f"the GitHub emulator broke GitHub's API contract:\n  {listing}", pytrace=False)


@pytest.fixture
def fake_github_token() -> str:
    return FAKE_TOKEN


@pytest.fixture
def fake_github(tmp_path: Path, fake_github_token: str) -> Iterator[FakeGitHub]:
    """A running emulator over `tmp_path/github`; the token is an admin as `octocat`."""
    with FakeGitHub(tmp_path / "github", tokens={fake_github_token: Token("octocat")}) as github:
        yield github


@pytest.fixture
def fake_github_client(fake_github: FakeGitHub, fake_github_token: str) -> Iterator[Github]:
    """PyGithub talking to `fake_github`: no retries (faults reach the test) and no throttling
    (PyGithub waits 0.25 s between requests and 1 s between writes by default)."""
    client = Github(
        base_url=fake_github.api_url,
        auth=Auth.Token(fake_github_token),
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    yield client
    client.close()
