"""A snapshot of a repository's files at one revision (or in one directory), read lazily.

Discovery and dependency closures only need the file listing and the text of a few kinds of
files (kustomizations, Argo CD manifests, the config). Reading those from git objects instead of
a checkout lets the diff decide what to render before it checks anything out, and lets base and
head share every blob they have in common: blobs are keyed by their git object id.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol

from gitops_release.git import Git

_SYMLINK_MODE = "120000"
_SUBMODULE_TYPE = "commit"


class BlobStore(Protocol):
    """Where blob texts come from (git objects, files on disk, or memory in tests)."""

    def texts(self, blob_ids: Iterable[str]) -> Mapping[str, str | None]:
        """The UTF-8 text of each blob (None for binary or undecodable content)."""
        ...  # pragma: no cover

    def contents(self, blob_ids: Iterable[str]) -> Mapping[str, bytes]:
        """The bytes of each blob (binary files included); a missing blob is left out."""
        ...  # pragma: no cover


@dataclass(frozen=True)
class Tree:
    """Path → blob id of every file in a snapshot, plus the store that reads the blobs.

    `label` names the snapshot in messages (a revision or a directory).
    """

    files: Mapping[str, str]
    store: BlobStore
    label: str
    symlinks: frozenset[str] = frozenset()

    @cached_property
    def sorted_paths(self) -> tuple[str, ...]:
        return tuple(sorted(self.files))

    def is_file(self, path: str) -> bool:
        return path in self.files

    def is_dir(self, path: str) -> bool:
        """Whether some file lies below `path` ("" is the repository root)."""
        if not path:
            return bool(self.files)
        prefix = path + "/"
        paths = self.sorted_paths
        i = bisect.bisect_left(paths, prefix)
        return i < len(paths) and paths[i].startswith(prefix)

    def exists(self, path: str) -> bool:
        return path in self.files or self.is_dir(path)

    def under(self, prefix: str) -> Iterator[str]:
        """Files below directory `prefix` ("" = all), in sorted order."""
        if not prefix:
            yield from self.sorted_paths
            return
        start = prefix + "/"
        paths = self.sorted_paths
        for i in range(bisect.bisect_left(paths, start), len(paths)):
            if not paths[i].startswith(start):
                break
            yield paths[i]

    def text(self, path: str) -> str | None:
        """The text of one file, or None when it does not exist or is not UTF-8."""
        blob = self.files.get(path)
        if blob is None:
            return None
        return self.store.texts([blob]).get(blob)

    def read_many(self, paths: Iterable[str]) -> dict[str, str | None]:
        """Texts of many files with one read of the store."""
        wanted = {p: self.files[p] for p in paths if p in self.files}
        texts = self.store.texts(set(wanted.values()))
        return {path: texts.get(blob) for path, blob in wanted.items()}

    def digest(self, paths: Iterable[str]) -> str:
        """A digest of the given paths' contents (missing paths count as missing)."""
        h = hashlib.sha256()
        for path in sorted(set(paths)):
            h.update(f"{path}\0{self.files.get(path, '-')}\n".encode())
        return h.hexdigest()


def changed_paths(base: Tree, head: Tree) -> tuple[str, ...]:
    """Every path whose content (or symlink-ness) differs; a rename is a delete plus an add."""
    paths = base.files.keys() | head.files.keys()
    return tuple(
        sorted(
            p
            for p in paths
            if base.files.get(p) != head.files.get(p)
            or (p in base.symlinks) != (p in head.symlinks)
        )
    )


def _decode(data: bytes) -> str | None:
    if b"\0" in data[:8000]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


class MemoryBlobStore:
    """Blobs held in memory; used for trees built from texts (tests, generated repos)."""

    def __init__(self, blobs: Mapping[str, str]) -> None:
        self._blobs = dict(blobs)

    def texts(self, blob_ids: Iterable[str]) -> Mapping[str, str | None]:
        return {b: self._blobs.get(b) for b in blob_ids}

    def contents(self, blob_ids: Iterable[str]) -> Mapping[str, bytes]:
        return {b: self._blobs[b].encode() for b in blob_ids if b in self._blobs}


def tree_from_texts(texts: Mapping[str, str], *, label: str = "memory") -> Tree:
    """A tree of the given files (path → text); blob ids are content hashes."""
    ids = {path: hashlib.sha1(text.encode()).hexdigest() for path, text in texts.items()}  # noqa: S324
    store = MemoryBlobStore({ids[p]: t for p, t in texts.items()})
    return Tree(files=ids, store=store, label=label)


class DirectoryBlobStore:
    """Blobs read from files on disk; the blob id is the file's path (with size and mtime).

    As in git, a symbolic link's blob is the path it points to: nothing is read through a link
    (it may point out of the repository, e.g. at /proc/self/environ).
    """

    def __init__(self, root: Path) -> None:
        self._root = root
        self._cache: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def texts(self, blob_ids: Iterable[str]) -> Mapping[str, str | None]:
        out: dict[str, str | None] = {}
        for blob in blob_ids:
            with self._lock:
                if blob in self._cache:
                    out[blob] = self._cache[blob]
                    continue
            path = self._root / blob.split("\0", 1)[0]
            try:
                text = str(path.readlink()) if path.is_symlink() else _decode(path.read_bytes())
            except OSError:
                text = None
            with self._lock:
                self._cache[blob] = text
            out[blob] = text
        return out

    def contents(self, blob_ids: Iterable[str]) -> Mapping[str, bytes]:
        out: dict[str, bytes] = {}
        for blob in blob_ids:
            path = self._root / blob.split("\0", 1)[0]
            try:
                out[blob] = os.fsencode(path.readlink()) if path.is_symlink() else path.read_bytes()
            except OSError:
                continue
        return out


