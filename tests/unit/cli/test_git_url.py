"""The clone URL follows an explicit --api-url: GitHub, GitHub Enterprise, the emulator."""

from __future__ import annotations

import pytest

from gitops_release.commands.common import git_url


@pytest.mark.parametrize(
    ("api", "expected"),
    [
        ("https://api.github.com", "https://github.com/acme/manifests.git"),
        ("https://ghe.example.com/api/v3", "https://ghe.example.com/acme/manifests.git"),
        ("https://ghe.example.com/api/v3/", "https://ghe.example.com/acme/manifests.git"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/acme/manifests.git"),
    ],
)
def test_the_git_url_follows_the_api_url(api: str, expected: str) -> None:
    assert git_url(None, "acme/manifests", api) == expected


def test_an_explicit_git_url_wins_and_the_server_url_is_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert git_url("file:///x.git", "acme/m", "https://ghe/api/v3") == "file:///x.git"
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://ghe.example.com")
    assert git_url(None, "acme/m") == "https://ghe.example.com/acme/m.git"
