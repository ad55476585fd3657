"""Pull requests in GitHub's shapes: the full `pull-request` object (with what GitHub computes
about it, `PullFacts`), the minimal form check runs carry, and requested reviewers."""

from __future__ import annotations

from dataclasses import dataclass

from gitops_release.testing.shapes.base import Json
from gitops_release.testing.shapes.issues import IssueShapes
from gitops_release.testing.store import PullState, RepoState


@dataclass(frozen=True)
class PullFacts:
    """What GitHub computes about an open pull request (mergeability and diff size)."""

    mergeable: bool | None
    mergeable_state: str
    commits: int
    additions: int
    deletions: int
    changed_files: int


class PullShapes(IssueShapes):
    """Pull requests, their head and base, auto-merge and review requests."""

    def _side(self, repo: RepoState, ref: str, sha: str) -> Json:
        return {
            "label": f"{repo.owner}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": self.user(repo.owner),
            "repo": self.repo(repo),
        }

    def _head(self, repo: RepoState, pr: PullState) -> Json:
        """The head side: the repository's own branch, or the fork the pull request comes from."""
        fork = None
        if pr.head_repo is not None:
            owner, _, name = pr.head_repo.partition("/")
            fork = self.store.find_repo(owner, name)
        return self._side(fork or repo, pr.head_ref, pr.head_sha)

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
            "head": self._head(repo, pr),
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
