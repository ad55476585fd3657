"""What a REST handler gets: the request, who made it, and the emulator's state and helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from gitops_release.testing.auth import Credentials, Identity, RateLimiter
from gitops_release.testing.pagination import link_header, page_request, paginate
from gitops_release.testing.prs import PullEngine
from gitops_release.testing.shapes import Shapes
from gitops_release.testing.shapes.base import Urls
from gitops_release.testing.store import PullState, RepoState, Store, UserState
from gitops_release.testing.wire import (
    ApiError,
    FieldError,
    Request,
    Response,
    forbidden_integration,
    json_response,
    not_found,
    validation_failed,
)

T = TypeVar("T")
_READERS = ("read", "triage")
Params = Mapping[str, str]


@dataclass(frozen=True)
class Context:
    request: Request
    identity: Identity
    store: Store
    credentials: Credentials
    shapes: Shapes
    engine: PullEngine
    urls: Urls
    rates: RateLimiter

    @property
    def login(self) -> str:
        return self.identity.login

    @property
    def user(self) -> UserState:
        return self.store.user(self.identity.login)

    # -- request bodies -------------------------------------------------------------------------
    def body(self) -> dict[str, Any]:
        data = self.request.json()
        if not isinstance(data, dict):
            raise ApiError(400, "Problems parsing JSON")
        return data

    def optional_str(self, data: Mapping[str, Any], key: str, resource: str) -> str | None:
        value = data.get(key)
        if value is None or isinstance(value, str):
            return value
        raise validation_failed(FieldError(resource, "invalid", key))

    def required_str(self, data: Mapping[str, Any], key: str, resource: str) -> str:
        value = data.get(key)
        if value is None:
            raise validation_failed(FieldError(resource, "missing_field", key))
        if not isinstance(value, str):
            raise validation_failed(FieldError(resource, "invalid", key))
        return value

    # -- lookups with GitHub's visibility rules -------------------------------------------------
    def repo(self, params: Params, *, write: bool = False) -> RepoState:
        """The repository in the path: 404 if the token may not see it, 403 if not change it."""
        repo = self.store.find_repo(params["owner"], params["repo"])
        if repo is None or not self.identity.grant.can_read(repo.full_name):
            raise not_found()
        role = repo.collaborators.get(self.login.lower())  # set on the repository: it wins
        if role == "none":
            raise not_found()
        if write and (not self.identity.grant.can_write(repo.full_name) or role in _READERS):
            raise forbidden_integration()
        return repo

    def pull(self, repo: RepoState, number_text: str) -> PullState:
        try:
            number = int(number_text)
        except ValueError:
            raise not_found() from None
        pr = repo.pulls.get(number)
        if pr is None:
            raise not_found()
        return pr

    # -- answers --------------------------------------------------------------------------------
    def json(self, status: int, payload: Any) -> Response:
        return json_response(status, payload)

    def page(self, items: Sequence[T], render: Callable[[T], Any]) -> Response:
        """A paginated JSON array: renders only the requested page, adds the `Link` header."""
        page_no, per_page = page_request(self.request.query)
        page = paginate(items, page=page_no, per_page=per_page)
        link = link_header(self.urls.api + self.request.path, self.request.query, page)
        headers = [("Link", link)] if link else []
        return json_response(200, [render(item) for item in page.items], headers)

    def page_object(self, items: Sequence[T], render: Callable[[T], Any], key: str) -> Response:
        """A paginated `{"total_count": N, key: [...]}` object (check runs, workflow runs)."""
        page_no, per_page = page_request(self.request.query)
        page = paginate(items, page=page_no, per_page=per_page)
        link = link_header(self.urls.api + self.request.path, self.request.query, page)
        headers = [("Link", link)] if link else []
        payload = {"total_count": len(items), key: [render(item) for item in page.items]}
        return json_response(200, payload, headers)


Handler = Callable[[Context, Params], Response]
