"""What the shape builders share: `Json`, the emulator's `Urls` (REST, web pages and git on one
loopback origin), and `ShapesBase`, which holds the URLs, the store and the credentials every
kind of GitHub object is built from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from gitops_release.testing.auth import Credentials
from gitops_release.testing.store import Store

Json = dict[str, Any]


@dataclass(frozen=True)
class Urls:
    """Where the emulator is reachable; REST, web pages and git share one origin."""

    base: str

    @property
    def api(self) -> str:
        return self.base

    @property
    def web(self) -> str:
        return self.base

    @property
    def git(self) -> str:
        return self.base

    @property
    def host(self) -> str:
        return urlsplit(self.base).netloc

    def repo_api(self, full_name: str) -> str:
        return f"{self.api}/repos/{full_name}"


class ShapesBase:
    """What every shape builder reads: the emulator's URLs, its store and its credentials."""

    def __init__(self, urls: Urls, store: Store, credentials: Credentials) -> None:
        self.urls = urls
        self.store = store
        self.credentials = credentials
