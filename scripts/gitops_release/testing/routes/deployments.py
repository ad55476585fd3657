"""Deployments and deployment statuses: what puts "deployed to ENV" on a pull request's timeline.

The emulator records them; nothing is deployed. `required_contexts` and `auto_merge` are accepted
and not acted upon (GitHub would check statuses and merge the default branch first).
"""

from __future__ import annotations

from typing import Any

from gitops_release.testing.context import Context, Handler, Params
from gitops_release.testing.gitrepo import now_iso
from gitops_release.testing.routing import Router
from gitops_release.testing.store import (
    DeploymentState,
    DeploymentStatusState,
    RepoState,
    node_id,
)
from gitops_release.testing.wire import ApiError, FieldError, Response, not_found, validation_failed

STATES = ("error", "failure", "inactive", "pending", "success", "queued", "in_progress")


def _flag(data: dict[str, Any], key: str, resource: str, *, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise validation_failed(FieldError(resource, "invalid", key))
    return value


def create_deployment(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    data = ctx.body()
    ref = ctx.required_str(data, "ref", "Deployment")
    sha = repo.git.resolve(ref)
    if sha is None:
        raise ApiError(422, f"No ref found for: {ref}")
    environment = ctx.optional_str(data, "environment", "Deployment") or "production"
    deployment_id = ctx.store.next_id()
    stamp = now_iso()
    deployment = DeploymentState(
        id=deployment_id,
        node_id=node_id("DE", deployment_id),
        sha=sha,
        ref=ref,
        task=ctx.optional_str(data, "task", "Deployment") or "deploy",
        environment=environment,
        description=ctx.optional_str(data, "description", "Deployment"),
        creator=ctx.login,
        created_at=stamp,
        updated_at=stamp,
        transient_environment=_flag(data, "transient_environment", "Deployment", default=False),
        production_environment=_flag(
            data, "production_environment", "Deployment", default=environment == "production"
        ),
    )
    repo.deployments[deployment_id] = deployment
    return ctx.json(201, ctx.shapes.deployment(repo, deployment))


def list_deployments(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    param = ctx.request.param
    wanted = {key: param(key) for key in ("sha", "ref", "task", "environment")}
    found = [
        d
        for d in repo.deployments.values()
        if all(value is None or getattr(d, key) == value for key, value in wanted.items())
    ]
    found.sort(key=lambda d: d.id, reverse=True)  # newest first, as GitHub lists them
    return ctx.page(found, lambda d: ctx.shapes.deployment(repo, d))


def _deployment(repo: RepoState, params: Params) -> DeploymentState:
    try:
        found = repo.deployments.get(int(params["deployment_id"]))
    except ValueError:
        found = None
    if found is None:
        raise not_found()
    return found


def get_deployment(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    return ctx.json(200, ctx.shapes.deployment(repo, _deployment(repo, params)))


def create_status(ctx: Context, params: Params) -> Response:
    """A new status; with `auto_inactive` (the default) a `success` makes the earlier successful
    deployments of the same environment inactive, as GitHub does."""
    repo = ctx.repo(params, write=True)
    deployment = _deployment(repo, params)
    data = ctx.body()
    state = ctx.required_str(data, "state", "DeploymentStatus")
    if state not in STATES:
        raise validation_failed(FieldError("DeploymentStatus", "invalid", "state"))
    target = ctx.optional_str(data, "target_url", "DeploymentStatus") or ""
    environment = (
        ctx.optional_str(data, "environment", "DeploymentStatus") or deployment.environment
    )
    if state == "success" and _flag(data, "auto_inactive", "DeploymentStatus", default=True):
        _deactivate_others(ctx, repo, deployment)
    status = _add_status(
        ctx,
        repo,
        deployment,
        state,
        description=ctx.optional_str(data, "description", "DeploymentStatus") or "",
        environment=environment,
        target_url=target,
        log_url=ctx.optional_str(data, "log_url", "DeploymentStatus") or target,
        environment_url=ctx.optional_str(data, "environment_url", "DeploymentStatus") or "",
    )
    return ctx.json(201, ctx.shapes.deployment_status(repo, status))


def _add_status(
    ctx: Context,
    repo: RepoState,
    deployment: DeploymentState,
    state: str,
    *,
    description: str,
    environment: str,
    target_url: str = "",
    log_url: str = "",
    environment_url: str = "",
) -> DeploymentStatusState:
    status_id = ctx.store.next_id()
    stamp = now_iso()
    status = DeploymentStatusState(
        id=status_id,
        node_id=node_id("DES", status_id),
        deployment_id=deployment.id,
        state=state,
        description=description,
        environment=environment,
        target_url=target_url,
        log_url=log_url,
        environment_url=environment_url,
        creator=ctx.login,
        created_at=stamp,
        updated_at=stamp,
    )
    repo.deployment_statuses.append(status)
    deployment.updated_at = stamp
    return status


def _deactivate_others(ctx: Context, repo: RepoState, deployment: DeploymentState) -> None:
    for other in repo.deployments.values():
        if other.id == deployment.id or other.environment != deployment.environment:
            continue
        latest = latest_status(repo, other.id)
        if latest is not None and latest.state == "success":
            _add_status(
                ctx,
                repo,
                other,
                "inactive",
                description=f"superseded by deployment {deployment.id}",
                environment=other.environment,
            )


def latest_status(repo: RepoState, deployment_id: int) -> DeploymentStatusState | None:
    for status in reversed(repo.deployment_statuses):
        if status.deployment_id == deployment_id:
            return status
    return None


def list_statuses(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    deployment = _deployment(repo, params)
    found = [s for s in reversed(repo.deployment_statuses) if s.deployment_id == deployment.id]
    return ctx.page(found, lambda s: ctx.shapes.deployment_status(repo, s))


ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/repos/{owner}/{repo}/deployments", list_deployments),
    ("POST", "/repos/{owner}/{repo}/deployments", create_deployment),
    ("GET", "/repos/{owner}/{repo}/deployments/{deployment_id}", get_deployment),
    ("GET", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses", list_statuses),
    ("POST", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses", create_status),
)


def register(router: Router[Handler]) -> None:
    for method, template, handler in ROUTES:
        router.add(method, template, handler)
