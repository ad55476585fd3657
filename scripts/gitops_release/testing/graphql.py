"""The few GraphQL operations clients use next to REST: auto-merge, draft state, the viewer.

No GraphQL parser: PyGithub (and octokit users) send each mutation as
`mutation Mutation($input: XInput!) { x(input: $input) { ... } }`, so the operation is the first
field of the document and its argument comes from `variables.input`. Every answer is HTTP 200;
failures are in `errors`, exactly where GitHub reports them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from gitops_release.testing.context import Context, Params
from gitops_release.testing.gitrepo import now_iso
from gitops_release.testing.store import AutoMergeState, PullState, RepoState
from gitops_release.testing.wire import Response, json_response

_MUTATION = re.compile(r"^\s*mutation\b[^{]*\{\s*(\w+)")
_VIEWER = re.compile(r"^\s*(?:query\b[^{]*)?\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$")


class GraphQLError(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _error(name: str | None, kind: str, message: str) -> Response:
    error: dict[str, Any] = {"type": kind, "message": message}
    payload: dict[str, Any] = {"errors": [error]}
    if name is not None:
        error["path"] = [name]
        payload["data"] = {name: None}
    return json_response(200, payload)


def _pull(ctx: Context, data: dict[str, Any]) -> tuple[RepoState, PullState]:
    node = data.get("pullRequestId")
    target = ctx.store.pull_nodes.get(node) if isinstance(node, str) else None
    repo = None if target is None else ctx.store.find_repo(*target[0].split("/", 1))
    if target is None or repo is None or not ctx.identity.grant.can_read(repo.full_name):
        raise GraphQLError(
            "NOT_FOUND", f"Could not resolve to a node with the global id of '{node}'."
        )
    if not ctx.identity.grant.can_write(repo.full_name):
        raise GraphQLError("FORBIDDEN", "Resource not accessible by integration")
    ctx.engine.refresh(repo)
    return repo, repo.pulls[target[1]]


def _result(ctx: Context, data: dict[str, Any], pr: PullState) -> dict[str, Any]:
    auto = pr.auto_merge
    return {
        "actor": ctx.shapes.actor(ctx.login),
        "clientMutationId": data.get("clientMutationId"),
        "pullRequest": {
            "id": pr.node_id,
            "number": pr.number,
            "isDraft": pr.draft,
            "autoMergeRequest": None
            if auto is None
            else {"mergeMethod": auto.merge_method.upper()},
        },
    }


def enable_auto_merge(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    repo, pr = _pull(ctx, data)
    if pr.state != "open":
        raise GraphQLError(
            "UNPROCESSABLE", "Pull request is not in the correct state to enable auto-merge"
        )
    expected = data.get("expectedHeadOid")
    if expected is not None and expected != pr.head_sha:
        raise GraphQLError("UNPROCESSABLE", "The head ref has moved since the expected head oid")
    method = str(data.get("mergeMethod", "MERGE")).lower()
    if method not in ("merge", "squash", "rebase"):
        raise GraphQLError("INVALID", f"Invalid merge method: {method.upper()}")
    default_title = (
        f"{pr.title} (#{pr.number})"
        if method == "squash"
        else f"Merge pull request #{pr.number} from {repo.owner}/{pr.head_ref}"
    )
    pr.auto_merge = AutoMergeState(
        enabled_by=ctx.login,
        merge_method=method,
        commit_title=str(data.get("commitHeadline") or default_title),
        commit_message=str(data.get("commitBody") or ""),
    )
    pr.updated_at = now_iso()
    return _result(ctx, data, pr)


def disable_auto_merge(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    _, pr = _pull(ctx, data)
    pr.auto_merge = None
    pr.updated_at = now_iso()
    return _result(ctx, data, pr)


def _set_draft(draft: bool) -> Callable[[Context, dict[str, Any]], dict[str, Any]]:  # noqa: FBT001
    def mutate(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
        _, pr = _pull(ctx, data)
        if pr.state != "open":
            raise GraphQLError("UNPROCESSABLE", "Pull request is closed")
        pr.draft = draft
        pr.updated_at = now_iso()
        return _result(ctx, data, pr)

    return mutate


MUTATIONS: dict[str, Callable[[Context, dict[str, Any]], dict[str, Any]]] = {
    "enablePullRequestAutoMerge": enable_auto_merge,
    "disablePullRequestAutoMerge": disable_auto_merge,
    "convertPullRequestToDraft": _set_draft(draft=True),
    "markPullRequestReadyForReview": _set_draft(draft=False),
}


def handle(ctx: Context, _params: Params) -> Response:
    body = ctx.request.json()
    query = body.get("query") if isinstance(body, dict) else None
    if not isinstance(query, str):
        return _error(None, "INVALID", "A query attribute must be specified and must be a string.")
    if _VIEWER.match(query):
        return json_response(200, {"data": {"viewer": {"login": ctx.login}}})
    found = _MUTATION.match(query)
    name = found.group(1) if found else None
    mutation = MUTATIONS.get(name or "")
    if name is None or mutation is None:
        return _error(name, "UNSUPPORTED", "The GitHub emulator does not support this operation.")
    variables = body.get("variables") or {}
    data = variables.get("input") if isinstance(variables, dict) else None
    if not isinstance(data, dict):
        return _error(name, "INVALID", "Pass the mutation's argument as variables.input.")
    with ctx.store.lock:
        try:
            result = mutation(ctx, data)
        except GraphQLError as error:
            return _error(name, error.kind, error.message)
    return json_response(200, {"data": {name: result}})
