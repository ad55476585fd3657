"""Fixtures for the act end-to-end tests: a registry, a buildah store, a wheelhouse, act."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gitops_release.testing import FakeGitHub
from tests.e2e.harness import (
    Act,
    Registry,
    build_wheelhouse,
    make_act,
    run_registry,
    runner_environment,
    toolkit_snapshot,
)


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    with run_registry(tmp_path_factory.mktemp("registry")) as running:
        yield running


@pytest.fixture(scope="session")
def runner_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    wheelhouse = build_wheelhouse(tmp_path_factory.mktemp("wheelhouse"))
    return runner_environment(tmp_path_factory.mktemp("runner"), wheelhouse)


@pytest.fixture(scope="session")
def toolkit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return toolkit_snapshot(tmp_path_factory.mktemp("gitops-release"))


@pytest.fixture
def act(fake_github: FakeGitHub, tmp_path: Path, runner_env: dict[str, str], toolkit: Path) -> Act:
    return make_act(
        tmp_path,
        api_url=fake_github.api_url,
        server_url=fake_github.git_url,
        env=runner_env,
        toolkit=toolkit,
    )
