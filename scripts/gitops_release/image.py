"""Container image references: parsing (docker-image-py's port of distribution/reference),
normalisation for comparison, and formatting."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import semver
from docker_image import reference as _ref

from gitops_release.errors import ImageRefError

_FORMAT_HINT = (
    "write a full reference: REPOSITORY:TAG, REPOSITORY@sha256:DIGEST or "
    "REPOSITORY:TAG@sha256:DIGEST, e.g. ghcr.io/acme/web:1.4.2"
)
_DOCKER_HUB = "docker.io"


@dataclass(frozen=True)
class ImageRef:
    repository: str
    tag: str | None = None
    digest: str | None = None

    def __str__(self) -> str:
        return self.repository + self.suffix

    @property
    def suffix(self) -> str:
        """`:tag`, `@digest` or `:tag@digest` — what follows the repository."""
        return (f":{self.tag}" if self.tag else "") + (f"@{self.digest}" if self.digest else "")

    @property
    def version(self) -> str:
        """The tag, the digest, or both, without the repository (for messages and tables)."""
        return self.suffix.lstrip(":")

    def same_repository(self, repository: str) -> bool:
        return normalize_repository(self.repository) == normalize_repository(repository)


def parse(text: str, *, require_version: bool = True, what: str = "image reference") -> ImageRef:
    """Parse an image reference; with `require_version`, a tag or a digest must be present."""
    value = text.strip()
    if not value:
        raise ImageRefError(f"empty {what}", hint=_FORMAT_HINT)
    try:
        parsed = _ref.Reference.parse(value)
    except Exception as exc:  # docker-image-py raises bare Exception subclasses per failure
        reason = str(exc) or type(exc).__name__
        raise ImageRefError(f"invalid {what} '{value}': {reason}", hint=_why(value)) from None
    name = str(parsed["name"])
    tag = parsed["tag"]
    digest = parsed["digest"]
    if require_version and not tag and not digest:
        raise ImageRefError(
            f"{what} '{value}' has no tag or digest",
            hint=f"add the version to deploy, e.g. {name}:1.4.2 or {name}@sha256:<digest>",
        )
    return ImageRef(name, str(tag) if tag else None, str(digest) if digest else None)


def parse_repository(text: str, *, what: str = "image") -> str:
    """Validate an image repository (no tag, no digest) and return it as written."""
    ref = parse(text, require_version=False, what=what)
    if ref.tag or ref.digest:
        raise ImageRefError(
            f"{what} '{text}' must be a repository without tag or digest",
            hint=f"write just '{ref.repository}'",
        )
    return ref.repository


@lru_cache(maxsize=4096)
def normalize_repository(repository: str) -> str:
    """Canonical form for comparison: `nginx` and `docker.io/library/nginx` are the same."""
    domain, remainder = _ref.Reference.parse(repository).split_hostname()
    if domain in (None, "index.docker.io", _DOCKER_HUB):
        domain = _DOCKER_HUB
        if "/" not in remainder:
            remainder = f"library/{remainder}"
    return f"{domain}/{remainder}"


def semver_of(tag: str | None) -> semver.Version | None:
    """The semantic version a tag spells (`1.2.3` or `v1.2.3`), or None."""
    if not tag:
        return None
    try:
        return semver.Version.parse(tag[1:] if tag[:1] in "vV" else tag)
    except ValueError:
        return None


def _why(value: str) -> str:
    if any(
        c.isupper()
        for c in value.split(":", maxsplit=1)[0].split("@", maxsplit=1)[0].split("/", 1)[-1]
    ):
        return "repository names must be lowercase; " + _FORMAT_HINT
    if "@" in value and "sha256:" in value:
        return "a sha256 digest has exactly 64 lowercase hex characters; " + _FORMAT_HINT
    if value.endswith(":"):
        return "the tag after ':' is empty; " + _FORMAT_HINT
    if ":" in value.rsplit("/", 1)[-1] and len(value.rsplit(":", 1)[-1]) > 128:
        return "a tag has at most 128 characters; " + _FORMAT_HINT
    return _FORMAT_HINT
