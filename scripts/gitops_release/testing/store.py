"""The emulator's state: users, repositories and everything GitHub keeps beside the git data.

Git data (refs, commits) lives only in the bare repositories, so a `git push` over HTTP and a REST
call always agree; this module holds what git cannot (pull requests, comments, labels, statuses,
check runs). One re-entrant lock guards all of it: handlers hold it for a whole request, which
keeps every answer consistent without fine-grained locking in an emulator.
"""

from __future__ import annotations

import base64
import re
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from gitops_release.testing.auth import Role
from gitops_release.testing.gitrepo import BareRepo, Signature, is_git_repository, now_iso

UserType = Literal["User", "Organization", "Bot"]
_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def valid_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name)) and name not in (".", "..") and not name.endswith(".git")


def noreply_email(user_id: int, login: str) -> str:
    return f"{user_id}+{login}@users.noreply.github.com"


@dataclass(slots=True)
class UserState:
    login: str
    id: int
    node_id: str
    type: UserType
    created_at: str

    @property
    def signature(self) -> Signature:
        return Signature(self.login, noreply_email(self.id, self.login))


@dataclass(slots=True)
class LabelState:
    id: int
    node_id: str
    name: str
    color: str
    description: str | None


@dataclass(slots=True)
class CommentState:
    id: int
    node_id: str
    issue_number: int
    body: str
    author: str
    created_at: str
    updated_at: str


@dataclass(slots=True)
class StatusState:
    id: int
    node_id: str
    sha: str
    state: str
    context: str
    description: str | None
    target_url: str | None
    creator: str
    created_at: str
    updated_at: str


@dataclass(slots=True)
class ReactionState:
    id: int
    node_id: str
    comment_id: int
    content: str
    user: str
    created_at: str


@dataclass(slots=True)
class DeploymentState:
    id: int
    node_id: str
    sha: str
    ref: str
    task: str
    environment: str
    description: str | None
    creator: str
    created_at: str
    updated_at: str
    transient_environment: bool = False
    production_environment: bool = False


@dataclass(slots=True)
class DeploymentStatusState:
    id: int
    node_id: str
    deployment_id: int
    state: str
    description: str
    environment: str
    target_url: str
    log_url: str
    environment_url: str
    creator: str
    created_at: str
    updated_at: str


@dataclass(slots=True)
class CheckRunState:
    id: int
    node_id: str
    head_sha: str
    name: str
    status: str
    conclusion: str | None
    details_url: str | None
    external_id: str | None
    started_at: str | None
    completed_at: str | None
    title: str | None
    summary: str | None
    text: str | None


@dataclass(slots=True)
class AutoMergeState:
    enabled_by: str
    merge_method: str  # merge | squash | rebase
    commit_title: str
    commit_message: str


@dataclass(slots=True)
class PullState:
    number: int
    id: int
    node_id: str
    title: str
    body: str | None
    author: str
    head_ref: str
    base_ref: str
    head_sha: str
    base_sha: str
    draft: bool
    maintainer_can_modify: bool
    created_at: str
    updated_at: str
    state: Literal["open", "closed"] = "open"
    closed_at: str | None = None
    merged_at: str | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None
    labels: list[str] = field(default_factory=list)  # label names, in the order added
    requested_reviewers: list[str] = field(default_factory=list)
    auto_merge: AutoMergeState | None = None
    commit_shas: tuple[str, ...] = ()  # frozen when the pull request is closed or merged
    # The fork the changes come from (`owner/name`), None for a branch of the repository itself.
    # Its commits live in the base repository under `head_ref`, as GitHub keeps a fork's head
    # under `refs/pull/N/head`.
    head_repo: str | None = None

    @property
    def merged(self) -> bool:
        return self.merged_at is not None


@dataclass(slots=True)
class RepoState:
    owner: str
    name: str
    id: int
    node_id: str
    private: bool
    description: str | None
    created_at: str
    updated_at: str
    pushed_at: str
    default_branch: str
    git: BareRepo
    labels: dict[str, LabelState] = field(default_factory=dict)  # by lower-cased name
    pulls: dict[int, PullState] = field(default_factory=dict)
    comments: dict[int, CommentState] = field(default_factory=dict)
    statuses: list[StatusState] = field(default_factory=list)
    check_runs: dict[int, CheckRunState] = field(default_factory=dict)
    reactions: list[ReactionState] = field(default_factory=list)
    deployments: dict[int, DeploymentState] = field(default_factory=dict)
    deployment_statuses: list[DeploymentStatusState] = field(default_factory=list)
    # Roles set for a login on this repository (`FakeGitHub.set_permission`), by lower-cased
    # login; they win over what the login's tokens would grant.
    collaborators: dict[str, Role] = field(default_factory=dict)
    next_number: int = 1

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


