"""Git revisions for rendering: resolve them and build a merge result.

A pull request's rendered diff must compare the base branch with what the base branch *would
become* (the merge result), not with the PR branch itself: when the base moved on after the
branch was cut, comparing with the branch would show every newer base change as a revert.
"""

from __future__ import annotations

from pathlib import Path

from gitops_release import proc
from gitops_release.errors import GitError
from gitops_release.git import Git

GIT_TIMEOUT = 120.0
# The merge result is a throwaway commit: a fixed identity and date make it reproducible (the
# same base and head always give the same object id) and independent of the user's git config.
_MERGE_IDENTITY = {
    "GIT_AUTHOR_NAME": "gitops-release",
    "GIT_AUTHOR_EMAIL": "gitops-release@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00+0000",
    "GIT_COMMITTER_NAME": "gitops-release",
    "GIT_COMMITTER_EMAIL": "gitops-release@localhost",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00+0000",
}
_USAGE_EXIT = 129


def git(
    repo: Path,
    *args: str,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    summary: str,
    check: bool = True,
) -> proc.Completed:
    """Run git in `repo`, through `gitops_release.git` (the one place that runs git)."""
    return Git(repo).run(
        *args, input=input, extra_env=env, summary=summary, check=check, timeout=GIT_TIMEOUT
    )


def resolve_commit(repo: Path, rev: str) -> str:
    """The full commit id of `rev`; a clear error when it does not exist here."""
    result = git(
        repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}",
        summary="could not resolve a revision", check=False,
    )  # fmt: skip
    if result.returncode != 0:
        if "not a git repository" in result.err:
            raise GitError(
                f"{repo} is not a git repository",
                hint="pass --repo pointing at a checkout of the manifest repository",
            )
        raise GitError(
            f"revision '{rev}' does not name a commit in {repo}",
            hint=f"fetch it first (e.g. `git fetch origin {rev}`), or check the spelling; "
            "a shallow clone needs enough history for both revisions",
        )
    return result.out.strip()


def resolve_commits(repo: Path, *revs: str) -> tuple[str, ...]:
    """Several revisions resolved with one git call (each is checked again on failure)."""
    if any(r.startswith("-") for r in revs):  # would read as an option without --verify
        return tuple(resolve_commit(repo, r) for r in revs)
    result = git(
        repo, "rev-parse", *(f"{r}^{{commit}}" for r in revs),
        summary="could not resolve revisions", check=False,
    )  # fmt: skip
    ids = result.out.split()
    if result.returncode != 0 or len(ids) != len(revs) or not all(_is_id(i) for i in ids):
        return tuple(resolve_commit(repo, r) for r in revs)
    return tuple(ids)


def _is_id(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)


def merge_result(repo: Path, base: str, head: str) -> str:
    """The commit id of `head` merged into `base` (a new, unreferenced merge commit).

    Nothing in the repository changes: no branch moves and no file in the working tree is
    touched. A merge conflict raises `GitError` naming the conflicting files.
    """
    base_id = resolve_commit(repo, base)
    head_id = resolve_commit(repo, head)
    result = git(
        repo, "merge-tree", "--write-tree", "--name-only", "--no-messages", base_id, head_id,
        summary=f"could not merge {head} into {base}", check=False,
    )  # fmt: skip
    if result.returncode == _USAGE_EXIT:  # git older than 2.38: no --write-tree
        return _merge_in_worktree(repo, base_id, head_id)
    lines = result.out.splitlines()
    if result.returncode == 1 and lines:
        conflicts = ", ".join(sorted(set(lines[1:]) - {""})) or "(unknown files)"
        raise GitError(
            f"{head} does not merge cleanly into {base}: conflicts in {conflicts}",
            hint="rebase or merge the branch on the latest base and push again",
        )
    if result.returncode != 0 or not lines:
        raise GitError(proc.describe_failure(result, summary=f"could not merge {head} into {base}"))
    commit = git(
        repo,
        "commit-tree",
        lines[0].strip(),
        "-p",
        base_id,
        "-p",
        head_id,
        input=f"Merge {head} into {base} (rendered diff)\n".encode(),
        env=_MERGE_IDENTITY,
        summary="could not write the merge commit",
    )
    return commit.out.strip()


def _merge_in_worktree(repo: Path, base_id: str, head_id: str) -> str:
    # Imported here: worktree.py needs this module, and only old git versions take this path.
    from gitops_release.render.worktree import temporary_worktrees  # noqa: PLC0415

    with temporary_worktrees(repo) as worktrees:
        checkout = worktrees.add("merge", base_id, paths=None)
        merged = git(
            checkout, "merge", "--no-ff", "--no-edit", "--quiet", head_id,
            env=_MERGE_IDENTITY, summary="could not merge", check=False,
        )  # fmt: skip
        if merged.returncode != 0:
            raise GitError(
                f"{head_id[:12]} does not merge cleanly into {base_id[:12]}",
                hint="rebase or merge the branch on the latest base and push again",
            )
        return git(checkout, "rev-parse", "HEAD", summary="could not read the merge").out.strip()
