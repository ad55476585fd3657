"""Pull requests: list, create, update, merge, files, commits and review requests."""

from __future__ import annotations

from typing import Any

from gitops_release.testing.context import Context, Handler, Params
from gitops_release.testing.gitrepo import now_iso
from gitops_release.testing.prs import MERGE_METHODS
from gitops_release.testing.routing import Router
from gitops_release.testing.store import PullState, RepoState, node_id
from gitops_release.testing.wire import (
    ApiError,
    FieldError,
    Response,
    no_content,
    not_found,
    validation_failed,
)

_SORT_KEYS = ("created", "updated", "popularity", "long-running")


def _invalid(field: str) -> ApiError:
    return validation_failed(FieldError("PullRequest", "invalid", field))


def _custom(message: str, field: str | None = None) -> ApiError:
    return validation_failed(FieldError("PullRequest", "custom", field, message))


def list_pulls(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    ctx.engine.refresh(repo)
    param = ctx.request.param
    state = param("state", "open")
    sort = param("sort", "created")
    direction = param("direction", "desc" if sort == "created" else "asc")
    if state not in ("open", "closed", "all") or sort not in _SORT_KEYS:
        raise validation_failed(
            FieldError("PullRequest", "invalid", "state" if sort in _SORT_KEYS else "sort")
        )
    if direction not in ("asc", "desc"):
        raise _invalid("direction")
    head, base = param("head"), param("base")
    pulls = [pr for pr in repo.pulls.values() if state in ("all", pr.state)]
    if head:
        owner, sep, branch = head.partition(":")
        if owner.lower() != repo.owner.lower():
            pulls = []
        elif sep:
            pulls = [pr for pr in pulls if pr.head_ref == branch]
    if base:
        pulls = [pr for pr in pulls if pr.base_ref == base]

    def key(pr: PullState) -> tuple[Any, ...]:
        if sort == "updated":
            return (pr.updated_at, pr.number)
        if sort == "popularity":
            return (
                sum(1 for c in repo.comments.values() if c.issue_number == pr.number),
                pr.number,
            )
        if sort == "long-running":
            return (pr.state == "open", -pr.number)
        return (pr.created_at, pr.number)

    pulls.sort(key=key, reverse=direction == "desc")
    return ctx.page(pulls, lambda pr: ctx.shapes.pull(repo, pr))


def _branch_spec(repo: RepoState, text: str, field: str) -> str:
    """`branch` or `owner:branch`; the emulator has no forks, so the owner must be the repo's."""
    owner, sep, branch = text.partition(":")
    if not sep:
        return text
    if owner.lower() != repo.owner.lower() or not branch:
        raise _invalid(field)
    return branch


def _open_duplicate(repo: RepoState, head: str, base: str) -> PullState | None:
    for pr in repo.pulls.values():
        if pr.state == "open" and pr.head_ref == head and pr.base_ref == base:
            return pr
    return None


def create_pull(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    ctx.engine.refresh(repo)
    data = ctx.body()
    title = ctx.optional_str(data, "title", "PullRequest")
    head = _branch_spec(repo, ctx.required_str(data, "head", "PullRequest"), "head")
    base = ctx.required_str(data, "base", "PullRequest")
    if not title:
        raise validation_failed(FieldError("PullRequest", "missing_field", "title"))
    head_sha = repo.git.branch_sha(head)
    base_sha = repo.git.branch_sha(base)
    errors = [
        FieldError("PullRequest", "invalid", side)
        for side, sha in (("base", base_sha), ("head", head_sha))
        if sha is None
    ]
    if errors or head_sha is None or base_sha is None:
        raise validation_failed(*errors)
    if _open_duplicate(repo, head, base) is not None:
        raise _custom(f"A pull request already exists for {repo.owner}:{head}.")
    if not repo.git.rev_list(base_sha, head_sha):
        raise _custom(f"No commits between {base} and {head}")
    number = repo.next_number
    repo.next_number += 1
    pr_id = ctx.store.next_id()
    stamp = now_iso()
    pr = PullState(
        number=number,
        id=pr_id,
        node_id=node_id("PR", pr_id),
        title=title,
        body=ctx.optional_str(data, "body", "PullRequest"),
        author=ctx.login,
        head_ref=head,
        base_ref=base,
        head_sha=head_sha,
        base_sha=base_sha,
        draft=bool(data.get("draft", False)),
        maintainer_can_modify=bool(data.get("maintainer_can_modify", True)),
        created_at=stamp,
        updated_at=stamp,
    )
    repo.pulls[number] = pr
    ctx.store.pull_nodes[pr.node_id] = (repo.full_name, number)
    return ctx.json(201, ctx.shapes.pull(repo, pr, ctx.engine.facts(repo, pr)))


def get_pull(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    ctx.engine.refresh(repo)
    pr = ctx.pull(repo, params["pull_number"])
    return ctx.json(200, ctx.shapes.pull(repo, pr, ctx.engine.facts(repo, pr)))


def update_pull(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    ctx.engine.refresh(repo)
    pr = ctx.pull(repo, params["pull_number"])
    data = ctx.body()
    if "title" in data:
        title = ctx.optional_str(data, "title", "PullRequest")
        if not title:
            raise _invalid("title")
        pr.title = title
    if "body" in data:
        pr.body = ctx.optional_str(data, "body", "PullRequest")
    if "maintainer_can_modify" in data:
        pr.maintainer_can_modify = bool(data["maintainer_can_modify"])
    if "base" in data:
        base = ctx.required_str(data, "base", "PullRequest")
        base_sha = repo.git.branch_sha(base)
        if base_sha is None:
            raise _invalid("base")
        if pr.state == "open" and _open_duplicate(repo, pr.head_ref, base) not in (None, pr):
            raise _custom(f"A pull request already exists for {repo.owner}:{pr.head_ref}.")
        pr.base_ref, pr.base_sha = base, base_sha
    state = data.get("state")
    if state is not None:
        _change_state(ctx, repo, pr, state)
    pr.updated_at = now_iso()
    return ctx.json(200, ctx.shapes.pull(repo, pr, ctx.engine.facts(repo, pr)))


def _change_state(ctx: Context, repo: RepoState, pr: PullState, state: Any) -> None:
    if state not in ("open", "closed"):
        raise _invalid("state")
    if state == pr.state:
        return
    if state == "closed":
        ctx.engine.close(repo, pr)
        return
    if pr.merged:
        raise _custom("Cannot reopen a merged pull request.", "state")
    head_sha = repo.git.branch_sha(pr.head_ref)
    if head_sha is None:
        raise _custom(f"Cannot reopen: the head branch {pr.head_ref} was deleted.", "state")
    if _open_duplicate(repo, pr.head_ref, pr.base_ref) is not None:
        raise _custom(f"A pull request already exists for {repo.owner}:{pr.head_ref}.", "state")
    ctx.engine.reopen(pr)
    ctx.engine.refresh(repo)


def merge_pull(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    pr = ctx.pull(repo, params["pull_number"])
    data = ctx.body()
    method = data.get("merge_method") or "merge"
    if method not in MERGE_METHODS:
        raise validation_failed(FieldError("PullRequest", "invalid", "merge_method"))
    result = ctx.engine.merge(
        repo,
        pr,
        method=method,
        user=ctx.user,
        title=ctx.optional_str(data, "commit_title", "PullRequest"),
        message=ctx.optional_str(data, "commit_message", "PullRequest"),
        expected_head=ctx.optional_str(data, "sha", "PullRequest"),
    )
    return ctx.json(200, {"sha": result.sha, "merged": True, "message": result.message})


def check_merged(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    ctx.engine.refresh(repo)
    if not ctx.pull(repo, params["pull_number"]).merged:
        raise not_found()
    return no_content()


def list_files(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    ctx.engine.refresh(repo)
    pr = ctx.pull(repo, params["pull_number"])
    changes = ctx.engine.changes(repo, pr)[:3000]
    return ctx.page(changes, lambda change: ctx.shapes.diff_entry(repo, change, pr.head_sha))


def list_commits(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    ctx.engine.refresh(repo)
    pr = ctx.pull(repo, params["pull_number"])
    infos = repo.git.commits(ctx.engine.commits(repo, pr)[:250])
    return ctx.page(infos, lambda info: ctx.shapes.commit(repo, info))


def _not_collaborators(repo: RepoState) -> ApiError:
    return ApiError(
        422,
        "Reviews may only be requested from collaborators. One or more of the users or teams "
        f"you specified is not a collaborator of the {repo.full_name} repository.",
    )


def _logins(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise validation_failed(FieldError("PullRequest", "invalid", key))
    return value


def request_reviewers(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    ctx.engine.refresh(repo)
    pr = ctx.pull(repo, params["pull_number"])
    data = ctx.body()
    reviewers = _logins(data, "reviewers")
    if _logins(data, "team_reviewers"):
        raise _not_collaborators(repo)  # the emulator has no teams
    for login in reviewers:
        if login.lower() == pr.author.lower():
            raise ApiError(422, "Review cannot be requested from pull request author.")
        user = ctx.store.find_user(login)
        if user is None or ctx.credentials.permission(user.login, repo.full_name) == "none":
            raise _not_collaborators(repo)
    known = {login.lower() for login in pr.requested_reviewers}
    for login in reviewers:
        user = ctx.store.user(login)
        if user.login.lower() not in known:
            pr.requested_reviewers.append(user.login)
            known.add(user.login.lower())
    pr.updated_at = now_iso()
    return ctx.json(201, ctx.shapes.pull(repo, pr))


def remove_reviewers(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    ctx.engine.refresh(repo)
    pr = ctx.pull(repo, params["pull_number"])
    removed = {login.lower() for login in _logins(ctx.body(), "reviewers")}
    pr.requested_reviewers = [r for r in pr.requested_reviewers if r.lower() not in removed]
    pr.updated_at = now_iso()
    return ctx.json(200, ctx.shapes.pull(repo, pr))


def list_review_requests(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    pr = ctx.pull(repo, params["pull_number"])
    return ctx.json(200, ctx.shapes.review_requests(pr))


def list_reviews(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    ctx.pull(repo, params["pull_number"])
    return ctx.page([], lambda item: item)  # the emulator records no reviews


def commit_pulls(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    ctx.engine.refresh(repo)
    sha = repo.git.resolve(params["commit_sha"])
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {params['commit_sha']}")
    pulls = [
        pr
        for pr in sorted(repo.pulls.values(), key=lambda pr: pr.number, reverse=True)
        if ctx.engine.contains(repo, pr, sha)
    ]
    return ctx.page(pulls, lambda pr: ctx.shapes.pull(repo, pr))


ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/repos/{owner}/{repo}/pulls", list_pulls),
    ("POST", "/repos/{owner}/{repo}/pulls", create_pull),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", get_pull),
    ("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}", update_pull),
    ("PUT", "/repos/{owner}/{repo}/pulls/{pull_number}/merge", merge_pull),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/merge", check_merged),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/files", list_files),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/commits", list_commits),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", list_reviews),
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", list_review_requests),
    ("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", request_reviewers),
    ("DELETE", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers", remove_reviewers),
    ("GET", "/repos/{owner}/{repo}/commits/{commit_sha}/pulls", commit_pulls),
)


def register(router: Router[Handler]) -> None:
    for method, template, handler in ROUTES:
        router.add(method, template, handler)
