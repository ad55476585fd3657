"""The `Forge` implementation on PyGithub, with retries and errors written for people."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar
from urllib.parse import quote

from github import Auth, Github, GithubException, GithubRetry
from github.PullRequest import PullRequest as GhPull

from gitops_release import proc
from gitops_release.errors import GitHubError
from gitops_release.github.forge import (
    AppCommit,
    AppPull,
    Comment,
    Comparison,
    Deployment,
    PullRequest,
    Role,
    effective_role,
)

P = ParamSpec("P")
COMPARE_PAGES = 3  # commits of a comparison read at most: 3 pages of 100
R = TypeVar("R")

PERMISSIONS_HINT = (
    "give the token access to {repo} with 'contents: write' and 'pull-requests: write' "
    "(fine-grained PAT or GitHub App installation token); a workflow's own GITHUB_TOKEN cannot "
    "write to another repository"
)


@dataclass(frozen=True)
class RetrySettings:
    """How the client retries 5xx, 429 and secondary rate limits (honouring Retry-After).

    `attempts` retries at most, waiting `backoff_factor * 2**n` seconds (at most `backoff_max`)
    between them; a rate limit is waited out for at most `total_wait` seconds (a secondary one
    for at most a minute).
    """

    attempts: int = 6
    backoff_factor: float = 0.5
    backoff_max: float = 10
    total_wait: float = 60.0

    def policy(self) -> GithubRetry:
        return GithubRetry(
            total=self.attempts,
            backoff_factor=self.backoff_factor,
            backoff_max=self.backoff_max,
            secondary_rate_wait=min(60.0, self.total_wait),
            max_rate_limit_wait=self.total_wait,
            status_forcelist=[429, *range(500, 600)],
            allowed_methods={"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"},
            respect_retry_after_header=True,
        )


def connect(
    api_url: str,
    token: str,
    repo: str,
    *,
    retry: RetrySettings = RetrySettings(),
    timeout: float = 30.0,
) -> GitHubForge:
    proc.register_secret(token)
    client = Github(
        base_url=api_url.rstrip("/"),
        auth=Auth.Token(token),
        retry=retry.policy(),
        timeout=int(timeout),
        per_page=100,
    )
    return GitHubForge(client, repo)


def _errors(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Map PyGithub failures to GitHubError with what happened and what to do."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            self = args[0]
            assert isinstance(self, GitHubForge)
            try:
                return fn(*args, **kwargs)
            except GithubException as exc:
                raise describe(exc, action=action, repo=self.full_name) from None
            except OSError as exc:
                raise GitHubError(
                    f"cannot reach the GitHub API to {action}: {exc}",
                    hint="check --api-url / GITHUB_API_URL and the network",
                ) from None

        return wrapper

    return decorate


def describe(exc: GithubException, *, action: str, repo: str) -> GitHubError:
    data: Any = exc.data if isinstance(exc.data, dict) else {}
    message = str(data.get("message") or exc.message or "")
    details = "; ".join(
        str(e.get("message") or e.get("code") or e) for e in data.get("errors", []) if e
    )
    text = proc.mask(f"{message}{': ' + details if details else ''}")
    status = exc.status
    if status == 401:
        return GitHubError(
            f"GitHub rejected the token while trying to {action} (401 {text or 'Bad credentials'})",
            hint="the token is wrong, expired or revoked: update the secret passed to "
            "gitops-release (--token-env names the variable that holds it)",
        )
    if status == 403 and "rate limit" not in text.lower():
        return GitHubError(
            f"the token may not {action} in {repo} (403 {text})",
            hint=PERMISSIONS_HINT.format(repo=repo),
        )
    if status == 404:
        return GitHubError(
            f"cannot {action}: {repo} was not found or is not visible to this token (404)",
            hint="check the repository name, and " + PERMISSIONS_HINT.format(repo=repo),
        )
    return GitHubError(f"GitHub refused to {action} in {repo} ({status} {text})")


def _pull(pr: GhPull) -> PullRequest:
    return PullRequest(
        number=pr.number,
        url=pr.html_url,
        title=pr.title or "",
        body=pr.body or "",
        head=pr.head.ref,
        base=pr.base.ref,
        head_sha=pr.head.sha,
        state=pr.state,
        draft=bool(pr.draft),
        merged=bool(pr.merged),
        labels=tuple(label.name for label in pr.labels),
        merge_commit_sha=pr.merge_commit_sha,
        head_repo=None if pr.head.repo is None else pr.head.repo.full_name,
        base_repo=None if pr.base.repo is None else pr.base.repo.full_name,
    )


def server_of(api_url: str) -> str:
    """The web server of a REST API URL (api.github.com → github.com; GHES's /api/v3 dropped)."""
    base = api_url.rstrip("/")
    if base == "https://api.github.com":
        return "https://github.com"
    return base.removesuffix("/api/v3")


def _app_commit(data: dict[str, Any]) -> AppCommit:
    commit = data.get("commit") or {}
    account = data.get("author") or {}
    person = commit.get("author") or {}
    return AppCommit(
        sha=str(data.get("sha")),
        parents=tuple(str(p.get("sha")) for p in data.get("parents") or ()),
        subject=str(commit.get("message") or "").split("\n", 1)[0],
        author=str(account.get("login") or person.get("name") or "unknown"),
        url=str(data.get("html_url") or ""),
    )


def _app_pull(data: dict[str, Any]) -> AppPull:
    user = data.get("user") or {}
    return AppPull(
        number=int(data["number"]),
        title=str(data.get("title") or ""),
        author=str(user.get("login") or "unknown"),
        url=str(data.get("html_url") or ""),
    )


class GitHubForge:
    def __init__(self, client: Github, full_name: str) -> None:
        self._client = client
        self.full_name = full_name
        self._repo_obj: Any = None

    @property
    def _repo(self) -> Any:
        if self._repo_obj is None:
            self._repo_obj = self._client.get_repo(self.full_name)
        return self._repo_obj

    @_errors("read the repository")
    def check_write_access(self) -> str:
        repo = self._repo
        permissions = repo.permissions
        if permissions is not None and not (permissions.push or permissions.admin):
            raise GitHubError(
                f"the token can read {self.full_name} but not push to it",
                hint=PERMISSIONS_HINT.format(repo=self.full_name),
            )
        return str(repo.default_branch)

    @_errors("list pull requests")
    def find_open_pull(self, head: str, base: str | None = None) -> PullRequest | None:
        owner = self.full_name.split("/")[0]
        kwargs: dict[str, Any] = {"state": "open", "head": f"{owner}:{head}"}
        if base:
            kwargs["base"] = base
        for pr in self._repo.get_pulls(**kwargs):
            if pr.head.ref == head:
                return _pull(pr)
        return None

    @_errors("read the pull request")
    def get_pull(self, number: int) -> PullRequest:
        repo = self._repo  # a 404 here is the repository's (see describe)
        try:
            return _pull(repo.get_pull(number))
        except GithubException as exc:
            if exc.status != 404:
                raise
        raise GitHubError(
            f"{self.full_name} has no pull request #{number}",
            hint="check the number (--pr), or that the pull request is in this repository "
            "(--manifest-repo)",
        )

    @_errors("open a pull request")
    def create_pull(
        self, *, head: str, base: str, title: str, body: str, draft: bool = False
    ) -> PullRequest:
        return _pull(
            self._repo.create_pull(base=base, head=head, title=title, body=body, draft=draft)
        )

    @_errors("update the pull request")
    def update_pull(self, number: int, *, title: str, body: str) -> PullRequest:
        pr = self._repo.get_pull(number)
        if pr.title != title or (pr.body or "") != body:
            pr.edit(title=title, body=body)
            pr = self._repo.get_pull(number)
        return _pull(pr)

    @_errors("label the pull request")
    def add_labels(self, number: int, labels: Sequence[str]) -> None:
        if labels:
            self._repo.get_issue(number).add_to_labels(*labels)

    def request_reviewers(self, number: int, reviewers: Sequence[str]) -> list[str]:
        # One request per reviewer: GitHub refuses the whole list if one login is unknown.
        warnings = []
        for reviewer in reviewers:
            try:
                self._repo.get_pull(number).create_review_request(reviewers=[reviewer])
            except GithubException as exc:
                err = describe(exc, action="request a review", repo=self.full_name)
                warnings.append(f"could not request a review from {reviewer}: {err.message}")
        return warnings

    @_errors("enable auto-merge")
    def enable_auto_merge(self, number: int, method: str = "SQUASH") -> None:
        self._repo.get_pull(number).enable_automerge(merge_method=method)

    @_errors("merge the pull request")
    def merge_pull(self, number: int, method: str = "merge") -> str:
        status = self._repo.get_pull(number).merge(merge_method=method)
        return str(status.sha)

    @_errors("find the pull requests of a commit")
    def pulls_for_commit(self, sha: str) -> list[PullRequest]:
        return [_pull(pr) for pr in self._repo.get_commit(sha).get_pulls()]

    def compare(self, repo: str, base: str, head: str) -> Comparison:
        requester = self._client.requester
        path = f"/repos/{repo}/compare/{quote(base, safe='')}...{quote(head, safe='')}"
        web = f"{server_of(requester.base_url)}/{repo}/compare/{base}...{head}"
        commits: list[AppCommit] = []
        data: dict[str, Any] = {}
        try:
            for page in range(1, COMPARE_PAGES + 1):
                _, data = requester.requestJsonAndCheck(
                    "GET", path, parameters={"per_page": 100, "page": page}
                )
                listed = data.get("commits") or []
                commits += [_app_commit(c) for c in listed]
                if len(listed) < 100 or len(commits) >= int(data.get("total_commits") or 0):
                    break
        except GithubException as exc:
            problem = describe(exc, action=f"compare {base[:7]}...{head[:7]}", repo=repo)
            return Comparison(repo, base, head, web, problem=problem.message)
        except OSError as exc:
            return Comparison(repo, base, head, web, problem=f"cannot reach the GitHub API: {exc}")
        return Comparison(
            repo=repo,
            base=base,
            head=head,
            html_url=str(data.get("html_url") or web),
            status=str(data.get("status") or ""),
            ahead_by=int(data.get("ahead_by") or 0),
            behind_by=int(data.get("behind_by") or 0),
            total_commits=int(data.get("total_commits") or 0),
            commits=tuple(commits),
        )

    def merged_pull(self, repo: str, sha: str) -> AppPull | None:
        try:
            _, data = self._client.requester.requestJsonAndCheck(
                "GET", f"/repos/{repo}/commits/{quote(sha, safe='')}/pulls"
            )
        except (GithubException, OSError):
            return None  # the notes then list the commit itself
        for pull in data if isinstance(data, list) else []:
            if pull.get("merged_at") and pull.get("merge_commit_sha") == sha:
                return _app_pull(pull)
        for pull in data if isinstance(data, list) else []:
            if pull.get("merged_at"):
                return _app_pull(pull)
        return None

    @_errors("list comments")
    def list_comments(self, number: int) -> list[Comment]:
        return [
            Comment(c.id, c.body or "", c.html_url)
            for c in self._repo.get_issue(number).get_comments()
        ]

    @_errors("comment on the pull request")
    def create_comment(self, number: int, body: str) -> Comment:
        c = self._repo.get_issue(number).create_comment(body)
        return Comment(c.id, c.body or "", c.html_url)

    @_errors("update the comment")
    def update_comment(self, number: int, comment_id: int, body: str) -> Comment:
        c = self._repo.get_issue(number).get_comment(comment_id)
        c.edit(body)
        return Comment(c.id, body, c.html_url)

    @_errors("set a commit status")
    def set_status(
        self, sha: str, *, state: str, context: str, description: str, target_url: str | None
    ) -> None:
        kwargs: dict[str, Any] = {
            "state": state,
            "context": context,
            "description": description[:140],
        }
        if target_url:
            kwargs["target_url"] = target_url
        self._repo.get_commit(sha).create_status(**kwargs)

    @_errors("read a collaborator's permission")
    def role_of(self, login: str) -> Role:
        # One request for both fields (PyGithub reads each with its own request).
        url = f"{self._repo.url}/collaborators/{quote(login, safe='')}/permission"
        try:
            _, data = self._client.requester.requestJsonAndCheck("GET", url)
        except GithubException as exc:
            if exc.status == 404:  # not a user GitHub knows: no role at all
                return "none"
            raise
        return effective_role(str(data.get("permission") or ""), data.get("role_name"))

    @_errors("react to the comment")
    def react_to_comment(self, comment_id: int, content: str) -> None:
        url = f"{self._repo.url}/issues/comments/{comment_id}/reactions"
        self._client.requester.requestJsonAndCheck("POST", url, input={"content": content})

    @_errors("create a deployment")
    def create_deployment(
        self, *, ref: str, environment: str, description: str, transient: bool
    ) -> Deployment:
        made = self._repo.create_deployment(
            ref=ref,
            environment=environment,
            description=description[:140],
            auto_merge=False,
            required_contexts=[],
            transient_environment=transient,
        )
        return Deployment(made.id, made.sha, made.environment, made.url)

    @_errors("set a deployment status")
    def set_deployment_status(
        self,
        deployment_id: int,
        *,
        state: str,
        description: str,
        environment_url: str | None = None,
        log_url: str | None = None,
    ) -> None:
        body: dict[str, Any] = {"state": state, "description": description[:140]}
        if environment_url:
            body["environment_url"] = environment_url
        if log_url:
            body["log_url"] = log_url
        url = f"{self._repo.url}/deployments/{deployment_id}/statuses"
        self._client.requester.requestJsonAndCheck("POST", url, input=body)

    @_errors("list deployments")
    def list_deployments(self, *, environment: str) -> list[Deployment]:
        url = f"{self._repo.url}/deployments"
        params = {"environment": environment, "per_page": 30}
        _, data = self._client.requester.requestJsonAndCheck("GET", url, parameters=params)
        return [
            Deployment(int(d["id"]), str(d["sha"]), str(d["environment"]), str(d["url"]))
            for d in data or []
        ]

    @_errors("read a deployment status")
    def deployment_state(self, deployment_id: int) -> str | None:
        url = f"{self._repo.url}/deployments/{deployment_id}/statuses"
        _, data = self._client.requester.requestJsonAndCheck("GET", url, parameters={"per_page": 1})
        return str(data[0]["state"]) if data else None
