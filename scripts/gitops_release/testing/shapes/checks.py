"""Commit statuses and check runs in GitHub's shapes: a status, the combined status of a ref (and
`combined_state`, GitHub's rule for it), the GitHub Actions app and a check run."""

from __future__ import annotations

from urllib.parse import quote

from gitops_release.testing.shapes.base import Json
from gitops_release.testing.shapes.pulls import PullShapes
from gitops_release.testing.store import CheckRunState, PullState, RepoState, StatusState, node_id

APP_ID = 15368  # the id GitHub Actions' app has on github.com


class CheckShapes(PullShapes):
    """Statuses, combined statuses, the app and check runs."""

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


def combined_state(states: list[str]) -> str:
    """GitHub's combined status: failure beats pending beats success; no statuses is pending."""
    if any(state in ("error", "failure") for state in states):
        return "failure"
    if not states or any(state == "pending" for state in states):
        return "pending"
    return "success"