def tree_from_directory(root: Path) -> Tree:
    """A tree of a plain checkout (no git needed); `.git` and other dot-directories are skipped.

    Symbolic links are entries of their own, as git records them (also links to directories,
    which are not followed).
    """
    paths: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        linked_dirs = [d for d in dirnames if not d.startswith(".") and (base / d).is_symlink()]
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in linked_dirs)
        paths += ((base / name).relative_to(root).as_posix() for name in (*filenames, *linked_dirs))
    return _tree_on_disk(root, paths)


def tree_from_worktree(root: Path) -> Tree:
    """The working tree of a checkout as it is: tracked files (with their uncommitted changes)
    and untracked ones git does not ignore, read from disk. Outside git: `tree_from_directory`.
    """
    paths = Git(root).working_tree_files()
    if paths is None:
        return tree_from_directory(root)
    return _tree_on_disk(root, paths)


def _tree_on_disk(root: Path, paths: Iterable[str]) -> Tree:
    """The tree of these files under `root` (blob ids from path, size and mtime; links kept as
    links). Paths that are gone, or are directories (submodules), are left out."""
    files: dict[str, str] = {}
    links: set[str] = set()
    for rel in paths:
        full = root / rel
        try:
            stat = full.lstat()
        except OSError:
            continue  # deleted in the working tree
        if full.is_dir() and not full.is_symlink():
            continue  # a submodule
        files[rel] = f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}"
        if full.is_symlink():
            links.add(rel)
    return Tree(
        files=files, store=DirectoryBlobStore(root), label=str(root), symlinks=frozenset(links)
    )


class GitBlobStore:
    """Blobs read from a repository's object database with `git cat-file --batch`.

    Thread-safe; each blob is read at most once, so base and head share their common files.
    """

    def __init__(self, repo: Path) -> None:
        self._repo = repo
        self._cache: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def texts(self, blob_ids: Iterable[str]) -> Mapping[str, str | None]:
        wanted = set(blob_ids)
        with self._lock:
            missing = sorted(wanted - self._cache.keys())
        if missing:
            fetched = self._fetch(missing)
            with self._lock:
                self._cache.update(fetched)
        with self._lock:
            return {b: self._cache.get(b) for b in wanted}

    def contents(self, blob_ids: Iterable[str]) -> Mapping[str, bytes]:
        """Bytes of the blobs: texts already read are encoded again (they were decoded as
        strict UTF-8, so the bytes are the same); the rest is read in one batch, not cached."""
        out: dict[str, bytes] = {}
        missing: list[str] = []
        with self._lock:
            for blob in set(blob_ids):
                text = self._cache.get(blob)
                if text is None:
                    missing.append(blob)
                else:
                    out[blob] = text.encode()
        if missing:
            out.update(read_blobs(self._repo, sorted(missing)))
        return out

    def _fetch(self, blob_ids: list[str]) -> dict[str, str | None]:
        found = read_blobs(self._repo, blob_ids)
        return {b: _decode(found[b]) if b in found else None for b in blob_ids}


def read_blobs(repo: Path, blob_ids: Iterable[str]) -> dict[str, bytes]:
    """The bytes of each blob, from one `git cat-file --batch` (missing objects left out)."""
    return parse_cat_file_batch(Git(repo).cat_file_batch(blob_ids))


def parse_cat_file_batch(data: bytes) -> dict[str, bytes]:
    """Parse `git cat-file --batch` output: `<id> <type> <size>\\n<content>\\n` per object
    (blobs only: other objects and missing ones are left out)."""
    out: dict[str, bytes] = {}
    pos = 0
    while pos < len(data):
        eol = data.index(b"\n", pos)
        header = data[pos:eol].decode().split()
        pos = eol + 1
        if len(header) != 3:  # "<id> missing"
            continue
        size = int(header[2])
        if header[1] == "blob":
            out[header[0]] = data[pos : pos + size]
        pos += size + 1
    return out


def tree_from_git(repo: Path, commit: str, *, store: GitBlobStore) -> Tree:
    """The tree of `commit` (a resolved object id), from `git ls-tree -r`."""
    files: dict[str, str] = {}
    links: set[str] = set()
    for entry in Git(repo).tree_listing(commit).split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, blob = meta.decode().split()
        if kind == _SUBMODULE_TYPE:
            continue
        path = raw_path.decode("utf-8", errors="surrogateescape")
        files[path] = blob
        if mode == _SYMLINK_MODE:
            links.add(path)
    return Tree(files=files, store=store, label=commit[:12], symlinks=frozenset(links))
