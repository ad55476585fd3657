"""JSON representations in the shapes of GitHub's OpenAPI description.

Every object carries the fields the description marks required (clients such as PyGithub read
them without checking), with URLs that point back at the emulator so that following `url`,
`html_url` or `clone_url` stays on loopback.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from gitops_release.testing.auth import Credentials
from gitops_release.testing.gitrepo import ChangedFile, CommitInfo, Person, RefInfo
from gitops_release.testing.store import (
    CheckRunState,
    CommentState,
    LabelState,
    PullState,
    RepoState,
    StatusState,
    Store,
    node_id,
)

Json = dict[str, Any]
APP_ID = 15368  # the id GitHub Actions' app has on github.com


@dataclass(frozen=True)
class Urls:
    """Where the emulator is reachable; REST, web pages and git share one origin."""

    base: str

    @property
    def api(self) -> str:
        return self.base

    @property
    def web(self) -> str:
        return self.base

    @property
    def git(self) -> str:
        return self.base

    @property
    def host(self) -> str:
        return urlsplit(self.base).netloc

    def repo_api(self, full_name: str) -> str:
        return f"{self.api}/repos/{full_name}"


@dataclass(frozen=True)
class PullFacts:
    """What GitHub computes about an open pull request (mergeability and diff size)."""

    mergeable: bool | None
    mergeable_state: str
    commits: int
    additions: int
    deletions: int
    changed_files: int


class Shapes:
    """Store state as the JSON objects GitHub returns, one method per kind of object."""

    def __init__(self, urls: Urls, store: Store, credentials: Credentials) -> None:
        self.urls = urls
        self.store = store
        self.credentials = credentials

    # -- users ----------------------------------------------------------------------------------
    def user(self, login: str) -> Json:
        state = self.store.user(login)
        api = f"{self.urls.api}/users/{state.login}"
        return {
            "login": state.login,
            "id": state.id,
            "node_id": state.node_id,
            "avatar_url": f"{self.urls.web}/avatars/u/{state.id}",
            "gravatar_id": "",
            "url": api,
            "html_url": f"{self.urls.web}/{state.login}",
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": state.type,
            "site_admin": False,
            "user_view_type": "public",
        }

    def user_profile(self, login: str, *, private: bool) -> Json:
        """`GET /user` (private view) and `GET /users/{username}` (public view)."""
        state = self.store.user(login)
        owned = [r for r in self.store.repos.values() if r.owner.lower() == login.lower()]
        profile = {
            **self.user(login),
            "name": state.login,
            "company": None,
            "blog": "",
            "location": None,
            "email": None,
            "hireable": None,
            "bio": None,
            "twitter_username": None,
            "public_repos": sum(1 for r in owned if not r.private),
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "created_at": state.created_at,
            "updated_at": state.created_at,
        }
        if not private:
            return profile
        return {
            **profile,
            "user_view_type": "private",
            "notification_email": None,
            "private_gists": 0,
            "total_private_repos": sum(1 for r in owned if r.private),
            "owned_private_repos": sum(1 for r in owned if r.private),
            "disk_usage": 0,
            "collaborators": 0,
            "two_factor_authentication": True,
        }

    def organization(self, login: str) -> Json:
        state = self.store.user(login, kind="Organization")
        api = f"{self.urls.api}/orgs/{state.login}"
        return {
            "login": state.login,
            "id": state.id,
            "node_id": state.node_id,
            "url": api,
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events",
            "hooks_url": f"{api}/hooks",
            "issues_url": f"{api}/issues",
            "members_url": f"{api}/members{{/member}}",
            "public_members_url": f"{api}/public_members{{/member}}",
            "avatar_url": f"{self.urls.web}/avatars/u/{state.id}",
            "description": None,
            "html_url": f"{self.urls.web}/{state.login}",
            "has_organization_projects": True,
            "has_repository_projects": True,
            "public_repos": sum(
                1
                for r in self.store.repos.values()
                if r.owner.lower() == login.lower() and not r.private
            ),
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "type": "Organization",
            "created_at": state.created_at,
            "updated_at": state.created_at,
            "archived_at": None,
        }

    def actor(self, login: str) -> Json:
        """A GraphQL `Actor` with the fields PyGithub asks for."""
        state = self.store.user(login)
        return {
            "avatarUrl": f"{self.urls.web}/avatars/u/{state.id}",
            "login": state.login,
            "resourcePath": f"/{state.login}",
            "url": f"{self.urls.web}/{state.login}",
        }

    # -- repositories ---------------------------------------------------------------------------
    def repo(self, repo: RepoState, viewer: str | None = None) -> Json:
        """A `full-repository`; it is also a valid `repository` and `minimal-repository`."""
        full = repo.full_name
        api = self.urls.repo_api(full)
        html = f"{self.urls.web}/{full}"
        open_pulls = sum(1 for pr in repo.pulls.values() if pr.state == "open")
        data: Json = {
            "id": repo.id,
            "node_id": repo.node_id,
            "name": repo.name,
            "full_name": full,
            "owner": self.user(repo.owner),
            "private": repo.private,
            "visibility": "private" if repo.private else "public",
            "html_url": html,
            "description": repo.description,
            "fork": False,
            "url": api,
            "archive_url": f"{api}/{{archive_format}}{{/ref}}",
            "assignees_url": f"{api}/assignees{{/user}}",
            "blobs_url": f"{api}/git/blobs{{/sha}}",
            "branches_url": f"{api}/branches{{/branch}}",
            "collaborators_url": f"{api}/collaborators{{/collaborator}}",
            "comments_url": f"{api}/comments{{/number}}",
            "commits_url": f"{api}/commits{{/sha}}",
            "compare_url": f"{api}/compare/{{base}}...{{head}}",
            "contents_url": f"{api}/contents/{{+path}}",
            "contributors_url": f"{api}/contributors",
            "deployments_url": f"{api}/deployments",
            "downloads_url": f"{api}/downloads",
            "events_url": f"{api}/events",
            "forks_url": f"{api}/forks",
            "git_commits_url": f"{api}/git/commits{{/sha}}",
            "git_refs_url": f"{api}/git/refs{{/sha}}",
            "git_tags_url": f"{api}/git/tags{{/sha}}",
            "git_url": f"git://{self.urls.host}/{full}.git",
            "hooks_url": f"{api}/hooks",
            "issue_comment_url": f"{api}/issues/comments{{/number}}",
            "issue_events_url": f"{api}/issues/events{{/number}}",
            "issues_url": f"{api}/issues{{/number}}",
            "keys_url": f"{api}/keys{{/key_id}}",
            "labels_url": f"{api}/labels{{/name}}",
            "languages_url": f"{api}/languages",
            "merges_url": f"{api}/merges",
            "milestones_url": f"{api}/milestones{{/number}}",
            "notifications_url": f"{api}/notifications{{?since,all,participating}}",
            "pulls_url": f"{api}/pulls{{/number}}",
            "releases_url": f"{api}/releases{{/id}}",
            "ssh_url": f"git@{self.urls.host}:{full}.git",
            "stargazers_url": f"{api}/stargazers",
            "statuses_url": f"{api}/statuses/{{sha}}",
            "subscribers_url": f"{api}/subscribers",
            "subscription_url": f"{api}/subscription",
            "tags_url": f"{api}/tags",
            "teams_url": f"{api}/teams",
            "trees_url": f"{api}/git/trees{{/sha}}",
            "clone_url": f"{self.urls.git}/{full}.git",
            "mirror_url": None,
            "svn_url": html,
            "homepage": None,
            "language": None,
            "forks": 0,
            "forks_count": 0,
            "stargazers_count": 0,
            "watchers": 0,
            "watchers_count": 0,
            "size": 0,
            "default_branch": repo.default_branch,
            "open_issues": open_pulls,
            "open_issues_count": open_pulls,
            "is_template": False,
            "topics": [],
            "has_issues": True,
            "has_projects": True,
            "has_wiki": True,
            "has_pages": False,
            "has_downloads": True,
            "has_discussions": False,
            "archived": False,
            "disabled": False,
            "pushed_at": repo.pushed_at,
            "created_at": repo.created_at,
            "updated_at": repo.updated_at,
            "allow_merge_commit": True,
            "allow_squash_merge": True,
            "allow_rebase_merge": True,
            "allow_auto_merge": True,
            "delete_branch_on_merge": False,
            "web_commit_signoff_required": False,
            "license": None,
            "network_count": 0,
            "subscribers_count": 0,
        }
        if viewer is not None:
            level = self.credentials.permission(viewer, full)
            data["permissions"] = {
                "admin": level == "admin",
                "maintain": level == "admin",
                "push": level in ("admin", "write"),
                "triage": level in ("admin", "write"),
                "pull": level != "none",
            }
        return data

    # -- git data -------------------------------------------------------------------------------
    def git_ref(self, repo: RepoState, ref: RefInfo) -> Json:
        api = self.urls.repo_api(repo.full_name)
        kind = "tags" if ref.type == "tag" else "commits"
        return {
            "ref": ref.name,
            "node_id": node_id("REF", zlib.crc32(f"{repo.id}:{ref.name}".encode())),
            "url": f"{api}/git/{quote(ref.name)}",
            "object": {"type": ref.type, "sha": ref.sha, "url": f"{api}/git/{kind}/{ref.sha}"},
        }

    def _login_for(self, person: Person) -> str | None:
        """The known user a commit's email belongs to (`ID+login@users.noreply...`)."""
        local, _, domain = person.email.partition("@")
        if domain != "users.noreply.github.com":
            return None
        login = local.partition("+")[2] or local
        return login if self.store.find_user(login) is not None else None

    def commit(
        self, repo: RepoState, info: CommitInfo, files: list[ChangedFile] | None = None
    ) -> Json:
        api = self.urls.repo_api(repo.full_name)
        html = f"{self.urls.web}/{repo.full_name}"

        def person(value: Person) -> Json:
            return {"name": value.name, "email": value.email, "date": value.date}

        def account(value: Person) -> Json | None:
            login = self._login_for(value)
            return None if login is None else self.user(login)

        data: Json = {
            "url": f"{api}/commits/{info.sha}",
            "sha": info.sha,
            "node_id": node_id("C", int(info.sha[:12], 16)),
            "html_url": f"{html}/commit/{info.sha}",
            "comments_url": f"{api}/commits/{info.sha}/comments",
            "commit": {
                "url": f"{api}/git/commits/{info.sha}",
                "author": person(info.author),
                "committer": person(info.committer),
                "message": info.message,
                "tree": {"sha": info.tree, "url": f"{api}/git/trees/{info.tree}"},
                "comment_count": 0,
                "verification": {
                    "verified": False,
                    "reason": "unsigned",
                    "signature": None,
                    "payload": None,
                    "verified_at": None,
                },
            },
            "author": account(info.author),
            "committer": account(info.committer),
            "parents": [
                {"sha": sha, "url": f"{api}/commits/{sha}", "html_url": f"{html}/commit/{sha}"}
                for sha in info.parents
            ],
        }
        if files is not None:
            additions = sum(f.additions for f in files)
            deletions = sum(f.deletions for f in files)
            data["stats"] = {
                "additions": additions,
                "deletions": deletions,
                "total": additions + deletions,
            }
            data["files"] = [self.diff_entry(repo, f, info.sha) for f in files]
        return data

    def diff_entry(self, repo: RepoState, change: ChangedFile, sha: str) -> Json:
        api = self.urls.repo_api(repo.full_name)
        html = f"{self.urls.web}/{repo.full_name}"
        path = quote(change.filename)
        entry: Json = {
            "sha": change.sha,
            "filename": change.filename,
            "status": change.status,
            "additions": change.additions,
            "deletions": change.deletions,
            "changes": change.additions + change.deletions,
            "blob_url": f"{html}/blob/{sha}/{path}",
            "raw_url": f"{html}/raw/{sha}/{path}",
            "contents_url": f"{api}/contents/{path}?ref={sha}",
        }
        if change.patch is not None:
            entry["patch"] = change.patch
        if change.previous_filename is not None:
            entry["previous_filename"] = change.previous_filename
        return entry

    def branch(self, repo: RepoState, name: str, info: CommitInfo) -> Json:
        api = self.urls.repo_api(repo.full_name)
        return {
            "name": name,
            "commit": self.commit(repo, info),
            "_links": {
                "self": f"{api}/branches/{quote(name)}",
                "html": f"{self.urls.web}/{repo.full_name}/tree/{quote(name)}",
            },
            "protected": False,
            "protection": {
                "enabled": False,
                "required_status_checks": {
                    "enforcement_level": "off",
                    "contexts": [],
                    "checks": [],
                },
            },
            "protection_url": f"{api}/branches/{quote(name)}/protection",
        }

    # -- issues, labels and comments ------------------------------------------------------------
    def label(self, repo: RepoState, label: LabelState) -> Json:
        api = self.urls.repo_api(repo.full_name)
        return {
            "id": label.id,
            "node_id": label.node_id,
            "url": f"{api}/labels/{quote(label.name, safe='')}",
            "name": label.name,
            "color": label.color,
            "default": False,
            "description": label.description,
        }

    def pull_labels(self, repo: RepoState, pr: PullState) -> list[Json]:
        return [self.label(repo, repo.labels[name.lower()]) for name in pr.labels]

    def comment(self, repo: RepoState, comment: CommentState) -> Json:
        api = self.urls.repo_api(repo.full_name)
        html = f"{self.urls.web}/{repo.full_name}/pull/{comment.issue_number}"
        return {
            "id": comment.id,
            "node_id": comment.node_id,
            "url": f"{api}/issues/comments/{comment.id}",
            "html_url": f"{html}#issuecomment-{comment.id}",
            "issue_url": f"{api}/issues/{comment.issue_number}",
            "body": comment.body,
            "user": self.user(comment.author),
            "created_at": comment.created_at,
            "updated_at": comment.updated_at,
            "author_association": self.association(repo, comment.author),
        }

    def association(self, repo: RepoState, login: str) -> str:
        if login.lower() == repo.owner.lower():
            return "OWNER"
        if self.credentials.permission(login, repo.full_name) in ("admin", "write"):
            return "COLLABORATOR"
        return "NONE"

    def issue(self, repo: RepoState, pr: PullState) -> Json:
        """A pull request seen through the issues API (`GET /repos/{o}/{r}/issues/{n}`)."""
        api = self.urls.repo_api(repo.full_name)
        url = f"{api}/issues/{pr.number}"
        html = f"{self.urls.web}/{repo.full_name}/pull/{pr.number}"
        return {
            "id": pr.id,
            "node_id": pr.node_id,
            "url": url,
            "repository_url": api,
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "timeline_url": f"{url}/timeline",
            "html_url": html,
            "number": pr.number,
            "state": pr.state,
            "state_reason": None,
            "title": pr.title,
            "body": pr.body,
            "user": self.user(pr.author),
            "labels": self.pull_labels(repo, pr),
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": False,
            "active_lock_reason": None,
            "comments": sum(1 for c in repo.comments.values() if c.issue_number == pr.number),
            "pull_request": {
                "url": f"{api}/pulls/{pr.number}",
                "html_url": html,
                "diff_url": f"{html}.diff",
                "patch_url": f"{html}.patch",
                "merged_at": pr.merged_at,
            },
            "closed_at": pr.closed_at,
            "created_at": pr.created_at,
            "updated_at": pr.updated_at,
            "draft": pr.draft,
            "author_association": self.association(repo, pr.author),
        }

    # -- pull requests --------------------------------------------------------------------------
    def _side(self, repo: RepoState, ref: str, sha: str) -> Json:
        return {
            "label": f"{repo.owner}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": self.user(repo.owner),
            "repo": self.repo(repo),
        }

    def pull(self, repo: RepoState, pr: PullState, facts: PullFacts | None = None) -> Json:
        """A `pull-request` with `facts`, else a `pull-request-simple` (list endpoints)."""
        api = self.urls.repo_api(repo.full_name)
        url = f"{api}/pulls/{pr.number}"
        html = f"{self.urls.web}/{repo.full_name}/pull/{pr.number}"
        labels = self.pull_labels(repo, pr)
        if facts is None:
            # The simple schema types a label's description as a non-null string.
            for label in labels:
                label["description"] = label["description"] or ""
        data: Json = {
            "url": url,
            "id": pr.id,
            "node_id": pr.node_id,
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "issue_url": f"{api}/issues/{pr.number}",
            "commits_url": f"{url}/commits",
            "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{api}/pulls/comments{{/number}}",
            "comments_url": f"{api}/issues/{pr.number}/comments",
            "statuses_url": f"{api}/statuses/{pr.head_sha}",
            "number": pr.number,
            "state": pr.state,
            "locked": False,
            "title": pr.title,
            "user": self.user(pr.author),
            "body": pr.body,
            "labels": labels,
            "milestone": None,
            "active_lock_reason": None,
            "created_at": pr.created_at,
            "updated_at": pr.updated_at,
            "closed_at": pr.closed_at,
            "merged_at": pr.merged_at,
            "merge_commit_sha": pr.merge_commit_sha,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [self.user(login) for login in pr.requested_reviewers],
            "requested_teams": [],
            "head": self._side(repo, pr.head_ref, pr.head_sha),
            "base": self._side(repo, pr.base_ref, pr.base_sha),
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "issue": {"href": f"{api}/issues/{pr.number}"},
                "comments": {"href": f"{api}/issues/{pr.number}/comments"},
                "review_comments": {"href": f"{url}/comments"},
                "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
                "commits": {"href": f"{url}/commits"},
                "statuses": {"href": f"{api}/statuses/{pr.head_sha}"},
            },
            "author_association": self.association(repo, pr.author),
            "auto_merge": self._auto_merge(pr),
            "draft": pr.draft,
        }
        if facts is not None:
            data |= {
                "merged": pr.merged,
                "mergeable": facts.mergeable,
                "rebaseable": facts.mergeable,
                "mergeable_state": facts.mergeable_state,
                "merged_by": None if pr.merged_by is None else self.user(pr.merged_by),
                "comments": sum(1 for c in repo.comments.values() if c.issue_number == pr.number),
                "review_comments": 0,
                "maintainer_can_modify": pr.maintainer_can_modify,
                "commits": facts.commits,
                "additions": facts.additions,
                "deletions": facts.deletions,
                "changed_files": facts.changed_files,
            }
        return data

    def _auto_merge(self, pr: PullState) -> Json | None:
        if pr.auto_merge is None:
            return None
        return {
            "enabled_by": self.user(pr.auto_merge.enabled_by),
            "merge_method": pr.auto_merge.merge_method,
            "commit_title": pr.auto_merge.commit_title,
            "commit_message": pr.auto_merge.commit_message,
        }

    def pull_minimal(self, repo: RepoState, pr: PullState) -> Json:
        api = self.urls.repo_api(repo.full_name)
        side = {"id": repo.id, "url": api, "name": repo.name}
        return {
            "id": pr.id,
            "number": pr.number,
            "url": f"{api}/pulls/{pr.number}",
            "head": {"ref": pr.head_ref, "sha": pr.head_sha, "repo": side},
            "base": {"ref": pr.base_ref, "sha": pr.base_sha, "repo": side},
        }

    def review_requests(self, pr: PullState) -> Json:
        return {"users": [self.user(login) for login in pr.requested_reviewers], "teams": []}

    # -- statuses and checks --------------------------------------------------------------------
    def status(self, repo: RepoState, status: StatusState) -> Json:
        api = self.urls.repo_api(repo.full_name)
        creator = self.user(status.creator)
        return {
            "url": f"{api}/statuses/{status.sha}",
            "avatar_url": creator["avatar_url"],
            "id": status.id,
            "node_id": status.node_id,
            "state": status.state,
            "description": status.description,
            "target_url": status.target_url,
            "context": status.context,
            "created_at": status.created_at,
            "updated_at": status.updated_at,
            "creator": creator,
        }

    def combined_status(
        self, repo: RepoState, sha: str, ref: str, latest: list[StatusState]
    ) -> Json:
        api = self.urls.repo_api(repo.full_name)
        statuses = []
        for status in latest:
            full = self.status(repo, status)
            del full["creator"]
            statuses.append(full)
        return {
            "state": combined_state([s.state for s in latest]),
            "statuses": statuses,
            "sha": sha,
            "total_count": len(latest),
            "repository": self.repo(repo),
            "commit_url": f"{api}/commits/{sha}",
            "url": f"{api}/commits/{quote(ref)}/status",
        }

    def app(self) -> Json:
        """The app check runs are attributed to; every token acts like the Actions token."""
        owner = self.user("github")
        return {
            "id": APP_ID,
            "slug": "github-actions",
            "node_id": node_id("A", APP_ID),
            "owner": owner,
            "name": "GitHub Actions",
            "description": "Automate your workflow from idea to production",
            "external_url": "https://help.github.com/en/actions",
            "html_url": f"{self.urls.web}/apps/github-actions",
            "created_at": "2018-07-30T09:30:17Z",
            "updated_at": "2019-12-10T19:04:12Z",
            "permissions": {"checks": "write", "contents": "write", "pull_requests": "write"},
            "events": [],
        }

    def check_run(self, repo: RepoState, run: CheckRunState, pulls: list[PullState]) -> Json:
        api = self.urls.repo_api(repo.full_name)
        return {
            "id": run.id,
            "node_id": run.node_id,
            "head_sha": run.head_sha,
            "external_id": run.external_id,
            "url": f"{api}/check-runs/{run.id}",
            "html_url": f"{self.urls.web}/{repo.full_name}/runs/{run.id}",
            "details_url": run.details_url,
            "status": run.status,
            "conclusion": run.conclusion,
            "started_at": run.started_at,
            "completed_at": run.completed_at,
            "name": run.name,
            "output": {
                "title": run.title,
                "summary": run.summary,
                "text": run.text,
                "annotations_count": 0,
                "annotations_url": f"{api}/check-runs/{run.id}/annotations",
            },
            "check_suite": {"id": run.id + 1},
            "app": self.app(),
            "pull_requests": [self.pull_minimal(repo, pr) for pr in pulls],
        }

    def collaborator_permission(self, repo: RepoState, login: str) -> Json:
        level = self.credentials.permission(login, repo.full_name)
        return {
            "permission": level,
            "role_name": level,
            "user": {
                **self.user(login),
                "role_name": level,
                "permissions": {
                    "admin": level == "admin",
                    "maintain": level == "admin",
                    "push": level in ("admin", "write"),
                    "triage": level in ("admin", "write"),
                    "pull": level != "none",
                },
            },
        }


def combined_state(states: list[str]) -> str:
    """GitHub's combined status: failure beats pending beats success; no statuses is pending."""
    if any(state in ("error", "failure") for state in states):
        return "failure"
    if not states or any(state == "pending" for state in states):
        return "pending"
    return "success"
