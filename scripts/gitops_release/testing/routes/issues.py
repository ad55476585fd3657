"""The issues API as it applies to pull requests: the issue view, comments and labels.

The emulator has no plain issues: every issue number belongs to a pull request.
"""

from __future__ import annotations

import re
from typing import Any

from gitops_release.testing.context import Context, Handler, Params
from gitops_release.testing.gitrepo import now_iso
from gitops_release.testing.routing import Router
from gitops_release.testing.store import (
    CommentState,
    LabelState,
    PullState,
    ReactionState,
    RepoState,
    node_id,
)
from gitops_release.testing.wire import (
    ApiError,
    FieldError,
    Response,
    no_content,
    not_found,
    validation_failed,
)

_COLOR = re.compile(r"[0-9a-fA-F]{6}")
DEFAULT_COLOR = "ededed"
MAX_COMMENT = 65536
REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")


def _issue(ctx: Context, repo: RepoState, params: Params) -> PullState:
    return ctx.pull(repo, params["issue_number"])


def get_issue(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    ctx.engine.refresh(repo)
    return ctx.json(200, ctx.shapes.issue(repo, _issue(ctx, repo, params)))


def update_issue(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    ctx.engine.refresh(repo)
    pr = _issue(ctx, repo, params)
    data = ctx.body()
    if "title" in data:
        title = ctx.optional_str(data, "title", "Issue")
        if not title:
            raise validation_failed(FieldError("Issue", "missing_field", "title"))
        pr.title = title
    if "body" in data:
        pr.body = ctx.optional_str(data, "body", "Issue")
    if "labels" in data:
        pr.labels = [label.name for label in _labels_for(ctx, repo, data["labels"])]
    state = data.get("state")
    if state == "closed" and pr.state == "open":
        ctx.engine.close(repo, pr)
    elif state == "open" and pr.state == "closed" and not pr.merged:
        if repo.git.branch_sha(pr.head_ref) is None:
            raise validation_failed(FieldError("Issue", "custom", "state", "head branch deleted"))
        ctx.engine.reopen(pr)
        ctx.engine.refresh(repo)
    elif state not in (None, "open", "closed"):
        raise validation_failed(FieldError("Issue", "invalid", "state"))
    pr.updated_at = now_iso()
    return ctx.json(200, ctx.shapes.issue(repo, pr))


# -- comments -------------------------------------------------------------------------------------
def _comment_body(ctx: Context, data: dict[str, Any]) -> str:
    body = ctx.required_str(data, "body", "IssueComment")
    if len(body) > MAX_COMMENT:
        raise validation_failed(
            FieldError(
                "IssueComment", "custom", "body", "Body is too long (maximum is 65536 characters)"
            )
        )
    return body


def list_comments(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    pr = _issue(ctx, repo, params)
    comments = [c for c in repo.comments.values() if c.issue_number == pr.number]
    return ctx.page(comments, lambda c: ctx.shapes.comment(repo, c))


def create_comment(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    pr = _issue(ctx, repo, params)
    body = _comment_body(ctx, ctx.body())
    comment_id = ctx.store.next_id()
    stamp = now_iso()
    comment = CommentState(
        comment_id, node_id("IC", comment_id), pr.number, body, ctx.login, stamp, stamp
    )
    repo.comments[comment_id] = comment
    pr.updated_at = stamp
    return ctx.json(201, ctx.shapes.comment(repo, comment))


def _comment(repo: RepoState, params: Params) -> CommentState:
    try:
        comment = repo.comments.get(int(params["comment_id"]))
    except ValueError:
        comment = None
    if comment is None:
        raise not_found()
    return comment


def get_comment(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    return ctx.json(200, ctx.shapes.comment(repo, _comment(repo, params)))


def update_comment(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    comment = _comment(repo, params)
    comment.body = _comment_body(ctx, ctx.body())
    comment.updated_at = now_iso()
    return ctx.json(200, ctx.shapes.comment(repo, comment))


def delete_comment(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    comment_id = _comment(repo, params).id
    del repo.comments[comment_id]
    repo.reactions[:] = [r for r in repo.reactions if r.comment_id != comment_id]
    return no_content()


# -- reactions ------------------------------------------------------------------------------------
def list_comment_reactions(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    comment = _comment(repo, params)
    content = ctx.request.param("content")
    found = [
        r
        for r in repo.reactions
        if r.comment_id == comment.id and (content is None or r.content == content)
    ]
    return ctx.page(found, ctx.shapes.reaction)


def create_comment_reaction(ctx: Context, params: Params) -> Response:
    """201 with a new reaction; 200 with the existing one when this user already reacted so."""
    repo = ctx.repo(params)
    comment = _comment(repo, params)
    content = ctx.required_str(ctx.body(), "content", "Reaction")
    if content not in REACTIONS:
        raise validation_failed(FieldError("Reaction", "invalid", "content"))
    for reaction in repo.reactions:
        same = reaction.comment_id == comment.id and reaction.content == content
        if same and reaction.user.lower() == ctx.login.lower():
            return ctx.json(200, ctx.shapes.reaction(reaction))
    reaction_id = ctx.store.next_id()
    reaction = ReactionState(
        reaction_id, node_id("REA", reaction_id), comment.id, content, ctx.login, now_iso()
    )
    repo.reactions.append(reaction)
    return ctx.json(201, ctx.shapes.reaction(reaction))


# -- labels ---------------------------------------------------------------------------------------
def _ensure_label(
    ctx: Context,
    repo: RepoState,
    name: str,
    color: str = DEFAULT_COLOR,
    description: str | None = None,
) -> LabelState:
    found = repo.labels.get(name.lower())
    if found is None:
        label_id = ctx.store.next_id()
        found = LabelState(label_id, node_id("LA", label_id), name, color, description)
        repo.labels[name.lower()] = found
    return found


def _labels_for(ctx: Context, repo: RepoState, value: Any) -> list[LabelState]:
    """Labels named in a body: a list of names, `{"labels": [...]}`, or label objects."""
    if isinstance(value, dict):
        value = value.get("labels", [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise validation_failed(FieldError("Label", "invalid", "labels"))
    names: list[str] = []
    for item in value:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            raise validation_failed(FieldError("Label", "invalid", "name"))
        names.append(name.strip())
    return [_ensure_label(ctx, repo, name) for name in names]


def _render_labels(ctx: Context, repo: RepoState, pr: PullState) -> Response:
    return ctx.json(200, ctx.shapes.pull_labels(repo, pr))


def list_issue_labels(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    pr = _issue(ctx, repo, params)
    return ctx.page(ctx.shapes.pull_labels(repo, pr), lambda label: label)


def add_labels(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    pr = _issue(ctx, repo, params)
    present = {name.lower() for name in pr.labels}
    for label in _labels_for(ctx, repo, ctx.request.json()):
        if label.name.lower() not in present:
            pr.labels.append(label.name)
            present.add(label.name.lower())
    pr.updated_at = now_iso()
    return _render_labels(ctx, repo, pr)


def set_labels(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    pr = _issue(ctx, repo, params)
    labels = _labels_for(ctx, repo, ctx.request.json())
    pr.labels = list(dict.fromkeys(label.name for label in labels))
    pr.updated_at = now_iso()
    return _render_labels(ctx, repo, pr)


def remove_label(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    pr = _issue(ctx, repo, params)
    kept = [name for name in pr.labels if name.lower() != params["name"].lower()]
    if len(kept) == len(pr.labels):
        raise ApiError(404, "Label does not exist")
    pr.labels = kept
    pr.updated_at = now_iso()
    return _render_labels(ctx, repo, pr)


def remove_all_labels(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    pr = _issue(ctx, repo, params)
    pr.labels = []
    pr.updated_at = now_iso()
    return no_content()


def list_repo_labels(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    labels = sorted(repo.labels.values(), key=lambda label: label.name.lower())
    return ctx.page(labels, lambda label: ctx.shapes.label(repo, label))


def create_label(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    data = ctx.body()
    name = ctx.required_str(data, "name", "Label").strip()
    color = (ctx.optional_str(data, "color", "Label") or DEFAULT_COLOR).lstrip("#")
    if not _COLOR.fullmatch(color):
        raise validation_failed(FieldError("Label", "invalid", "color"))
    if not name or name.lower() in repo.labels:
        raise validation_failed(FieldError("Label", "already_exists", "name"))
    description = ctx.optional_str(data, "description", "Label")
    label = _ensure_label(ctx, repo, name, color.lower(), description)
    return ctx.json(201, ctx.shapes.label(repo, label))


def _repo_label(repo: RepoState, params: Params) -> LabelState:
    label = repo.labels.get(params["name"].lower())
    if label is None:
        raise not_found()
    return label


def get_label(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    return ctx.json(200, ctx.shapes.label(repo, _repo_label(repo, params)))


def delete_label(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    label = _repo_label(repo, params)
    del repo.labels[label.name.lower()]
    for pr in repo.pulls.values():
        pr.labels = [name for name in pr.labels if name.lower() != label.name.lower()]
    return no_content()


ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}", get_issue),
    ("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}", update_issue),
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments", list_comments),
    ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", create_comment),
    ("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}", get_comment),
    ("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}", update_comment),
    ("DELETE", "/repos/{owner}/{repo}/issues/comments/{comment_id}", delete_comment),
    (
        "GET",
        "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
        list_comment_reactions,
    ),
    (
        "POST",
        "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
        create_comment_reaction,
    ),
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}/labels", list_issue_labels),
    ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels", add_labels),
    ("PUT", "/repos/{owner}/{repo}/issues/{issue_number}/labels", set_labels),
    ("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels", remove_all_labels),
    # Label names often contain "/" (`env/prod`), which clients such as PyGithub leave unescaped.
    ("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name:path}", remove_label),
    ("GET", "/repos/{owner}/{repo}/labels", list_repo_labels),
    ("POST", "/repos/{owner}/{repo}/labels", create_label),
    ("GET", "/repos/{owner}/{repo}/labels/{name:path}", get_label),
    ("DELETE", "/repos/{owner}/{repo}/labels/{name:path}", delete_label),
)


def register(router: Router[Handler]) -> None:
    for method, template, handler in ROUTES:
        router.add(method, template, handler)
