"""`up` reads the template from a partial clone: the blobs it fetches lazily authenticate with
the session's token, not with git credentials of the environment (none in GitHub Actions)."""

from __future__ import annotations

import pytest

from gitops_release.flows.preview_env import PreviewTarget, UpRequest, up
from gitops_release.image import parse
from tests.integration.conftest import ManifestRepo
from tests.integration.preview_env.conftest import NOW, WEB

pytestmark = pytest.mark.integration


def test_up_without_git_credentials_in_the_environment(
    repo: ManifestRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0"):
        monkeypatch.delenv(key, raising=False)
    target = PreviewTarget(repo.name, repo.git_url, "acme/web", 9, token=repo.token)
    result = up(UpRequest(target, parse(f"{WEB}:pr-9-abc1234"), "octocat", NOW), repo.connect())
    assert (result.action, result.path) == ("created", "previews/web/pr-9")