def node_id(prefix: str, number: int) -> str:
    """An opaque GraphQL node id in GitHub's `PREFIX_kwDO...` shape, unique per object."""
    encoded = base64.urlsafe_b64encode(number.to_bytes(6, "big")).decode().rstrip("=")
    return f"{prefix}_kwDO{encoded}"


class Store:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.lock = threading.RLock()
        self._next_id = 1000
        self.users: dict[str, UserState] = {}  # by lower-cased login
        self.repos: dict[str, RepoState] = {}  # by lower-cased full name
        self.pull_nodes: dict[str, tuple[str, int]] = {}  # node id -> (full name, number)

    def next_id(self) -> int:
        with self.lock:
            self._next_id += 1
            return self._next_id

    def user(self, login: str, *, kind: UserType = "User") -> UserState:
        """The user or organisation `login`, created on first sight."""
        with self.lock:
            found = self.users.get(login.lower())
            if found is None:
                number = self.next_id()
                prefix = "O" if kind == "Organization" else "U"
                found = UserState(login, number, node_id(prefix, number), kind, now_iso())
                self.users[login.lower()] = found
            return found

    def find_user(self, login: str) -> UserState | None:
        with self.lock:
            return self.users.get(login.lower())

    def find_repo(self, owner: str, name: str) -> RepoState | None:
        with self.lock:
            return self.repos.get(f"{owner}/{name}".lower())

    def repo_path(self, owner: str, name: str) -> Path:
        return self.data_dir / owner / f"{name}.git"

    def add_repo(
        self,
        owner: str,
        name: str,
        git: BareRepo,
        *,
        private: bool = False,
        description: str | None = None,
    ) -> RepoState:
        with self.lock:
            number = self.next_id()
            stamp = now_iso()
            repo = RepoState(
                owner=owner,
                name=name,
                id=number,
                node_id=node_id("R", number),
                private=private,
                description=description,
                created_at=stamp,
                updated_at=stamp,
                pushed_at=stamp,
                default_branch=git.head_branch() or "main",
                git=git,
            )
            self.repos[repo.full_name.lower()] = repo
            return repo

    def create_repo(
        self,
        owner: str,
        name: str,
        *,
        owner_type: UserType,
        author: Signature,
        private: bool = False,
        description: str | None = None,
        default_branch: str = "main",
        auto_init: bool = False,
        source: Path | None = None,
    ) -> RepoState:
        """Create the bare repository and its state; the caller checks the name is free.

        `source` seeds it: every branch and tag of a git repository (bare or not, its current
        branch becoming the default), or the files of a plain directory as one commit.
        `auto_init` commits a README like GitHub does.
        """
        with self.lock:
            self.user(owner, kind=owner_type)
            path = self.repo_path(owner, name)
            if path.exists():
                raise FileExistsError(f"{path} already exists")
            git = BareRepo.create(path, default_branch)
            if source is not None and is_git_repository(source):
                branch = git.fetch_all(source)
                if branch and git.branch_sha(branch):
                    git.set_head_branch(branch)
            elif source is not None:
                git.commit_directory(source, default_branch, "Initial commit", author=author)
            elif auto_init:
                with tempfile.TemporaryDirectory(prefix="fakegithub-init-") as scratch:
                    text = f"# {name}\n" + (f"\n{description}\n" if description else "")
                    (Path(scratch) / "README.md").write_text(text, encoding="utf-8")
                    git.commit_directory(
                        Path(scratch), default_branch, "Initial commit", author=author
                    )
            return self.add_repo(owner, name, git, private=private, description=description)

    def discover(self, user_logins: tuple[str, ...]) -> None:
        """Register what the data directory already holds.

        Each directory is an owner (a user if a token logs in as it, else an organisation, so
        `mkdir DATA/acme` declares the organisation `acme`), and each `OWNER/NAME.git` in it a
        repository.
        """
        if not self.data_dir.is_dir():
            return
        logins = {login.lower() for login in user_logins}
        for owner_dir in sorted(self.data_dir.iterdir()):
            if not owner_dir.is_dir() or owner_dir.name.startswith("."):
                continue
            kind: UserType = "User" if owner_dir.name.lower() in logins else "Organization"
            self.user(owner_dir.name, kind=kind)
            for path in sorted(owner_dir.glob("*.git")):
                name = path.name.removesuffix(".git")
                if not is_git_repository(path) or self.find_repo(owner_dir.name, name):
                    continue
                git = BareRepo(path)
                git.configure()
                self.add_repo(owner_dir.name, name, git)
