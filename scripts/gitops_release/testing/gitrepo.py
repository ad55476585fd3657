"""Real git on the emulator's bare repositories: refs, history, diffs and the three merge methods.

Every command goes through `gitops_release.proc.run`. The environment shuts out the user's global
and system git config, so signing, hooks or `init.defaultBranch` on a developer machine cannot
change what the emulator writes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gitops_release import proc
from gitops_release.errors import GitError

GIT_ENV: Mapping[str, str] = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
}
# Settings every served repository needs: partial clone (`--filter=blob:none` asks for objects by
# id) and pushes over smart HTTP without an authenticated web-server user.
SERVE_CONFIG: Mapping[str, str] = {
    "uploadpack.allowFilter": "true",
    "uploadpack.allowAnySHA1InWant": "true",
    "http.receivepack": "true",
}
ZERO_SHA = "0" * 40
_FIELD = "\x1f"
_LOG_FORMAT = _FIELD.join(["%H", "%T", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%B"])
_STATUS = {
    "A": "added",
    "D": "removed",
    "M": "modified",
    "R": "renamed",
    "C": "copied",
    "T": "changed",
}


@dataclass(frozen=True)
class Signature:
    """Who authors or commits a commit the emulator makes."""

    name: str
    email: str

    def env(self, role: str) -> dict[str, str]:
        return {f"GIT_{role}_NAME": self.name, f"GIT_{role}_EMAIL": self.email}


GITHUB_COMMITTER = Signature("GitHub", "noreply@github.com")


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    date: str  # ISO 8601 in UTC with a Z, as GitHub writes it


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    tree: str
    parents: tuple[str, ...]
    author: Person
    committer: Person
    message: str


@dataclass(frozen=True)
class RefInfo:
    name: str  # refs/heads/main
    sha: str  # the object the ref points at (a tag object for annotated tags)
    type: str  # commit | tag
    commit: str  # the peeled commit


@dataclass(frozen=True)
class ChangedFile:
    """A file a commit range changes, as GitHub lists it for a pull request or a commit."""

    filename: str
    status: str
    additions: int
    deletions: int
    sha: str | None
    previous_filename: str | None
    patch: str | None


def utc_iso(stamp: str) -> str:
    """`2024-01-02T03:04:05+02:00` -> `2024-01-02T01:04:05Z`."""
    moment = datetime.fromisoformat(stamp).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class BareRepo:
    """One bare repository on disk. Methods are thread-compatible; callers serialise writes."""

    def __init__(self, path: Path) -> None:
        self.path = path

    # -- plumbing -------------------------------------------------------------------------------
    def git(
        self,
        *args: str,
        input: bytes | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> proc.Completed:
        return proc.run(
            ["git", "--git-dir", str(self.path), *args],
            env={**GIT_ENV, **(env or {})},
            input=input,
            check=check,
            error=GitError,
            timeout=120,
        )

    @classmethod
    def create(cls, path: Path, default_branch: str) -> BareRepo:
        path.parent.mkdir(parents=True, exist_ok=True)
        proc.run(
            ["git", "init", "--quiet", "--bare", f"--initial-branch={default_branch}", str(path)],
            env=dict(GIT_ENV),
            error=GitError,
        )
        repo = cls(path)
        repo.configure()
        return repo

    def configure(self) -> None:
        for key, value in SERVE_CONFIG.items():
            self.git("config", key, value)

    # -- refs -----------------------------------------------------------------------------------
    def head_branch(self) -> str | None:
        result = self.git("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
        return result.out.strip() or None

    def set_head_branch(self, branch: str) -> None:
        self.git("symbolic-ref", "HEAD", f"refs/heads/{branch}")

    def refs(self, prefix: str = "refs/") -> dict[str, RefInfo]:
        result = self.git(
            "for-each-ref",
            "--format=%(refname)%00%(objectname)%00%(objecttype)%00%(*objectname)",
            prefix,
        )
        found: dict[str, RefInfo] = {}
        for line in result.out.splitlines():
            name, sha, kind, peeled = line.split("\0")
            found[name] = RefInfo(name, sha, kind, peeled or sha)
        return found

    def branch_sha(self, branch: str) -> str | None:
        info = self.refs(f"refs/heads/{branch}").get(f"refs/heads/{branch}")
        return None if info is None else info.commit

    def resolve(self, rev: str) -> str | None:
        """The commit `rev` (sha, branch, tag, ...) names, or None."""
        if not rev or rev.startswith("-"):
            return None
        result = self.git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
        return result.out.strip() or None

    def object_type(self, sha: str) -> str | None:
        result = self.git("cat-file", "-t", sha, check=False)
        return result.out.strip() or None if result.returncode == 0 else None

    def update_ref(self, ref: str, new: str, old: str | None = None) -> bool:
        """Set `ref`; with `old`, only if it still points there. False when that check fails."""
        args = ["update-ref", ref, new] + ([old] if old is not None else [])
        return self.git(*args, check=False).returncode == 0

    def delete_ref(self, ref: str) -> bool:
        return self.git("update-ref", "-d", ref, check=False).returncode == 0

    # -- history --------------------------------------------------------------------------------
    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        result = self.git("merge-base", "--is-ancestor", ancestor, descendant, check=False)
        return result.returncode == 0

    def merge_base(self, one: str, two: str) -> str | None:
        return self.git("merge-base", one, two, check=False).out.strip() or None

    def rev_list(self, base: str, head: str) -> list[str]:
        """Commits in `head` but not `base`, oldest first (the order GitHub lists PR commits)."""
        result = self.git("rev-list", "--reverse", head, f"^{base}")
        return result.out.split()

    def commits(self, shas: Sequence[str]) -> list[CommitInfo]:
        if not shas:
            return []
        result = self.git("log", "-z", "--no-walk=unsorted", f"--format={_LOG_FORMAT}", *shas)
        return [_parse_commit(chunk) for chunk in result.out.split("\0") if chunk]

    def commit(self, sha: str) -> CommitInfo:
        return self.commits([sha])[0]

    def changes(self, base: str, head: str) -> list[ChangedFile]:
        """Files changed from `base` to `head`, with line counts and the per-file patch."""
        raw = self.git("diff", "--raw", "-z", "-M", "--no-abbrev", base, head).out
        numstat = self.git("diff", "--numstat", "-z", "-M", base, head).out
        patch = self.git("diff", "-M", "--no-color", "--no-ext-diff", base, head).out
        return _parse_changes(raw, numstat, patch)

    # -- writing --------------------------------------------------------------------------------
    def merge_tree(self, base: str, head: str) -> str | None:
        """The tree of merging `head` into `base`, or None when they conflict."""
        result = self.git("merge-tree", "--write-tree", "--no-messages", base, head, check=False)
        if result.returncode != 0:
            return None
        return result.out.split()[0]

    def commit_tree(
        self,
        tree: str,
        parents: Sequence[str],
        message: str,
        *,
        author: Signature,
        committer: Signature = GITHUB_COMMITTER,
    ) -> str:
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        env = {**author.env("AUTHOR"), **committer.env("COMMITTER")}
        return self.git(*args, input=message.encode(), env=env).out.strip()

    def rebase(
        self, base: str, head: str, *, committer: Signature = GITHUB_COMMITTER
    ) -> str | None:
        """Replay `base..head` onto `base` as new commits; the new tip, or None on conflict.

        Runs in a throw-away worktree because git 2.39 has no index-free rebase.
        """
        scratch = Path(tempfile.mkdtemp(prefix="fakegithub-rebase-"))
        worktree = scratch / "wt"
        env = {**committer.env("COMMITTER"), **committer.env("AUTHOR")}
        try:
            self.git("worktree", "add", "--quiet", "--detach", str(worktree), head)
            cmd = ["git", "-C", str(worktree), "-c", "core.hooksPath=/dev/null"]
            done = proc.run(
                [*cmd, "rebase", "--force-rebase", "--quiet", base],
                env={**GIT_ENV, **env},
                check=False,
                error=GitError,
                timeout=120,
            )
            if done.returncode != 0:
                proc.run([*cmd, "rebase", "--abort"], env=dict(GIT_ENV), check=False)
                return None
            return proc.run(
                [*cmd, "rev-parse", "HEAD"], env=dict(GIT_ENV), error=GitError
            ).out.strip()
        finally:
            self.git("worktree", "remove", "--force", str(worktree), check=False)
            self.git("worktree", "prune", check=False)
            shutil.rmtree(scratch, ignore_errors=True)

    def commit_directory(
        self, source: Path, branch: str, message: str, *, author: Signature
    ) -> str:
        """Commit the files of a plain directory as the tip of `branch` (seeding a repository)."""
        with tempfile.TemporaryDirectory(prefix="fakegithub-index-") as scratch:
            env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
            self.git("--work-tree", str(source), "add", "--all", "--force", ".", env=env)
            tree = self.git("write-tree", env=env).out.strip()
        parent = self.branch_sha(branch)
        sha = self.commit_tree(
            tree, [parent] if parent else [], message, author=author, committer=author
        )
        self.update_ref(f"refs/heads/{branch}", sha)
        return sha

    def fetch_all(self, source: Path) -> str | None:
        """Copy every branch and tag of the git repository at `source` (bare, a clone or a
        linked worktree); returns the branch `source` has checked out, if any."""
        self.git(
            "fetch",
            "--quiet",
            "--no-tags",
            str(source),
            "+refs/heads/*:refs/heads/*",
            "+refs/tags/*:refs/tags/*",
        )
        current = proc.run(
            ["git", "-C", str(source), "symbolic-ref", "--quiet", "--short", "HEAD"],
            env=dict(GIT_ENV),
            check=False,
        )
        return current.out.strip() or None


def _person(name: str, email: str, date: str) -> Person:
    return Person(name, email, utc_iso(date))


def _parse_commit(chunk: str) -> CommitInfo:
    fields = chunk.split(_FIELD, 9)
    sha, tree, parents, an, ae, ad, cn, ce, cd, message = fields
    return CommitInfo(
        sha=sha.strip(),
        tree=tree,
        parents=tuple(parents.split()),
        author=_person(an, ae, ad),
        committer=_person(cn, ce, cd),
        message=message.rstrip("\n"),
    )


def _split_patch(patch: str) -> list[str | None]:
    """Per-file hunks of a full `git diff`, in file order; None for binary files."""
    chunks: list[str | None] = []
    current: list[str] | None = None
    for line in patch.splitlines(keepends=True):
        if line.startswith("diff --git "):
            if current is not None:
                chunks.append("".join(current).rstrip("\n") or None)
            current = []
            continue
        if current is None:
            continue
        if current or line.startswith("@@"):
            current.append(line)
    if current is not None:
        chunks.append("".join(current).rstrip("\n") or None)
    return chunks


def _parse_changes(raw: str, numstat: str, patch: str) -> list[ChangedFile]:
    counts: dict[str, tuple[int, int]] = {}
    items = numstat.split("\0")
    index = 0
    while index < len(items) and items[index]:
        added_text, deleted_text, path = items[index].split("\t", 2)
        if not path:  # rename: the old and new names follow as separate fields
            path = items[index + 2]
            index += 2
        # Binary files count "-" lines; GitHub reports 0 for them.
        counts[path] = (
            int(added_text) if added_text != "-" else 0,
            int(deleted_text) if deleted_text != "-" else 0,
        )
        index += 1

    patches = _split_patch(patch)
    changes: list[ChangedFile] = []
    fields = raw.split("\0")
    index = 0
    while index < len(fields) and fields[index]:
        meta = fields[index].lstrip(":").split()
        old_sha, new_sha, status = meta[2], meta[3], meta[4]
        letter = status[0]
        previous = None
        if letter in "RC":
            previous, name = fields[index + 1], fields[index + 2]
            index += 3
        else:
            name = fields[index + 1]
            index += 2
        added, deleted = counts.get(name, (0, 0))
        blob = new_sha if new_sha != ZERO_SHA else old_sha
        file_patch = patches[len(changes)] if len(changes) < len(patches) else None
        changes.append(
            ChangedFile(
                filename=name,
                status=_STATUS.get(letter, "modified"),
                additions=added,
                deletions=deleted,
                sha=blob if blob != ZERO_SHA else None,
                previous_filename=previous,
                patch=file_patch,
            )
        )
    return changes


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_git_repository(path: Path) -> bool:
    """Whether `path` is itself a git repository (a work tree's top or a bare repository)."""
    return (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir())
