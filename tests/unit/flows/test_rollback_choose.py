"""rollback.choose: the deployment to go back to, by image, tag, digest or steps back, and
errors that list what the environment ran."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gitops_release.deployments import Deployment, Kind
from gitops_release.errors import UsageError
from gitops_release.flows.rollback import NothingToRollBackTo, choose

WEB = "ghcr.io/acme/web"
DIGEST = "sha256:" + "d" * 64
WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def made(image: str, kind: Kind = "release") -> Deployment:
    return Deployment(image, None, "c" * 40, WHEN, None, None, kind)


HISTORY = (
    made(f"{WEB}:2.3.0"),
    made(f"{WEB}:pr-9", "branch-deploy"),
    made(f"{WEB}:2.2.0"),
    made(f"{WEB}:2.3.0"),
    made(f"{WEB}@{DIGEST}", "promotion"),
    made(f"{WEB}:2.1.0"),
)


def pick(to: str | None = None, steps: int = 1) -> str:
    return choose(HISTORY, f"{WEB}:2.3.0", env="staging", app="web", to=to, steps=steps).image


def test_steps_count_distinct_images_back_skipping_branch_deploys() -> None:
    assert pick() == f"{WEB}:2.2.0"
    assert pick(steps=2) == f"{WEB}@{DIGEST}"
    assert pick(steps=3) == f"{WEB}:2.1.0"


@pytest.mark.parametrize("to", [f"{WEB}:2.1.0", "2.1.0"])
def test_to_by_image_or_tag(to: str) -> None:
    assert pick(to=to) == f"{WEB}:2.1.0"


def test_to_by_digest() -> None:
    assert pick(to=DIGEST) == f"{WEB}@{DIGEST}"


def test_to_the_running_image_is_a_usage_error() -> None:
    for to in (f"{WEB}:2.3.0", "2.3.0"):
        with pytest.raises(UsageError, match="staging already runs"):
            pick(to=to)


def test_to_an_image_never_deployed_lists_what_was() -> None:
    with pytest.raises(NothingToRollBackTo) as caught:
        pick(to="9.9.9")
    message = str(caught.value)
    assert "9.9.9 was never deployed to staging for web" in message
    assert f"{WEB}:2.2.0, {WEB}@{DIGEST}, {WEB}:2.1.0" in message
    assert "pr-9" not in message  # a branch deploy is not something to go back to
    assert "history" in (caught.value.hint or "")


def test_to_a_branch_deploy_image_is_refused() -> None:
    with pytest.raises(NothingToRollBackTo):
        pick(to="pr-9")


def test_too_many_steps_says_how_many_there_are() -> None:
    with pytest.raises(NothingToRollBackTo, match=r"ran 3 other image\(s\) of web"):
        pick(steps=4)


def test_steps_must_be_positive() -> None:
    with pytest.raises(UsageError, match="--steps 0"):
        pick(steps=0)


def test_an_empty_history_says_none() -> None:
    with pytest.raises(NothingToRollBackTo, match=": none; --steps 1"):
        choose((), f"{WEB}:2.3.0", env="staging", app="web", to=None, steps=1)
