"""`tags`: the image tags one build gets, computed from the CI event and the commit (no I/O).

Every tag is valid in Docker's tag grammar (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`):

- `sha-<7>` for every build;
- a branch-deploy tag `<branch-slug>-<sha7>-<build>` for branches and pull requests, where
  `<build>` is the run number zero-padded to six digits (sortable per branch) or, outside CI, the
  UTC commit (or build) time `YYYYMMDDHHMMSS`;
- `pr-<number>` for pull requests;
- `1.2.3`, `1.2`, `1` for a `v1.2.3` git tag (a prerelease gets only its full version; `0.x`
  versions get no major-only tag, since under semver every 0.x minor may break);
- the sanitised tag name for other git tags;
- optionally `latest` for the default branch.

Names that must be shortened keep a prefix and end in a hash of the full name, so two long
branch names never produce the same tag.

Refs: `refs/tags/T` is a tag and `refs/heads/B` a branch. A bare name (`--ref v1.2.3`) is a tag
when it is a version (`v1.2.3`, `1.2.3`, `1.2.3-rc.1`) and a branch otherwise; the command line
first looks a bare name up in the checkout, so a tag named `nightly` is found as a tag there.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import semver

from gitops_release.errors import UsageError

Kind = Literal["branch", "tag", "pull_request", "detached"]

MAX_TAG = 128
HASH_CHARS = 8
RUN_DIGITS = 6
SHORT_SHA = 7
TAG_GRAMMAR = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_SHA = re.compile(r"^[0-9a-fA-F]{7,64}$")
_NOT_SLUG = re.compile(r"[^a-z0-9_.-]+")
_NOT_TAG = re.compile(r"[^A-Za-z0-9_.-]+")
_DASHES = re.compile(r"-{2,}")
PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target"})


@dataclass(frozen=True)
class TagsRequest:
    """What the tags depend on. `event` is the webhook payload (may be empty)."""

    sha: str
    event_name: str = ""
    event: Mapping[str, Any] = field(default_factory=dict)
    ref: str = ""
    run_number: int | None = None
    images: tuple[str, ...] = ()
    latest: bool = False
    default_branch: str | None = None
    commit_time: datetime | None = None
    now: datetime | None = None  # the build time, used when neither run number nor commit time


@dataclass(frozen=True)
class TagsResult:
    kind: Kind
    tags: tuple[str, ...]
    primary: str
    sha: str
    images: tuple[str, ...] = ()
    branch: str | None = None
    version: str | None = None
    pr_number: int | None = None
    created: datetime | None = None
    warnings: tuple[str, ...] = ()

    @property
    def short_sha(self) -> str:
        return self.sha[:SHORT_SHA]


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


def fit(text: str, limit: int, *, original: str | None = None) -> str:
    """`text` cut to `limit` characters; when cut, it ends in `-<hash of original>`.

    Whether to cut is decided on the longer of `text` and `original`: two long names whose
    slugs happen to be short and equal still get different hashes.
    """
    if len(text) <= limit and len(original or "") <= limit:
        return text
    digest = short_hash(original if original is not None else text)
    head = text[: max(limit - len(digest) - 1, 0)].rstrip("-.")
    return f"{head}-{digest}" if head else digest[:limit]


def slug(name: str) -> str:
    """A branch or ref name as a lowercase tag fragment: `Feature/Login` → `feature-login`.

    Characters outside `[a-z0-9_.-]` become `-` (runs collapse to one); leading `.` and `-`
    (not allowed at the start of a tag) and trailing ones (which would double up when the slug
    is joined with `-`) are removed. Never empty: a name with nothing left becomes its hash.
    """
    text = _DASHES.sub("-", _NOT_SLUG.sub("-", name.lower())).strip(".-")
    return text or short_hash(name)


def sanitize(name: str, *, limit: int = MAX_TAG) -> str:
    """Any name as a valid tag of at most `limit` characters (case kept, unlike `slug`)."""
    text = _DASHES.sub("-", _NOT_TAG.sub("-", name)).lstrip(".-")
    return fit(text, limit, original=name) if text else short_hash(name)


def branch_tag(branch: str, sha: str, build: str) -> str:
    """`<branch-slug>-<sha7>-<build>`, the slug shortened (with a hash) to stay within 128."""
    tail = f"-{sha[:SHORT_SHA]}-{build}"
    return fit(slug(branch), MAX_TAG - len(tail), original=branch) + tail


def semver_tags(version: semver.Version) -> tuple[str, ...]:
    full = str(version).replace("+", "_")  # `+` is not allowed in tags (Helm's convention)
    if version.prerelease or version.build:
        return (sanitize(full),)
    floating = [f"{version.major}.{version.minor}"]
    if version.major > 0:
        floating.append(str(version.major))
    return (full, *floating)


def parse_version(tag_name: str) -> semver.Version | None:
    text = tag_name[1:] if tag_name[:1] in "vV" else tag_name
    try:
        return semver.Version.parse(text)
    except ValueError:
        return None


def build_stamp(request: TagsRequest) -> str:
    if request.run_number is not None:
        return f"{request.run_number:0{RUN_DIGITS}d}"
    moment = request.commit_time or request.now or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


@dataclass(frozen=True)
class _Source:
    kind: Kind
    sha: str
    branch: str | None = None
    tag: str | None = None
    pr_number: int | None = None


def built_commit(event_name: str, event: Mapping[str, Any], sha: str) -> str:
    """The commit a build is of: for pull requests the PR head, never the merge commit."""
    if event_name in PULL_REQUEST_EVENTS:
        head = (event.get("pull_request") or {}).get("head") or {}
        return str(head.get("sha") or sha)
    return sha


def _source(request: TagsRequest) -> _Source:
    """Which commit was built and from where (branch, tag or pull request)."""
    sha = built_commit(request.event_name, request.event, request.sha)
    if request.event_name in PULL_REQUEST_EVENTS:
        pull = request.event.get("pull_request") or {}
        head = pull.get("head") or {}
        number = pull.get("number") or request.event.get("number")
        branch = head.get("ref") or _ref_name(request.ref, "refs/heads/")
        return _Source(
            "pull_request",
            sha,
            branch=str(branch) if branch else None,
            pr_number=int(number) if number is not None else None,
        )
    if request.ref.startswith("refs/tags/"):
        return _Source("tag", sha, tag=request.ref.removeprefix("refs/tags/"))
    if is_bare_version(request.ref):
        return _Source("tag", sha, tag=request.ref)
    branch = _ref_name(request.ref, "refs/heads/")
    if branch:
        return _Source("branch", sha, branch=branch)
    return _Source("detached", sha)


def is_bare_version(ref: str) -> bool:
    """`v1.2.3` given without `refs/tags/`: a release tag, never silently a branch."""
    return bool(ref) and not ref.startswith("refs/") and parse_version(ref) is not None


def _ref_name(ref: str, prefix: str) -> str | None:
    if ref.startswith(prefix):
        return ref.removeprefix(prefix) or None
    if ref and not ref.startswith("refs/"):
        return ref  # a short name, as given on the command line
    return None


def _default_branch(request: TagsRequest) -> str | None:
    if request.default_branch:
        return request.default_branch
    repository = request.event.get("repository") or {}
    value = repository.get("default_branch") if isinstance(repository, Mapping) else None
    return str(value) if value else None


def compute(request: TagsRequest) -> TagsResult:
    """The tags for one build; raises `UsageError` for a commit id that is not a hex sha."""
    source = _source(request)
    if not _SHA.match(source.sha):
        raise UsageError(
            f"'{source.sha}' is not a commit sha",
            hint="pass --sha with the full commit id (or run inside GitHub Actions)",
        )
    sha = source.sha.lower()
    tags: list[str] = []
    warnings: list[str] = []
    version: str | None = None
    primary: str | None = None
    if source.kind == "tag" and source.tag:
        parsed = parse_version(source.tag)
        if parsed is not None:
            version = str(parsed)
            tags += semver_tags(parsed)
        else:
            tags.append(sanitize(source.tag))
        primary = tags[0]
    if source.branch:
        primary = branch_tag(source.branch, sha, build_stamp(request))
        tags.append(primary)
    if source.pr_number is not None:
        tags.append(f"pr-{source.pr_number}")
    tags.append(f"sha-{sha[:SHORT_SHA]}")
    if request.latest and source.kind == "branch":
        default = _default_branch(request)
        if default is None:
            warnings.append("latest: the default branch is unknown; pass --default-branch")
        elif source.branch == default:
            tags.append("latest")
    unique = tuple(dict.fromkeys(tags))
    assert all(TAG_GRAMMAR.match(t) for t in unique), unique
    return TagsResult(
        kind=source.kind,
        tags=unique,
        primary=primary or f"sha-{sha[:SHORT_SHA]}",
        sha=sha,
        images=tuple(f"{image}:{tag}" for image in request.images for tag in unique),
        branch=source.branch,
        version=version,
        pr_number=source.pr_number,
        created=request.commit_time,
        warnings=tuple(warnings),
    )
