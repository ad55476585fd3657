"""Git references, branches and commits, read from and written to the bare repository."""

from __future__ import annotations

from gitops_release.testing.context import Context, Handler, Params
from gitops_release.testing.gitrepo import RefInfo
from gitops_release.testing.pagination import link_header, page_request, paginate
from gitops_release.testing.routing import Router
from gitops_release.testing.store import RepoState
from gitops_release.testing.wire import (
    ApiError,
    Response,
    json_response,
    no_content,
    not_found,
)


def _ref_info(repo: RepoState, name: str) -> RefInfo | None:
    return repo.git.refs(name).get(name)


def get_ref(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    info = _ref_info(repo, f"refs/{params['ref']}")
    if info is None:
        raise not_found()
    return ctx.json(200, ctx.shapes.git_ref(repo, info))


def matching_refs(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    prefix = f"refs/{params['ref']}"
    refs = [info for name, info in sorted(repo.git.refs().items()) if name.startswith(prefix)]
    return ctx.page(refs, lambda info: ctx.shapes.git_ref(repo, info))


def create_ref(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    data = ctx.body()
    ref = ctx.required_str(data, "ref", "Reference")
    sha = ctx.required_str(data, "sha", "Reference")
    if not ref.startswith("refs/") or ref.count("/") < 2:
        raise ApiError(422, "Reference name must start with 'refs/' and have at least two slashes.")
    if _ref_info(repo, ref) is not None:
        raise ApiError(422, "Reference already exists")
    if repo.git.object_type(sha) is None:
        raise ApiError(422, "Object does not exist")
    if not repo.git.update_ref(ref, sha, "0" * 40):
        raise ApiError(422, "Reference already exists")
    info = _ref_info(repo, ref)
    if info is None:  # deleted by a concurrent push
        raise not_found()
    return ctx.json(201, ctx.shapes.git_ref(repo, info))


def update_ref(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    data = ctx.body()
    sha = ctx.required_str(data, "sha", "Reference")
    ref = f"refs/{params['ref']}"
    current = _ref_info(repo, ref)
    if current is None:
        raise ApiError(422, "Reference does not exist")
    if repo.git.object_type(sha) is None:
        raise ApiError(422, "Object does not exist")
    fast_forward = repo.git.is_ancestor(current.commit, sha)
    if not fast_forward and not data.get("force", False):
        raise ApiError(422, "Update is not a fast forward")
    if not repo.git.update_ref(ref, sha, current.sha):
        raise ApiError(409, "Reference update failed: the reference moved, try again")
    info = _ref_info(repo, ref)
    if info is None:
        raise not_found()
    return ctx.json(200, ctx.shapes.git_ref(repo, info))


def delete_ref(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params, write=True)
    ref = f"refs/{params['ref']}"
    if _ref_info(repo, ref) is None or not repo.git.delete_ref(ref):
        raise ApiError(422, "Reference does not exist")
    ctx.engine.refresh(repo)  # GitHub closes pull requests whose head branch is gone
    return no_content()


def list_branches(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    api = ctx.urls.repo_api(repo.full_name)
    branches = sorted(repo.git.refs("refs/heads/").values(), key=lambda info: info.name)

    def render(info: RefInfo) -> dict[str, object]:
        return {
            "name": info.name.removeprefix("refs/heads/"),
            "commit": {"sha": info.commit, "url": f"{api}/commits/{info.commit}"},
            "protected": False,
        }

    return ctx.page(branches, render)


def get_branch(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    sha = repo.git.branch_sha(params["branch"])
    if sha is None:
        raise ApiError(404, "Branch not found")
    return ctx.json(200, ctx.shapes.branch(repo, params["branch"], repo.git.commit(sha)))


def get_commit(ctx: Context, params: Params) -> Response:
    repo = ctx.repo(params)
    sha = repo.git.resolve(params["ref"])
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {params['ref']}")
    info = repo.git.commit(sha)
    parent = info.parents[0] if info.parents else None
    files = repo.git.changes(parent or _empty_tree(repo), sha)
    return ctx.json(200, ctx.shapes.commit(repo, info, files))


def compare(ctx: Context, params: Params) -> Response:
    """`base...head`: the commits of head that base has not (oldest first, paginated), how far
    each is ahead and behind, and the files changed from their merge base to head."""
    repo = ctx.repo(params)
    basehead = params["basehead"]
    base_text, sep, head_text = basehead.partition("...")
    if not sep:
        raise not_found()
    base, head = repo.git.resolve(base_text), repo.git.resolve(head_text)
    if base is None or head is None:
        raise not_found()
    merge_base = repo.git.merge_base(base, head)
    if merge_base is None:
        raise ApiError(404, f"No common ancestor between {base_text} and {head_text}.")
    ahead, behind = repo.git.rev_list(base, head), repo.git.rev_list(head, base)
    status = ("diverged" if behind else "ahead") if ahead else ("behind" if behind else "identical")
    page_no, per_page = page_request(ctx.request.query)
    page = paginate(ahead, page=page_no, per_page=per_page)
    commits = repo.git.commits(list(page.items))
    web = f"{ctx.urls.web}/{repo.full_name}"
    owner = repo.owner
    payload = {
        "url": f"{ctx.urls.repo_api(repo.full_name)}/compare/{basehead}",
        "html_url": f"{web}/compare/{basehead}",
        "permalink_url": f"{web}/compare/{owner}:{base}...{owner}:{head}",
        "diff_url": f"{web}/compare/{basehead}.diff",
        "patch_url": f"{web}/compare/{basehead}.patch",
        "base_commit": ctx.shapes.commit(repo, repo.git.commit(base)),
        "merge_base_commit": ctx.shapes.commit(repo, repo.git.commit(merge_base)),
        "status": status,
        "ahead_by": len(ahead),
        "behind_by": len(behind),
        "total_commits": len(ahead),
        "commits": [ctx.shapes.commit(repo, info) for info in commits],
    }
    if page_no == 1:  # GitHub lists the files with the first page only
        files = repo.git.changes(merge_base, head)
        payload["files"] = [ctx.shapes.diff_entry(repo, f, head) for f in files]
    link = link_header(ctx.urls.api + ctx.request.path, ctx.request.query, page)
    return json_response(200, payload, [("Link", link)] if link else [])


def _empty_tree(repo: RepoState) -> str:
    return repo.git.git("hash-object", "-t", "tree", "--stdin", input=b"").out.strip()


ROUTES: tuple[tuple[str, str, Handler], ...] = (
    ("GET", "/repos/{owner}/{repo}/git/ref/{ref:path}", get_ref),
    ("GET", "/repos/{owner}/{repo}/git/matching-refs/{ref:path}", matching_refs),
    ("POST", "/repos/{owner}/{repo}/git/refs", create_ref),
    ("PATCH", "/repos/{owner}/{repo}/git/refs/{ref:path}", update_ref),
    ("DELETE", "/repos/{owner}/{repo}/git/refs/{ref:path}", delete_ref),
    ("GET", "/repos/{owner}/{repo}/branches", list_branches),
    ("GET", "/repos/{owner}/{repo}/branches/{branch:path}", get_branch),
    ("GET", "/repos/{owner}/{repo}/commits/{ref:path}", get_commit),
    ("GET", "/repos/{owner}/{repo}/compare/{basehead:path}", compare),
)


def register(router: Router[Handler]) -> None:
    for method, template, handler in ROUTES:
        router.add(method, template, handler)
