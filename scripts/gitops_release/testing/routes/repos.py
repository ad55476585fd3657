"""Users, organisations, repositories, collaborators and the rate-limit overview."""

from __future__ import annotations

from typing import Any

from gitops_release.testing.context import Context, Handler, Params
from gitops_release.testing.routing import Router
from gitops_release.testing.store import UserType, valid_name
from gitops_release.testing.wire import (
    ApiError,
    FieldError,
    Response,
    forbidden_integration,
    not_found,
    validation_failed,
)


def get_authenticated_user(ctx: Context, _params: Params) -> Response:
    return ctx.json(200, ctx.shapes.user_profile(ctx.login, private=True))


def get_user(ctx: Context, params: Params) -> Response:
    user = ctx.store.find_user(params["username"])
    if user is None or user.type == "Organization":
        raise not_found()
    return ctx.json(200, ctx.shapes.user_profile(user.login, private=False))


def get_org(ctx: Context, params: Params) -> Response:
    org = ctx.store.find_user(params["org"])
    if org is None or org.type != "Organization":
        raise not_found()
    return ctx.json(200, ctx.shapes.organization(org.login))


def _create(ctx: Context, owner: str, owner_type: UserType) -> Response:
    data = ctx.body()
    name = ctx.required_str(data, "name", "Repository")
    if not valid_name(name):
        raise validation_failed(
            FieldError("Repository", "custom", "name", "name is not a valid repository name"),
            message="Repository creation failed.",
        )
    if not ctx.identity.grant.can_write(f"{owner}/{name}"):
        raise forbidden_integration()
    if ctx.store.find_repo(owner, name) is not None:
        raise validation_failed(
            FieldError("Repository", "custom", "name", "name already exists on this account"),
            message="Repository creation failed.",
        )
    visibility = data.get("visibility")
    private = bool(data.get("private", False)) or visibility in ("private", "internal")
    repo = ctx.store.create_repo(
        owner,
        name,
        owner_type=owner_type,
        author=ctx.user.signature,
        private=private,
        description=ctx.optional_str(data, "description", "Repository"),
        auto_init=bool(data.get("auto_init", False)),
    )
    return ctx.json(201, ctx.shapes.repo(repo, ctx.login))


def create_for_user(ctx: Context, _params: Params) -> Response:
    return _create(ctx, ctx.user.login, "User")


def create_in_org(ctx: Context, params: Params) -> Response:
    org = ctx.store.find_user(params["org"])
    if org is None or org.type != "Organization":
        raise not_found()
    return _create(ctx, org.login, "Organization")


def get_repo(ctx: Context, params: Params) -> Response:
    return ctx.json(200, ctx.shapes.repo(ctx.repo(params), ctx.login))


def collaborator_permission(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    user = ctx.store.find_user(params["username"])
    if user is None or user.type == "Organization":
        raise ApiError(404, f"{params['username']} is not a user")
    return ctx.json(200, ctx.shapes.collaborator_permission(repo, user.login))


def rate_limit(ctx: Context, _params: Params) -> Response:
    def entry(resource: str) -> dict[str, Any]:
        state = ctx.rates.peek(ctx.login, resource)
        return {
            "limit": state.limit,
            "remaining": state.remaining,
            "reset": state.reset,
            "used": state.used,
            "resource": resource,
        }

    core = entry("core")
    resources = {name: entry(name) for name in ("core", "search", "graphql")}
    return ctx.json(200, {"resources": resources, "rate": core})


ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/user", get_authenticated_user),
    ("GET", "/users/{username}", get_user),
    ("GET", "/orgs/{org}", get_org),
    ("POST", "/user/repos", create_for_user),
    ("POST", "/orgs/{org}/repos", create_in_org),
    ("GET", "/repos/{owner}/{repo}", get_repo),
    ("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission", collaborator_permission),
    ("GET", "/rate_limit", rate_limit),
)


def register(router: Router[Handler]) -> None:
    for method, template, handler in ROUTES:
        router.add(method, template, handler)
