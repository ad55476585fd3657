"""Deployments, their statuses and reactions on issue comments in GitHub's shapes."""

from __future__ import annotations

from gitops_release.testing.shapes.base import Json
from gitops_release.testing.shapes.repos import RepoShapes
from gitops_release.testing.store import (
    DeploymentState,
    DeploymentStatusState,
    ReactionState,
    RepoState,
)


class DeploymentShapes(RepoShapes):
    """Deployments, deployment statuses and reactions."""

    def deployment(self, repo: RepoState, deployment: DeploymentState) -> Json:
        api = self.urls.repo_api(repo.full_name)
        url = f"{api}/deployments/{deployment.id}"
        return {
            "url": url,
            "id": deployment.id,
            "node_id": deployment.node_id,
            "sha": deployment.sha,
            "ref": deployment.ref,
            "task": deployment.task,
            "payload": {},
            "original_environment": deployment.environment,
            "environment": deployment.environment,
            "description": deployment.description,
            "creator": self.user(deployment.creator),
            "created_at": deployment.created_at,
            "updated_at": deployment.updated_at,
            "statuses_url": f"{url}/statuses",
            "repository_url": api,
            "transient_environment": deployment.transient_environment,
            "production_environment": deployment.production_environment,
        }

    def deployment_status(self, repo: RepoState, status: DeploymentStatusState) -> Json:
        api = self.urls.repo_api(repo.full_name)
        deployment_url = f"{api}/deployments/{status.deployment_id}"
        return {
            "url": f"{deployment_url}/statuses/{status.id}",
            "id": status.id,
            "node_id": status.node_id,
            "state": status.state,
            "creator": self.user(status.creator),
            "description": status.description,
            "environment": status.environment,
            "target_url": status.target_url,
            "log_url": status.log_url,
            "environment_url": status.environment_url,
            "created_at": status.created_at,
            "updated_at": status.updated_at,
            "deployment_url": deployment_url,
            "repository_url": api,
        }

    def reaction(self, reaction: ReactionState) -> Json:
        return {
            "id": reaction.id,
            "node_id": reaction.node_id,
            "user": self.user(reaction.user),
            "content": reaction.content,
            "created_at": reaction.created_at,
        }
