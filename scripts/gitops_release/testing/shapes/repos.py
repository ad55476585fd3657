"""Repositories in GitHub's shapes: the `full-repository` object (also valid where a `repository`
or `minimal-repository` is expected) and a collaborator's permission on a repository."""

from __future__ import annotations

from gitops_release.testing.auth import Role, at_least, legacy_permission
from gitops_release.testing.shapes.base import Json
from gitops_release.testing.shapes.users import UserShapes
from gitops_release.testing.store import RepoState


class RepoShapes(UserShapes):
    """Repositories and collaborator permissions."""

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
            data["permissions"] = _permissions(self.role(repo, viewer))
        return data

    def role(self, repo: RepoState, login: str) -> Role:
        """`login`'s role on `repo`: the one set on the repository, else what its tokens grant."""
        return repo.collaborators.get(login.lower()) or self.credentials.role(login, repo.full_name)

    def collaborator_permission(self, repo: RepoState, login: str) -> Json:
        role = self.role(repo, login)
        return {
            "permission": legacy_permission(role),
            "role_name": role,
            "user": {**self.user(login), "role_name": role, "permissions": _permissions(role)},
        }


def _permissions(role: Role) -> dict[str, bool]:
    return {
        "admin": role == "admin",
        "maintain": at_least(role, "maintain"),
        "push": at_least(role, "write"),
        "triage": at_least(role, "triage"),
        "pull": at_least(role, "read"),
    }
