"""Git revisions for rendering: resolve them and build a merge result.

A pull request's rendered diff must compare the base branch with what the base branch *would
become* (the merge result), not with the PR branch itself: when the base moved on after the
branch was cut, comparing with the branch would show every newer base change as a revert.
"""

from __future__ import annotations

from pathlib import Path

from gitops_release.errors import GitError
from gitops_release.git import Git, MergeUnsupported
from gitops_release.render.worktree import temporary_worktrees


def resolve_commit(repo: Path, rev: str) -> str:
    """The full commit id of `rev`; a clear error when it does not exist here."""
    return Git(repo).resolve_commit(rev)


def resolve_commits(repo: Path, *revs: str) -> tuple[str, ...]:
    """Several revisions resolved with one git call (each is checked again on failure)."""
    return Git(repo).resolve_commits(*revs)


def merge_result(repo: Path, base: str, head: str) -> str:
    """The commit id of `head` merged into `base` (a new, unreferenced merge commit).

    Nothing in the repository changes: no branch moves and no file in the working tree is
    touched. A merge conflict raises `GitError` naming the conflicting files.
    """
    git = Git(repo)
    base_id, head_id = git.resolve_commit(base), git.resolve_commit(head)
    try:
        return git.merge_result(base_id, head_id, base=base, head=head)
    except MergeUnsupported:
        return _merge_in_worktree(repo, base_id, head_id)


def _merge_in_worktree(repo: Path, base_id: str, head_id: str) -> str:
    """Git older than 2.38 has no `merge-tree --write-tree`: merge in a temporary worktree."""
    with temporary_worktrees(repo) as worktrees:
        checkout = worktrees.add("merge", base_id)
        merged = worktrees.git_in(checkout).merge_into_head(head_id)
        if merged is None:
            raise GitError(
                f"{head_id[:12]} does not merge cleanly into {base_id[:12]}",
                hint="rebase or merge the branch on the latest base and push again",
            )
        return merged
