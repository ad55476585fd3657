"""The emulator's state on disk, so a stopped emulator can serve the same pull requests again.

Git data already lives in the bare repositories of the data directory; what GitHub keeps beside
it (pull requests, comments, labels, statuses, check runs, users, ids) is written to
`DATA/.fakegithub-state.json` and read back when an emulator starts on that directory.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from gitops_release.testing.gitrepo import BareRepo
from gitops_release.testing.store import (
    AutoMergeState,
    CheckRunState,
    CommentState,
    DeploymentState,
    DeploymentStatusState,
    LabelState,
    PullState,
    ReactionState,
    RepoState,
    StatusState,
    Store,
    UserState,
)

STATE_FILE = ".fakegithub-state.json"
VERSION = 1
_CHILDREN = (
    "git",
    "labels",
    "pulls",
    "comments",
    "statuses",
    "check_runs",
    "reactions",
    "deployments",
    "deployment_statuses",
)


def save(store: Store) -> Path:
    """Write the store's state beside its repositories (atomically)."""
    with store.lock:
        data = {
            "version": VERSION,
            "next_id": store._next_id,
            "users": [asdict(u) for u in store.users.values()],
            "repos": [_repo(r) for r in store.repos.values()],
        }
    target = store.data_dir / STATE_FILE
    fd, tmp = tempfile.mkstemp(dir=store.data_dir, prefix=".fakegithub-state.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)
    Path(tmp).replace(target)
    return target


def load(store: Store) -> bool:
    """Read a saved state into `store` (before it discovers repositories); False when none."""
    path = store.data_dir / STATE_FILE
    if not path.is_file():
        return False
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("version") != VERSION:
        raise ValueError(f"{path}: state version {data.get('version')} is not {VERSION}")
    with store.lock:
        store._next_id = int(data["next_id"])
        for user in data["users"]:
            store.users[user["login"].lower()] = UserState(**user)
        for raw in data["repos"]:
            git_path = store.repo_path(raw["owner"], raw["name"])
            if not git_path.is_dir():
                continue  # the repository was removed meanwhile
            repo = _restore_repo(raw, BareRepo(git_path))
            store.repos[repo.full_name.lower()] = repo
            for pull in repo.pulls.values():
                store.pull_nodes[pull.node_id] = (repo.full_name, pull.number)
    return True


def _repo(repo: RepoState) -> dict[str, Any]:
    out = {f.name: getattr(repo, f.name) for f in fields(repo) if f.name not in _CHILDREN}
    out["labels"] = [asdict(label) for label in repo.labels.values()]
    out["pulls"] = [asdict(pull) for pull in repo.pulls.values()]
    out["comments"] = [asdict(comment) for comment in repo.comments.values()]
    out["statuses"] = [asdict(status) for status in repo.statuses]
    out["check_runs"] = [asdict(run) for run in repo.check_runs.values()]
    out["reactions"] = [asdict(reaction) for reaction in repo.reactions]
    out["deployments"] = [asdict(deployment) for deployment in repo.deployments.values()]
    out["deployment_statuses"] = [asdict(status) for status in repo.deployment_statuses]
    return out


def _restore_repo(raw: dict[str, Any], git: BareRepo) -> RepoState:
    plain = {k: v for k, v in raw.items() if k not in _CHILDREN}
    repo = RepoState(**plain, git=git)
    for label in raw["labels"]:
        repo.labels[label["name"].lower()] = LabelState(**label)
    for pull in raw["pulls"]:
        merge = pull.pop("auto_merge")
        shas = tuple(pull.pop("commit_shas"))
        state = PullState(**pull, commit_shas=shas)
        state.auto_merge = AutoMergeState(**merge) if merge else None
        repo.pulls[state.number] = state
    for comment in raw["comments"]:
        repo.comments[comment["id"]] = CommentState(**comment)
    repo.statuses.extend(StatusState(**status) for status in raw["statuses"])
    for run in raw["check_runs"]:
        repo.check_runs[run["id"]] = CheckRunState(**run)
    # States saved before reactions and deployments existed have none.
    repo.reactions.extend(ReactionState(**r) for r in raw.get("reactions", []))
    for deployment in raw.get("deployments", []):
        repo.deployments[deployment["id"]] = DeploymentState(**deployment)
    repo.deployment_statuses.extend(
        DeploymentStatusState(**status) for status in raw.get("deployment_statuses", [])
    )
    return repo
