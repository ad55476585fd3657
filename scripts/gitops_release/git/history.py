"""History: commits, their messages and parents, ranges, changed paths, merge results.
Fetches deepen a shallow clone only as far as a question needs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from gitops_release import proc
from gitops_release.errors import GitError
from gitops_release.git.remote import RemoteOps

# The merge result is a throwaway commit: a fixed identity and date make it reproducible (the
# same base and head always give the same object id) and independent of the user's git config.
MERGE_IDENTITY = {
    "GIT_AUTHOR_NAME": "gitops-release",
    "GIT_AUTHOR_EMAIL": "gitops-release@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00+0000",
    "GIT_COMMITTER_NAME": "gitops-release",
    "GIT_COMMITTER_EMAIL": "gitops-release@localhost",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00+0000",
}
_USAGE_EXIT = 129


class LogEntry(NamedTuple):
    """One commit of a first-parent walk: what a deployment history is read from."""

    sha: str
    parents: tuple[str, ...]
    committed: datetime
    message: str


class MergeUnsupported(Exception):
    """This git cannot merge without a working tree (older than 2.38: no merge-tree)."""


class HistoryOps(RemoteOps):
    """Commits and how they relate."""

    def has_commit(self, rev: str) -> bool:
        return self._run("cat-file", "-e", f"{rev}^{{commit}}", check=False).returncode == 0

    def fetch_commit(self, sha: str, *, depth: int = 2) -> None:
        """Fetch one commit (and `depth - 1` generations of parents) by its sha."""
        self.fetch(sha, depth=depth)

    def parents(self, sha: str) -> list[str]:
        return self._out("rev-list", "--parents", "-n", "1", sha).split()[1:]

    def fetch_change(self, sha: str) -> None:
        """Fetch a commit with the history its change needs: its parent, and for a merge
        commit every commit of the merged branch (`^1..^2`) down to the merge base — deepening
        a shallow fetch step by step, and fetching all history only when nothing less will do."""
        self.fetch(sha, depth=2)
        parents = self.parents(sha)
        if len(parents) < 2:
            return
        for deepen in (50, 500, None):
            found = self._run("merge-base", parents[0], parents[1], check=False)
            if found.returncode == 0 and not self._shallow(found.out.strip()):
                return
            if deepen is None:
                self._run("fetch", "-q", "--no-tags", "--filter=blob:none", "--unshallow",
                         "origin", sha, network=True, check=False)  # fmt: skip
            else:
                self._run("fetch", "-q", "--no-tags", "--filter=blob:none", f"--deepen={deepen}",
                         "origin", sha, network=True)  # fmt: skip

    def _shallow(self, sha: str) -> bool:
        """Whether `sha` is a boundary commit of a shallow clone (its parents are missing)."""
        shallow = self._shallow_file
        return shallow.is_file() and sha in shallow.read_text(encoding="ascii").split()

    @property
    def _shallow_file(self) -> Path:
        """Where git lists the boundary commits of a shallow clone (absent: all history)."""
        return self.cwd / ".git" / "shallow"

    def reachable_from_branch(self, sha: str, branch: str, *, depth: int = 200) -> bool:
        """Whether `sha` is in `branch`'s history (fetched shallow first, deeper if needed)."""
        ref = f"refs/remotes/origin/{branch}"
        for deepen in (depth, None):
            args = [f"--depth={deepen}"] if deepen else ["--unshallow"]
            refspec = f"+refs/heads/{branch}:{ref}"
            self._run("fetch", "-q", "--no-tags", "--filter=blob:none", *args, "origin", refspec,
                     network=True, check=deepen is not None)  # fmt: skip
            check = self._run("merge-base", "--is-ancestor", sha, ref, check=False)
            if check.returncode == 0:
                return True
            if not self._shallow_file.is_file():
                return False  # all history is here: it is not there
        return False

    def rev_parse(self, rev: str) -> str:
        return self._out("rev-parse", "--verify", "-q", rev)

    def tree_of(self, rev: str) -> str:
        return self.rev_parse(f"{rev}^{{tree}}")

    # -- history and changes -------------------------------------------------------------------

    def message(self, rev: str) -> str:
        """The full commit message of `rev`."""
        return self._out("log", "-1", "--format=%B", rev)

    def messages(self, revision_range: str) -> list[str]:
        """The messages of the commits of a range (empty when it cannot be listed)."""
        text = self._out("log", "--format=%B%x00", revision_range, check=False)
        return [m for m in text.split("\x00") if m.strip()]

    def fetch_branch_history(self, branch: str, *, depth: int | None) -> bool:
        """Fetch `branch` with `depth` commits of history (None: all of it), without blobs;
        whether the history here is still cut short (shallow) afterwards."""
        deep = f"--depth={depth}" if depth is not None else "--depth=2147483647"
        self._run("fetch", "-q", "--no-tags", "--filter=blob:none", deep, "origin",
                  f"+refs/heads/{branch}:refs/remotes/origin/{branch}", network=True)  # fmt: skip
        return self._shallow_file.is_file()

    def first_parent_log(self, rev: str, *, max_count: int) -> list[LogEntry]:
        """The newest `max_count` commits of `rev` along first parents, newest first."""
        text = self._out(
            "log", "--first-parent", f"--max-count={max_count}",
            "--format=%H%x1f%P%x1f%ct%x1f%B%x1e", rev,
        )  # fmt: skip
        entries = []
        for record in text.split("\x1e"):
            if not record.strip():
                continue
            sha, parents, stamp, message = record.strip("\n").split("\x1f", 3)
            when = datetime.fromtimestamp(int(stamp), tz=UTC)
            entries.append(LogEntry(sha, tuple(parents.split()), when, message.strip()))
        return entries

    def first_parent_range(self, before: str, after: str) -> list[str]:
        """The commits of `before..after` along first parents, oldest first."""
        return self._out("rev-list", "--first-parent", "--reverse", f"{before}..{after}").split()

    def changed_files(self, base: str, head: str) -> list[str]:
        out = self._out("diff", "--name-only", "--no-renames", base, head)
        return [line for line in out.splitlines() if line]

    def worktree_changes(self, base: str) -> list[str]:
        """Paths that differ between `base` and the working tree, untracked files included
        (those git does not ignore)."""
        changed = self._out(
            "diff", "--name-only", "--relative", "--no-renames", base, "--", "."
        ).splitlines()
        untracked = self._out("ls-files", "--others", "--exclude-standard").splitlines()
        return [p for p in (*changed, *untracked) if p]

    def merge_base(self, a: str, b: str) -> str:
        return self._out("merge-base", a, b)

    def has_path(self, commit: str, path: str) -> bool:
        return self._run("cat-file", "-e", f"{commit}:{path}", check=False).returncode == 0

    # -- resolving revisions ---------------------------------------------------------------------

    def resolve_commit(self, rev: str) -> str:
        """The full commit id of `rev`; a clear error when it does not exist here."""
        result = self._run(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}",
            summary="could not resolve a revision", check=False,
        )  # fmt: skip
        if result.returncode != 0:
            if "not a git repository" in result.err:
                raise GitError(
                    f"{self.cwd} is not a git repository",
                    hint="pass --repo pointing at a checkout of the manifest repository",
                )
            raise GitError(
                f"revision '{rev}' does not name a commit in {self.cwd}",
                hint=f"fetch it first (e.g. `git fetch origin {rev}`), or check the spelling; "
                "a shallow clone needs enough history for both revisions",
            )
        return result.out.strip()

    def resolve_commits(self, *revs: str) -> tuple[str, ...]:
        """Several revisions resolved with one git call (each is checked again on failure)."""
        if any(r.startswith("-") for r in revs):  # would read as an option without --verify
            return tuple(self.resolve_commit(r) for r in revs)
        result = self._run(
            "rev-parse", *(f"{r}^{{commit}}" for r in revs),
            summary="could not resolve revisions", check=False,
        )  # fmt: skip
        ids = result.out.split()
        if result.returncode != 0 or len(ids) != len(revs) or not all(_is_id(i) for i in ids):
            return tuple(self.resolve_commit(r) for r in revs)
        return tuple(ids)

    def head_commit(self) -> str | None:
        """The commit HEAD points at (None in an empty repository)."""
        head = self._run("rev-parse", "--verify", "-q", "HEAD^{commit}", check=False)
        return head.out.strip() or None

    def head_ref(self) -> str | None:
        """The branch ref HEAD points at (None when detached)."""
        return self._run("symbolic-ref", "-q", "HEAD", check=False).out.strip() or None

    def commit_of_ref(self, ref: str) -> str | None:
        """The commit a full ref (`refs/tags/v1`) points at, or None."""
        shown = self._run("rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
        return shown.out.strip() or None if shown.returncode == 0 else None

    def commit_time(self, sha: str) -> datetime | None:
        """The committer time of `sha` (None when it is not here)."""
        shown = self._run("show", "-s", "--format=%ct", f"{sha}^{{commit}}", check=False)
        if shown.returncode == 0 and shown.out.strip().isdigit():
            return datetime.fromtimestamp(int(shown.out.strip()), tz=UTC)
        return None

    # -- merge results ---------------------------------------------------------------------------

    def merge_result(self, base_id: str, head_id: str, *, base: str, head: str) -> str:
        """A new, unreferenced merge commit of `head_id` into `base_id` (`base`/`head` name them
        in messages); nothing else changes. A conflict raises `GitError` naming the files;
        `MergeUnsupported` when this git cannot merge without a working tree."""
        result = self._run(
            "merge-tree", "--write-tree", "--name-only", "--no-messages", base_id, head_id,
            summary=f"could not merge {head} into {base}", check=False,
        )  # fmt: skip
        if result.returncode == _USAGE_EXIT:  # git older than 2.38: no --write-tree
            raise MergeUnsupported
        lines = result.out.splitlines()
        if result.returncode == 1 and lines:
            conflicts = ", ".join(sorted(set(lines[1:]) - {""})) or "(unknown files)"
            raise GitError(
                f"{head} does not merge cleanly into {base}: conflicts in {conflicts}",
                hint="rebase or merge the branch on the latest base and push again",
            )
        if result.returncode != 0 or not lines:
            raise GitError(
                proc.describe_failure(result, summary=f"could not merge {head} into {base}")
            )
        commit = self._run(
            "commit-tree", lines[0].strip(), "-p", base_id, "-p", head_id,
            input=f"Merge {head} into {base} (rendered diff)\n".encode(),
            extra_env=MERGE_IDENTITY, summary="could not write the merge commit",
        )  # fmt: skip
        return commit.out.strip()


def _is_id(text: str) -> bool:
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)
