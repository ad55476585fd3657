"""Pull-request behaviour backed by the real repository: tracking refs, mergeability, merging.

GitHub recomputes a pull request from its branches whenever they move; the emulator does the
same lazily (`refresh`) before it answers, so pushes made over git show up in the REST answers.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from gitops_release.testing.gitrepo import ChangedFile, RefInfo, now_iso
from gitops_release.testing.shapes.checks import combined_state
from gitops_release.testing.shapes.pulls import PullFacts
from gitops_release.testing.store import PullState, RepoState, StatusState, UserState
from gitops_release.testing.wire import ApiError

MERGE_METHODS = ("merge", "squash", "rebase")


@dataclass(frozen=True)
class MergeResult:
    sha: str
    message: str = "Pull Request successfully merged"


def latest_statuses(repo: RepoState, sha: str) -> list[StatusState]:
    """The newest status per context for `sha`, newest first (GitHub's combined view)."""
    seen: dict[str, StatusState] = {}
    for status in reversed(repo.statuses):
        if status.sha == sha and status.context not in seen:
            seen[status.context] = status
    return list(seen.values())


class PullEngine:
    """Caches what only depends on commit ids, so listing many pull requests stays fast."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._merge_trees: dict[tuple[int, str, str], str | None] = {}
        self._changes: dict[tuple[int, str, str], list[ChangedFile]] = {}
        self._commits: dict[tuple[int, str, str], list[str]] = {}

    # -- tracking -------------------------------------------------------------------------------
    def refresh(self, repo: RepoState, refs: dict[str, RefInfo] | None = None) -> None:
        """Bring every open pull request of `repo` up to date with its branches."""
        open_pulls = [pr for pr in repo.pulls.values() if pr.state == "open"]
        if not open_pulls:
            return
        refs = repo.git.refs("refs/heads/") if refs is None else refs
        for pr in open_pulls:
            head = refs.get(f"refs/heads/{pr.head_ref}")
            base = refs.get(f"refs/heads/{pr.base_ref}")
            if head is None:
                # GitHub closes a pull request whose head branch is deleted.
                self._close(repo, pr)
                continue
            new_base = pr.base_sha if base is None else base.commit
            if repo.git.is_ancestor(head.commit, new_base):
                # The base already contains the head (merged by a plain push): GitHub marks the
                # pull request merged. Its commits are counted against the base it had before.
                commits = repo.git.rev_list(pr.base_sha, head.commit)
                pr.head_sha = head.commit
                pr.merged_at = now_iso()
                pr.merge_commit_sha = new_base
                self._close(repo, pr, commits)
                continue
            pr.base_sha, pr.head_sha = new_base, head.commit

    def _close(self, repo: RepoState, pr: PullState, commits: list[str] | None = None) -> None:
        pr.commit_shas = tuple(self.commits(repo, pr) if commits is None else commits)
        pr.state = "closed"
        pr.closed_at = pr.updated_at = now_iso()
        pr.auto_merge = None

    def close(self, repo: RepoState, pr: PullState) -> None:
        self._close(repo, pr)

    def reopen(self, pr: PullState) -> None:
        pr.state = "open"
        pr.closed_at = None
        pr.commit_shas = ()
        pr.updated_at = now_iso()

    # -- derived facts --------------------------------------------------------------------------
    def commits(self, repo: RepoState, pr: PullState) -> list[str]:
        if pr.state == "closed" and pr.commit_shas:
            return list(pr.commit_shas)
        key = (repo.id, pr.base_sha, pr.head_sha)
        with self._lock:
            cached = self._commits.get(key)
        if cached is None:
            cached = repo.git.rev_list(pr.base_sha, pr.head_sha)
            with self._lock:
                self._commits[key] = cached
        return list(cached)

    def changes(self, repo: RepoState, pr: PullState) -> list[ChangedFile]:
        """Files changed by the pull request: merge base to head, like GitHub's "Files" tab."""
        key = (repo.id, pr.base_sha, pr.head_sha)
        with self._lock:
            cached = self._changes.get(key)
        if cached is None:
            base = repo.git.merge_base(pr.base_sha, pr.head_sha) or pr.base_sha
            cached = repo.git.changes(base, pr.head_sha)
            with self._lock:
                self._changes[key] = cached
        return list(cached)

    def merge_tree(self, repo: RepoState, pr: PullState) -> str | None:
        key = (repo.id, pr.base_sha, pr.head_sha)
        with self._lock:
            if key in self._merge_trees:
                return self._merge_trees[key]
        tree = repo.git.merge_tree(pr.base_sha, pr.head_sha)
        with self._lock:
            self._merge_trees[key] = tree
        return tree

    def facts(self, repo: RepoState, pr: PullState) -> PullFacts:
        changes = self.changes(repo, pr)
        commits = len(self.commits(repo, pr))
        additions = sum(c.additions for c in changes)
        deletions = sum(c.deletions for c in changes)
        if pr.state != "open":
            return PullFacts(None, "unknown", commits, additions, deletions, len(changes))
        mergeable = self.merge_tree(repo, pr) is not None
        if pr.draft:
            state = "draft"
        elif not mergeable:
            state = "dirty"
        elif self.checks_failing(repo, pr.head_sha):
            state = "unstable"
        else:
            state = "clean"
        return PullFacts(mergeable, state, commits, additions, deletions, len(changes))

    @staticmethod
    def checks_failing(repo: RepoState, sha: str) -> bool:
        statuses = latest_statuses(repo, sha)
        failed_status = bool(statuses) and combined_state([s.state for s in statuses]) == "failure"
        failed_run = any(
            run.head_sha == sha and run.conclusion in ("failure", "timed_out", "cancelled")
            for run in repo.check_runs.values()
        )
        return failed_status or failed_run

    def ready_to_auto_merge(self, repo: RepoState, pr: PullState) -> bool:
        """Open, not a draft, and every status and check run on the head passed.

        Without branch protection GitHub treats every reported check as required.
        """
        if pr.state != "open" or pr.draft or self.checks_failing(repo, pr.head_sha):
            return False
        pending_status = any(s.state == "pending" for s in latest_statuses(repo, pr.head_sha))
        pending_run = any(
            run.head_sha == pr.head_sha and run.status != "completed"
            for run in repo.check_runs.values()
        )
        return not (pending_status or pending_run)

    def contains(self, repo: RepoState, pr: PullState, sha: str) -> bool:
        """Whether `sha` is part of `pr` (one of its commits, its head, or its merge)."""
        if sha in (pr.head_sha, pr.merge_commit_sha):
            return True
        return sha in self.commits(repo, pr)

    # -- merging --------------------------------------------------------------------------------
    def merge(
        self,
        repo: RepoState,
        pr: PullState,
        *,
        method: str,
        user: UserState,
        title: str | None = None,
        message: str | None = None,
        expected_head: str | None = None,
    ) -> MergeResult:
        """Merge for real: write the commit(s) and move the base branch, then close `pr`."""
        self.refresh(repo)
        if pr.state != "open":
            raise ApiError(405, "Pull Request is not mergeable")
        if pr.draft:
            raise ApiError(405, "Pull Request is still a draft")
        if expected_head is not None and expected_head != pr.head_sha:
            raise ApiError(409, "Head branch was modified. Review and try the merge again.")
        tree = self.merge_tree(repo, pr)
        if tree is None:
            raise ApiError(405, "Pull Request is not mergeable")
        git = repo.git
        commits = self.commits(repo, pr)
        if method == "merge":
            subject = title or f"Merge pull request #{pr.number} from {repo.owner}/{pr.head_ref}"
            body = pr.title if message is None else message
            new = git.commit_tree(
                tree, [pr.base_sha, pr.head_sha], _message(subject, body), author=user.signature
            )
        elif method == "squash":
            subject = title or f"{pr.title} (#{pr.number})"
            if message is None:
                infos = git.commits(commits)
                message = "\n\n".join(f"* {info.message}" for info in infos)
            new = git.commit_tree(
                tree, [pr.base_sha], _message(subject, message), author=user.signature
            )
        else:
            rebased = git.rebase(pr.base_sha, pr.head_sha)
            if rebased is None:
                raise ApiError(405, "This branch can't be rebased")
            new = rebased
        if not git.update_ref(f"refs/heads/{pr.base_ref}", new, pr.base_sha):
            raise ApiError(409, "Base branch was modified. Review and try the merge again.")
        pr.merged_at = now_iso()
        pr.merged_by = user.login
        pr.merge_commit_sha = new
        self._close(repo, pr, commits)
        repo.pushed_at = pr.merged_at
        return MergeResult(new)


def _message(subject: str, body: str) -> str:
    return f"{subject}\n\n{body}\n" if body else f"{subject}\n"
