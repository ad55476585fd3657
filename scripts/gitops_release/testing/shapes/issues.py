"""Issues, labels and comments in GitHub's shapes: a pull request seen as an issue, its labels,
issue comments, and the author association GitHub attaches to them."""

from __future__ import annotations

from urllib.parse import quote

from gitops_release.testing.shapes.base import Json
from gitops_release.testing.shapes.repos import RepoShapes
from gitops_release.testing.store import CommentState, LabelState, PullState, RepoState


class IssueShapes(RepoShapes):
    """Labels, comments, author associations and issues."""

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
