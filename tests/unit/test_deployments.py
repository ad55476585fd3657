"""deployments: trailer blocks (squash bodies included), pull request numbers from merge and
squash subjects, the kind of each deployment, and the images an environment can go back to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gitops_release import trailers
from gitops_release.deployments import (
    Deployment,
    Kind,
    SourceRef,
    deployment,
    deployment_in,
    pull_number,
    rollback_candidates,
    trailer_blocks,
    with_previous,
)
from gitops_release.steps.image_pr_text import Source, commit_message

WEB = "ghcr.io/acme/web"
WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def bump(env: str, tag: str, previous: str | None = None, *, extra: str = "") -> str:
    """A bump's commit message, as `bump` writes it (plus `extra` trailer lines)."""
    message = commit_message(
        "web", env, f"{WEB}:{tag}", previous, (), Source(repo="acme/web", sha="a" * 40, pr=7)
    )
    return message.rstrip("\n") + (f"\n{extra}" if extra else "") + "\n"


def made(image: str, kind: Kind = "release", previous: str | None = None) -> Deployment:
    return Deployment(image, previous, "c" * 40, WHEN, None, None, kind)


# -- trailer_blocks ---------------------------------------------------------------------------


def test_a_bump_message_is_one_block() -> None:
    (block,) = trailer_blocks(bump("staging", "2.0.0", f"{WEB}:1.9.0"))
    assert block == {
        trailers.APP: "web",
        trailers.ENV: "staging",
        trailers.IMAGE: f"{WEB}:2.0.0",
        trailers.PREVIOUS: f"{WEB}:1.9.0",
        trailers.SOURCE: f"acme/web@{'a' * 40} (#7)",
    }


def test_a_squash_body_keeps_every_commit_s_block_in_order_with_prefixed_lines() -> None:
    # GitHub's squash body: `* subject` per commit, then each commit's body, indented or not.
    message = (
        "deploy(web): staging → 2.1.0 (#12)\n\n"
        "* deploy(web): staging → 2.0.0\n\n"
        "* Gitops-Release-App: web\n"
        "* Gitops-Release-Env: staging\n"
        f"* Gitops-Release-Image: {WEB}:2.0.0\n\n"
        "* deploy(web): staging → 2.1.0\n\n"
        "  Gitops-Release-App: web\n"
        "  Gitops-Release-Env: staging\n"
        f"  Gitops-Release-Image: {WEB}:2.1.0\n"
    )
    images = [b[trailers.IMAGE] for b in trailer_blocks(message)]
    assert images == [f"{WEB}:2.0.0", f"{WEB}:2.1.0"]


def test_a_repeated_key_in_one_paragraph_starts_a_new_block() -> None:
    message = (
        "promote\n\n"
        f"Gitops-Release-App: web\nGitops-Release-Image: {WEB}:1\n"
        f"Gitops-Release-App: api\nGitops-Release-Image: {WEB}:2\n"
    )
    assert [b[trailers.APP] for b in trailer_blocks(message)] == ["web", "api"]


def test_messages_without_trailers_have_no_blocks() -> None:
    assert trailer_blocks("fix typo\n\nSigned-off-by: dev <dev@example.com>\n") == []
    assert trailer_blocks("") == []


# -- pull_number ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "number"),
    [
        ("Merge pull request #42 from acme/gitops-release/staging/web", 42),
        ("deploy(web): staging → ghcr.io/acme/web:2.0.0 (#17)", 17),
        ("deploy(web): staging → 2.0.0 (#17)  ", 17),
        ("deploy(web): staging → ghcr.io/acme/web:2.0.0", None),
        ("Fix #12 in the overlay", None),
        ("Merge branch 'main' into develop", None),
    ],
)
def test_pull_number_from_merge_and_squash_subjects(subject: str, number: int | None) -> None:
    assert pull_number(subject) == number


# -- SourceRef --------------------------------------------------------------------------------


def test_source_ref_parses_the_trailer_with_and_without_a_pull_request() -> None:
    assert SourceRef.parse("acme/web@abc (#3)") == SourceRef("acme/web", "abc", 3)
    assert SourceRef.parse("acme/web@abc") == SourceRef("acme/web", "abc", None)
    unknown_repo = SourceRef.parse("?@abc")
    assert unknown_repo == SourceRef(None, "abc", None)
    assert unknown_repo is not None
    assert not unknown_repo.known
    assert SourceRef.parse(None) is None
    assert SourceRef.parse("not a source") is None


# -- deployment_in: kinds ---------------------------------------------------------------------


def kind_of(messages: list[str], env: str = "staging") -> Kind | None:
    hit = deployment_in(messages, env=env, app="web")
    return None if hit is None else hit[0]


def test_a_bump_is_a_release() -> None:
    assert kind_of([bump("staging", "2.0.0")]) == "release"


