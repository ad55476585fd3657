"""`FakeGitHub`: a GitHub stand-in on loopback that PyGithub, octokit and git talk to unchanged.

One HTTP origin serves the REST API (`/repos/...`), GraphQL (`/graphql`) and git smart HTTP
(`/OWNER/NAME.git/...`). Every request passes the same pipeline (`testing.pipeline`): injected
faults, token check, rate-limit accounting, the handler, then one entry in the request log. This
module holds the emulator's lifecycle and the helpers tests and demos call directly.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote, urlsplit

from gitops_release.testing import githttp, persist
from gitops_release.testing.auth import Credentials, RateLimiter, Role, Token, as_role
from gitops_release.testing.faults import Fault, FaultBook, FaultHandle
from gitops_release.testing.gitrepo import now_iso
from gitops_release.testing.pipeline import RequestPipeline
from gitops_release.testing.prs import PullEngine
from gitops_release.testing.requestlog import RequestLog
from gitops_release.testing.routes import build_router
from gitops_release.testing.shapes.base import Urls
from gitops_release.testing.store import (
    CommentState,
    PullState,
    RepoState,
    Store,
    UserType,
    node_id,
    valid_name,
)
from gitops_release.testing.transport import LoopbackServer
from gitops_release.testing.wire import ApiError

HOST = "127.0.0.1"


@dataclass(frozen=True)
class RepoHandle:
    """A repository the emulator serves."""

    full_name: str
    path: Path  # the bare repository on disk
    clone_url: str  # without credentials; only final once the emulator listens
    default_branch: str


@dataclass(frozen=True)
class DeploymentRecord:
    """A deployment as the emulator recorded it, with its statuses' states, oldest first."""

    id: int
    sha: str
    ref: str
    environment: str
    description: str | None
    transient_environment: bool
    states: tuple[str, ...]


@dataclass(frozen=True)
class MergedPull:
    full_name: str
    number: int
    sha: str


