"""Commit statuses and check runs, attached to real commits of the repository."""

from __future__ import annotations

from typing import Any

from gitops_release.testing.context import Context, Handler, Params
from gitops_release.testing.gitrepo import now_iso
from gitops_release.testing.prs import latest_statuses
from gitops_release.testing.routing import Router
from gitops_release.testing.store import CheckRunState, RepoState, StatusState, node_id
from gitops_release.testing.wire import ApiError, FieldError, Response, not_found, validation_failed

STATUS_STATES = ("error", "failure", "pending", "success")
RUN_STATUSES = ("queued", "in_progress", "completed", "waiting", "requested", "pending")
CONCLUSIONS = (
    "action_required",
    "cancelled",
    "failure",
    "neutral",
    "success",
    "skipped",
    "stale",
    "timed_out",
)


def _commit(repo: RepoState, ref: str) -> str:
    sha = repo.git.resolve(ref)
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {ref}")
    return sha


def create_status(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    data = ctx.body()
    state = ctx.required_str(data, "state", "Status")
    if state not in STATUS_STATES:
        raise validation_failed(
            FieldError("Status", "custom", "state", f"state is not included in the list: {state}")
        )
    sha = repo.git.resolve(params["sha"]) if len(params["sha"]) >= 4 else None
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {params['sha']}")
    status_id = ctx.store.next_id()
    stamp = now_iso()
    status = StatusState(
        id=status_id,
        node_id=node_id("SC", status_id),
        sha=sha,
        state=state,
        context=ctx.optional_str(data, "context", "Status") or "default",
        description=ctx.optional_str(data, "description", "Status"),
        target_url=ctx.optional_str(data, "target_url", "Status"),
        creator=ctx.login,
        created_at=stamp,
        updated_at=stamp,
    )
    repo.statuses.append(status)
    return ctx.json(201, ctx.shapes.status(repo, status))


def list_statuses(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    sha = _commit(repo, params["ref"])
    statuses = [s for s in reversed(repo.statuses) if s.sha == sha]
    return ctx.page(statuses, lambda s: ctx.shapes.status(repo, s))


def combined_status(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    sha = repo.git.resolve(params["ref"])
    if sha is None:
        raise not_found()
    latest = latest_statuses(repo, sha)
    return ctx.json(200, ctx.shapes.combined_status(repo, sha, params["ref"], latest))


def _apply_run_fields(ctx: Context, run: CheckRunState, data: dict[str, Any]) -> None:
    status = data.get("status")
    conclusion = data.get("conclusion")
    if status is not None and status not in RUN_STATUSES:
        raise validation_failed(FieldError("CheckRun", "invalid", "status"))
    if conclusion is not None and conclusion not in CONCLUSIONS:
        raise validation_failed(FieldError("CheckRun", "invalid", "conclusion"))
    if status == "completed" and conclusion is None and run.conclusion is None:
        raise validation_failed(FieldError("CheckRun", "missing_field", "conclusion"))
    for key in ("details_url", "external_id", "started_at", "completed_at"):
        if key in data:
            setattr(run, key, ctx.optional_str(data, key, "CheckRun"))
    if "name" in data:
        run.name = ctx.required_str(data, "name", "CheckRun")
    output = data.get("output")
    if isinstance(output, dict):
        run.title = ctx.optional_str(output, "title", "CheckRun")
        run.summary = ctx.optional_str(output, "summary", "CheckRun")
        run.text = ctx.optional_str(output, "text", "CheckRun")
    if conclusion is not None:
        # GitHub completes a run as soon as it gets a conclusion.
        run.conclusion, run.status = conclusion, "completed"
        run.completed_at = run.completed_at or now_iso()
    elif status is not None:
        run.status = status


def _render_run(ctx: Context, repo: RepoState, run: CheckRunState) -> dict[str, Any]:
    pulls = [pr for pr in repo.pulls.values() if pr.state == "open" and pr.head_sha == run.head_sha]
    return ctx.shapes.check_run(repo, run, pulls)


def create_check_run(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    ctx.engine.refresh(repo)
    data = ctx.body()
    name = ctx.required_str(data, "name", "CheckRun")
    head_sha = ctx.required_str(data, "head_sha", "CheckRun")
    sha = repo.git.resolve(head_sha)
    if sha is None or sha != head_sha.lower():
        raise ApiError(422, f"No commit found for SHA: {head_sha}")
    run_id = ctx.store.next_id()
    run = CheckRunState(
        id=run_id,
        node_id=node_id("CR", run_id),
        head_sha=sha,
        name=name,
        status="queued",
        conclusion=None,
        details_url=None,
        external_id=None,
        started_at=now_iso(),
        completed_at=None,
        title=None,
        summary=None,
        text=None,
    )
    _apply_run_fields(ctx, run, data)
    repo.check_runs[run_id] = run
    return ctx.json(201, _render_run(ctx, repo, run))


def _run(repo: RepoState, params: Params) -> CheckRunState:
    try:
        run = repo.check_runs.get(int(params["check_run_id"]))
    except ValueError:
        run = None
    if run is None:
        raise not_found()
    return run


def get_check_run(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    ctx.engine.refresh(repo)
    return ctx.json(200, _render_run(ctx, repo, _run(repo, params)))


def update_check_run(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    ctx.engine.refresh(repo)
    run = _run(repo, params)
    _apply_run_fields(ctx, run, ctx.body())
    return ctx.json(200, _render_run(ctx, repo, run))


def list_check_runs(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    ctx.engine.refresh(repo)
    sha = _commit(repo, params["ref"])
    name = ctx.request.param("check_name")
    status = ctx.request.param("status")
    runs = [
        run
        for run in sorted(repo.check_runs.values(), key=lambda run: run.id, reverse=True)
        if run.head_sha == sha
        and (name is None or run.name == name)
        and (status is None or run.status == status)
    ]
    if ctx.request.param("filter", "latest") == "latest":
        newest: dict[str, CheckRunState] = {}
        for run in runs:
            newest.setdefault(run.name, run)
        runs = list(newest.values())
    return ctx.page_object(runs, lambda run: _render_run(ctx, repo, run), "check_runs")


ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("POST", "/repos/{owner}/{repo}/statuses/{sha}", create_status),
    ("GET", "/repos/{owner}/{repo}/commits/{ref:path}/statuses", list_statuses),
    # The older spelling GitHub still serves, and PyGithub's `Commit.get_statuses` calls.
    ("GET", "/repos/{owner}/{repo}/statuses/{ref}", list_statuses),
    ("GET", "/repos/{owner}/{repo}/commits/{ref:path}/status", combined_status),
    ("POST", "/repos/{owner}/{repo}/check-runs", create_check_run),
    ("GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}", get_check_run),
    ("PATCH", "/repos/{owner}/{repo}/check-runs/{check_run_id}", update_check_run),
    ("GET", "/repos/{owner}/{repo}/commits/{ref:path}/check-runs", list_check_runs),
)


def register(router: Router[Handler]) -> None:
    for method, template, handler in ROUTES:
        router.add(method, template, handler)