def test_a_marked_promotion_is_a_promotion() -> None:
    message = bump("production", "2.0.0", extra=f"{trailers.PROMOTED_FROM}: staging")
    assert kind_of([message], env="production") == "promotion"


def test_another_environment_s_block_alone_is_a_promotion_copied_from_it() -> None:
    # a cherry-pick of staging's change merged into production, with no block of its own
    hit = deployment_in([bump("staging", "2.0.0", f"{WEB}:1.0.0")], env="production", app="web")
    assert hit is not None
    kind, block = hit
    assert kind == "promotion"
    made_ = deployment(
        block, kind, env="production", commit="c" * 40, merged_at=WHEN, pull_request=3
    )
    assert made_.previous is None  # staging's previous image says nothing of production
    assert made_.source == SourceRef("acme/web", "a" * 40, 7)


def test_our_environment_s_block_wins_over_another_s() -> None:
    messages = [
        bump("staging", "9.0.0"),
        bump("production", "2.0.0", extra=f"{trailers.PROMOTED_FROM}: staging"),
    ]
    hit = deployment_in(messages, env="production", app="web")
    assert hit is not None
    assert hit[1][trailers.IMAGE] == f"{WEB}:2.0.0"


def test_a_rollback_is_a_rollback() -> None:
    message = bump("staging", "1.0.0", extra=f"{trailers.ROLLBACK}: {WEB}:2.0.0 -> {WEB}:1.0.0")
    assert kind_of([message]) == "rollback"


def test_a_branch_deploy_is_a_branch_deploy() -> None:
    message = bump("staging", "pr-5", extra=f"{trailers.BRANCH_DEPLOY}: acme/web#5")
    assert kind_of([message]) == "branch-deploy"


def test_other_apps_and_plain_commits_are_no_deployment() -> None:
    other = bump("staging", "2.0.0").replace("Gitops-Release-App: web", "Gitops-Release-App: api")
    assert kind_of([other]) is None
    assert kind_of(["Merge branch 'hotfix'\n", "edit the ingress\n"]) is None


def test_preview_environment_commits_are_never_deployments() -> None:
    # as preview-env up writes them
    up = (
        "preview(web): up for acme/web#5\n\nA preview of acme/web#5.\n\n"
        f"{trailers.PREVIEW}: acme/web#5\n{trailers.PREVIEW_APP}: web\n"
        f"{trailers.PREVIEW_IMAGE}: {WEB}:pr-5\n"
    )
    assert kind_of([up]) is None
    # and even a block that also names the app and an image
    both = bump("staging", "pr-5", extra=f"{trailers.PREVIEW}: acme/web#5")
    assert kind_of([both]) is None
    # a real release beside it in the same squash body still counts
    hit = deployment_in([both, bump("staging", "2.0.0")], env="staging", app="web")
    assert hit is not None
    assert hit[1][trailers.IMAGE] == f"{WEB}:2.0.0"


# -- with_previous ----------------------------------------------------------------------------


def test_with_previous_fills_unknown_previous_images_from_the_older_deployment() -> None:
    found = [made(f"{WEB}:3"), made(f"{WEB}:2", previous=f"{WEB}:1"), made(f"{WEB}:2")]
    out = with_previous(found)
    assert [d.previous for d in out] == [f"{WEB}:2", f"{WEB}:1", None]


# -- rollback_candidates ----------------------------------------------------------------------


def test_candidates_list_each_image_once_newest_first_without_the_running_one() -> None:
    found = [
        made(f"{WEB}:4"),
        made(f"{WEB}:3", "rollback"),
        made(f"{WEB}:4"),
        made(f"{WEB}:3"),
        made(f"{WEB}:2", "promotion"),
    ]
    out = rollback_candidates(found, f"{WEB}:4")
    assert [(d.image, d.kind) for d in out] == [(f"{WEB}:3", "rollback"), (f"{WEB}:2", "promotion")]


def test_candidates_skip_branch_deploys() -> None:
    found = [made(f"{WEB}:2"), made(f"{WEB}:pr-5", "branch-deploy"), made(f"{WEB}:1")]
    assert [d.image for d in rollback_candidates(found, f"{WEB}:2")] == [f"{WEB}:1"]


def test_candidates_without_a_running_image_keep_the_newest() -> None:
    assert [d.image for d in rollback_candidates([made(f"{WEB}:2")], None)] == [f"{WEB}:2"]


def test_a_neighbour_s_block_is_its_own_change_not_a_promotion() -> None:
    # directories of one branch: staging's bump is on production's branch too
    staging = bump("staging", "2.0.0")
    assert deployment_in([staging], env="production", app="web", neighbours={"staging"}) is None
    assert kind_of([staging]) == "release"  # and still staging's own
    hit = deployment_in([staging], env="staging", app="web", neighbours={"staging", "prod"})
    assert hit is not None