class FakeGitHub(RequestPipeline):
    """A GitHub emulator over real bare repositories in `data_dir/OWNER/NAME.git`.

    `tokens` maps token strings to a `Token` (or just the login): each authenticates as that
    login with the rights the `Token` grants. `orgs` names organisations that exist from the
    start (as on GitHub, repositories can only be created in existing ones). Repositories
    already under `data_dir` are served as they are, and each directory there is an owner.
    Use as a context manager, or call `start()` and `stop()`. A state saved in the data
    directory (`testing.persist`) is served again; with `persist`, `stop()` saves it.
    """

    def __init__(
        self,
        data_dir: str | Path,
        *,
        tokens: Mapping[str, Token | str] | None = None,
        orgs: Iterable[str] = (),
        port: int = 0,
        persist: bool = False,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self._persist = persist
        grants = {
            secret: grant if isinstance(grant, Token) else Token(grant)
            for secret, grant in (tokens or {}).items()
        }
        self._credentials = Credentials(grants)
        self._port = port
        self._store = Store(self.data_dir)
        self._engine = PullEngine()
        self._rates = RateLimiter()
        self._router = build_router()
        self.faults = FaultBook()
        self.log = RequestLog()
        self._server: LoopbackServer | None = None
        self._thread: threading.Thread | None = None
        self._scratch: Path | None = None
        self._urls = Urls(f"http://{HOST}:{port}")
        for login in self._credentials.logins():
            self._store.user(login)
        for org in orgs:
            self.add_org(org)

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> FakeGitHub:
        if self._server is not None:
            return self
        self.data_dir.mkdir(parents=True, exist_ok=True)
        persist.load(self._store)  # pull requests, comments... of an earlier run, if saved
        self._store.discover(self._credentials.logins())
        self._scratch = Path(tempfile.mkdtemp(prefix="fakegithub-"))
        githttp.write_reject_hook(self._scratch / "hooks")
        server = LoopbackServer((HOST, self._port), self.dispatch)
        self._urls = Urls(f"http://{HOST}:{server.server_address[1]}")
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name="fakegithub", kwargs={"poll_interval": 0.1}
        )
        self._thread.daemon = True
        self._thread.start()
        return self

    def save_state(self) -> Path:
        """Write pull requests, comments, statuses... beside the repositories (`persist`)."""
        return persist.save(self._store)

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None and self._persist:
            self.save_state()
        if server is not None:
            server.shutdown()
            server.close_connections()
            server.server_close()
        if thread is not None:
            thread.join(timeout=10)
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def api_url(self) -> str:
        """The REST base URL (`Github(base_url=...)`); GraphQL is at `api_url + "/graphql"`."""
        self._require_running()
        return self._urls.api

    @property
    def git_url(self) -> str:
        """The base of clone URLs: `f"{git_url}/OWNER/NAME.git"`."""
        self._require_running()
        return self._urls.git

    def _require_running(self) -> None:
        if self._server is None:
            raise RuntimeError("the GitHub emulator is not running; call start() first")

    # -- helpers for tests and demos ------------------------------------------------------------
    def inject(self, fault: Fault) -> FaultHandle:
        """Arm a fault (see `gitops_release.testing.faults`); the handle counts its firings."""
        return self.faults.add(fault)

    def add_token(self, secret: str, grant: Token | str) -> None:
        """Accept another token from now on."""
        token = grant if isinstance(grant, Token) else Token(grant)
        self._credentials.add(secret, token)
        self._store.user(token.login)

    def add_org(self, login: str) -> None:
        """Declare the organisation `login`, so `GET /orgs/{org}` and repo creation in it work."""
        self._store.user(login, kind="Organization")

    def create_repo(
        self,
        full_name: str,
        *,
        source: str | Path | None = None,
        private: bool = False,
        description: str | None = None,
        default_branch: str = "main",
        auto_init: bool = False,
        owner_type: UserType | None = None,
    ) -> RepoHandle:
        """Create `OWNER/NAME`, optionally seeded from `source`.

        `source` may be a git repository (bare or with a work tree: all branches and tags are
        copied and its current branch becomes the default) or a plain directory (its files
        become one initial commit on `default_branch`). Owners that are not token logins are
        organisations unless `owner_type` says otherwise.
        """
        owner, _, name = full_name.partition("/")
        if not owner or not valid_name(name):
            raise ValueError(f"expected OWNER/NAME, got {full_name!r}")
        if owner_type is None:
            logins = {login.lower() for login in self._credentials.logins()}
            owner_type = "User" if owner.lower() in logins else "Organization"
        with self._store.lock:
            if self._store.find_repo(owner, name) is not None:
                raise ValueError(f"{full_name} already exists")
            author = self._store.user(owner, kind=owner_type).signature
            repo = self._store.create_repo(
                owner,
                name,
                owner_type=owner_type,
                author=author,
                private=private,
                description=description,
                default_branch=default_branch,
                auto_init=auto_init,
                source=None if source is None else Path(source),
            )
            repo.default_branch = repo.git.head_branch() or default_branch
            return self._handle(repo)

    def repo(self, full_name: str) -> RepoHandle:
        return self._handle(self._repo(full_name))

    def repos(self) -> tuple[RepoHandle, ...]:
        with self._store.lock:
            return tuple(self._handle(repo) for repo in self._store.repos.values())

    def _repo(self, full_name: str) -> RepoState:
        owner, _, name = full_name.partition("/")
        repo = self._store.find_repo(owner, name)
        if repo is None:
            raise KeyError(f"no repository {full_name} in the emulator")
        return repo

    def _handle(self, repo: RepoState) -> RepoHandle:
        # Before start() with port 0 the port is not known yet; clone_url() always is current.
        clone = f"{self._urls.git}/{repo.full_name}.git"
        return RepoHandle(repo.full_name, repo.git.path, clone, repo.default_branch)

    def clone_url(self, full_name: str, token: str | None = None) -> str:
        """The clone URL, with `x-access-token:TOKEN@` credentials when `token` is given."""
        repo = self._repo(full_name)
        if token is None:
            return f"{self.git_url}/{repo.full_name}.git"
        netloc = urlsplit(self.git_url).netloc
        user = f"x-access-token:{quote(token, safe='')}"
        return f"http://{user}@{netloc}/{repo.full_name}.git"

    def ref(self, full_name: str, ref: str) -> str | None:
        """The commit `ref` (`refs/heads/main`, `main`, a sha, ...) points at, or None."""
        return self._repo(full_name).git.resolve(ref)

    def set_ref(self, full_name: str, ref: str, sha: str) -> None:
        """Move (or create) `ref` to `sha` directly in the bare repository."""
        repo = self._repo(full_name)
        with self._store.lock:
            if not repo.git.update_ref(ref, sha):
                raise ValueError(f"cannot set {ref} to {sha} in {full_name}")

    def delete_ref(self, full_name: str, ref: str) -> None:
        repo = self._repo(full_name)
        with self._store.lock:
            repo.git.delete_ref(ref)

    def pull(self, full_name: str, number: int) -> dict[str, Any]:
        """Pull request `number` exactly as `GET /repos/{o}/{r}/pulls/{n}` would answer it."""
        repo = self._repo(full_name)
        with self._store.lock:
            self._engine.refresh(repo)
            pr = repo.pulls[number]
            return self._shapes().pull(repo, pr, self._engine.facts(repo, pr))

    def comments(self, full_name: str, number: int) -> tuple[str, ...]:
        """The bodies of the comments on pull request `number`, oldest first."""
        repo = self._repo(full_name)
        with self._store.lock:
            return tuple(c.body for c in repo.comments.values() if c.issue_number == number)

    def set_permission(self, full_name: str, login: str, role: Role | str) -> None:
        """Make `login` a collaborator on `full_name` with `role` (read, triage, write, maintain,
        admin; none hides the repository). It wins over what the login's tokens grant there:
        the permission endpoint reports it, and read or triage make writes 403."""
        chosen = as_role(role)
        repo = self._repo(full_name)
        with self._store.lock:
            self._store.user(login)
            repo.collaborators[login.lower()] = chosen

    def open_pull(
        self,
        full_name: str,
        *,
        head: str,
        base: str | None = None,
        title: str = "Change",
        body: str = "",
        author: str | None = None,
        head_repo: str | None = None,
    ) -> int:
        """Open a pull request from branch `head` of `full_name` and return its number.

        With `head_repo` (an `OWNER/NAME` the emulator serves) it comes from that fork: its
        head side names the fork, while its commits are read from `head` in `full_name` (as
        GitHub keeps a fork's head in the base repository).
        """
        repo = self._repo(full_name)
        fork = None if head_repo is None else self._repo(head_repo).full_name
        with self._store.lock:
            self._engine.refresh(repo)
            base_ref = base or repo.default_branch
            head_sha, base_sha = repo.git.branch_sha(head), repo.git.branch_sha(base_ref)
            if head_sha is None or base_sha is None:
                raise ValueError(f"{full_name} has no branch {head if head_sha is None else base}")
            number = repo.next_number
            repo.next_number += 1
            pr_id = self._store.next_id()
            stamp = now_iso()
            repo.pulls[number] = PullState(
                number=number,
                id=pr_id,
                node_id=node_id("PR", pr_id),
                title=title,
                body=body,
                author=self._store.user(author or (fork or repo.full_name).split("/")[0]).login,
                head_ref=head,
                base_ref=base_ref,
                head_sha=head_sha,
                base_sha=base_sha,
                draft=False,
                maintainer_can_modify=False,
                created_at=stamp,
                updated_at=stamp,
                head_repo=fork,
            )
            self._store.pull_nodes[repo.pulls[number].node_id] = (repo.full_name, number)
            return number

    def add_comment(self, full_name: str, number: int, body: str, *, author: str) -> int:
        """Comment on pull request `number` as `author`; returns the comment's id."""
        repo = self._repo(full_name)
        with self._store.lock:
            if number not in repo.pulls:
                raise KeyError(f"{full_name} has no pull request #{number}")
            comment_id = self._store.next_id()
            stamp = now_iso()
            login = self._store.user(author).login
            repo.comments[comment_id] = CommentState(
                comment_id, node_id("IC", comment_id), number, body, login, stamp, stamp
            )
            return comment_id

    def reactions(self, full_name: str, comment_id: int) -> tuple[tuple[str, str], ...]:
        """(login, content) of each reaction on issue comment `comment_id`, oldest first."""
        repo = self._repo(full_name)
        with self._store.lock:
            return tuple((r.user, r.content) for r in repo.reactions if r.comment_id == comment_id)

    def deployments(self, full_name: str) -> tuple[DeploymentRecord, ...]:
        """Every deployment of `full_name`, oldest first."""
        repo = self._repo(full_name)
        with self._store.lock:
            return tuple(
                DeploymentRecord(
                    d.id,
                    d.sha,
                    d.ref,
                    d.environment,
                    d.description,
                    d.transient_environment,
                    tuple(s.state for s in repo.deployment_statuses if s.deployment_id == d.id),
                )
                for d in sorted(repo.deployments.values(), key=lambda d: d.id)
            )

    def run_auto_merge(self) -> tuple[MergedPull, ...]:
        """Merge every open pull request with auto-merge enabled whose checks all passed.

        GitHub does this on its own once required checks succeed; tests call it at the moment
        they want that to happen. Conflicting pull requests and ones with failing or pending
        statuses or check runs are left open.
        """
        merged: list[MergedPull] = []
        with self._store.lock:
            for repo in list(self._store.repos.values()):
                self._engine.refresh(repo)
                for pr in list(repo.pulls.values()):
                    auto = pr.auto_merge
                    if auto is None or not self._engine.ready_to_auto_merge(repo, pr):
                        continue
                    try:
                        result = self._engine.merge(
                            repo,
                            pr,
                            method=auto.merge_method,
                            user=self._store.user(auto.enabled_by),
                            title=auto.commit_title,
                            message=auto.commit_message or None,
                        )
                    except ApiError:  # conflicts, or the base moved under it
                        continue
                    merged.append(MergedPull(repo.full_name, pr.number, result.sha))
        return tuple(merged)
