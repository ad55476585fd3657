"""The pure tag computation: grammar, branch slugs, semver, pull requests, `latest`."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitops_release.errors import UsageError
from gitops_release.flows.tags import (
    MAX_TAG,
    TAG_GRAMMAR,
    TagsRequest,
    branch_tag,
    compute,
    sanitize,
    slug,
)
from gitops_release.reporting.results import tags_json as to_json
from gitops_release.reporting.results import tags_outputs as to_outputs

SHA = "0123456789abcdef0123456789abcdef01234567"
HEAD = "fedcba9876543210fedcba9876543210fedcba98"
MERGE = "1111111111111111111111111111111111111111"


def tags_for(ref: str, **kwargs: object) -> tuple[str, ...]:
    return compute(TagsRequest(sha=SHA, ref=ref, **kwargs)).tags  # type: ignore[arg-type]


def pull_request_event(**head: object) -> dict[str, object]:
    return {
        "number": 17,
        "pull_request": {"number": 17, "head": {"ref": "feature/Login", "sha": HEAD, **head}},
        "repository": {"default_branch": "main"},
    }


# -- slugs and sanitising ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("branch", "expected"),
    [
        ("main", "main"),
        ("Feature/Login", "feature-login"),
        ("feat//x__y", "feat-x__y"),
        ("release/1.2.x", "release-1.2.x"),
        ("-leading-dash", "leading-dash"),
        (".hidden", "hidden"),
        ("trailing.", "trailing"),
        ("a   b", "a-b"),
        ("dependabot/npm_and_yarn/@types/node-20.1", "dependabot-npm_and_yarn-types-node-20.1"),
        ("UPPER_case", "upper_case"),
    ],
)
def test_slug(branch: str, expected: str) -> None:
    assert slug(branch) == expected


@pytest.mark.parametrize("branch", ["ブランチ", "---", "...", "/", "@@"])
def test_slug_of_a_name_with_nothing_usable_is_its_hash(branch: str) -> None:
    value = slug(branch)
    assert re.fullmatch(r"[0-9a-f]{8}", value)
    assert slug(branch) == value  # stable


def test_sanitize_keeps_case_and_valid_names() -> None:
    assert sanitize("Release-2024.01_a") == "Release-2024.01_a"
    assert sanitize("release/2024 01") == "release-2024-01"
    assert sanitize(".x") == "x"


def test_branch_tag_shape() -> None:
    assert branch_tag("main", SHA, "000042") == "main-0123456-000042"


def test_long_branch_is_cut_with_a_hash_and_stays_within_128() -> None:
    first = "feature/" + "x" * 300 + "/one"
    second = "feature/" + "x" * 300 + "/two"
    one, two = branch_tag(first, SHA, "000001"), branch_tag(second, SHA, "000001")
    assert len(one) == len(two) == MAX_TAG
    assert one != two
    assert one.startswith("feature-xxx")
    assert one.endswith("-0123456-000001")
    assert TAG_GRAMMAR.match(one)


def test_two_long_branches_with_the_same_slug_differ() -> None:
    a = "team/" + "y" * 200
    b = "team-" + "y" * 200
    assert slug(a) == slug(b)
    assert branch_tag(a, SHA, "1") != branch_tag(b, SHA, "1")


def test_a_very_long_run_number_still_fits() -> None:
    tag = branch_tag("b" * 200, SHA, "9" * 40)
    assert len(tag) <= MAX_TAG
    assert TAG_GRAMMAR.match(tag)


# -- branches ----------------------------------------------------------------------------------
def test_push_to_a_branch() -> None:
    result = compute(TagsRequest(sha=SHA, event_name="push", ref="refs/heads/main", run_number=42))
    assert result.kind == "branch"
    assert result.tags == ("main-0123456-000042", "sha-0123456")
    assert result.primary == "main-0123456-000042"
    assert result.branch == "main"


def test_run_numbers_sort_within_a_branch() -> None:
    tags = [
        compute(TagsRequest(sha=SHA, ref="refs/heads/main", run_number=n)).primary
        for n in (9, 10, 99, 100, 123456)
    ]
    assert tags == sorted(tags)


def test_without_a_run_number_the_utc_commit_time_is_used() -> None:
    moment = datetime(2024, 3, 5, 15, 7, 8, tzinfo=UTC)
    result = compute(TagsRequest(sha=SHA, ref="refs/heads/main", commit_time=moment))
    assert result.primary == "main-0123456-20240305150708"
    assert result.created == moment


def test_without_run_number_or_commit_time_the_build_time_is_used() -> None:
    now = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert (
        compute(TagsRequest(sha=SHA, ref="main", now=now)).primary == "main-0123456-20300102030405"
    )


def test_sha_is_lowercased() -> None:
    result = compute(TagsRequest(sha="ABCDEF0123456789", ref="refs/heads/main", run_number=1))
    assert result.tags[-1] == "sha-abcdef0"
    assert result.sha == "abcdef0123456789"


def test_detached_builds_get_only_the_sha_tag() -> None:
    result = compute(TagsRequest(sha=SHA))
    assert result.kind == "detached"
    assert result.tags == ("sha-0123456",)
    assert result.primary == "sha-0123456"


@pytest.mark.parametrize("sha", ["", "xyz", "0123", "g" * 40, SHA + "0" * 30])
def test_a_bad_sha_is_a_usage_error(sha: str) -> None:
    with pytest.raises(UsageError, match="is not a commit sha"):
        compute(TagsRequest(sha=sha, ref="refs/heads/main"))


# -- latest ------------------------------------------------------------------------------------
def test_latest_only_on_the_default_branch() -> None:
    event = {"repository": {"default_branch": "main"}}
    on_main = tags_for("refs/heads/main", event=event, latest=True, run_number=1)
    on_other = tags_for("refs/heads/dev", event=event, latest=True, run_number=1)
    assert on_main[-1] == "latest"
    assert "latest" not in on_other


def test_latest_needs_to_be_asked_for() -> None:
    event = {"repository": {"default_branch": "main"}}
    assert "latest" not in tags_for("refs/heads/main", event=event, run_number=1)


def test_default_branch_option_wins_over_the_event() -> None:
    event = {"repository": {"default_branch": "main"}}
    tags = tags_for("refs/heads/trunk", event=event, latest=True, default_branch="trunk")
    assert "latest" in tags


def test_latest_with_an_unknown_default_branch_warns() -> None:
    result = compute(TagsRequest(sha=SHA, ref="refs/heads/main", latest=True, run_number=1))
    assert "latest" not in result.tags
    assert result.warnings == ("latest: the default branch is unknown; pass --default-branch",)


def test_no_latest_for_tags_and_pull_requests() -> None:
    tag = tags_for("refs/tags/v1.0.0", latest=True, default_branch="main")
    pull = compute(
        TagsRequest(
            sha=MERGE,
            event_name="pull_request",
            event=pull_request_event(ref="main"),
            ref="refs/pull/17/merge",
            latest=True,
            run_number=1,
        )
    ).tags
    assert "latest" not in tag
    assert "latest" not in pull


# -- semver tags -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("refs/tags/v1.2.3", ("1.2.3", "1.2", "1", "sha-0123456")),
        ("refs/tags/1.2.3", ("1.2.3", "1.2", "1", "sha-0123456")),
        ("refs/tags/V2.0.10", ("2.0.10", "2.0", "2", "sha-0123456")),
        ("refs/tags/v0.4.1", ("0.4.1", "0.4", "sha-0123456")),
        ("refs/tags/v1.2.3-rc.1", ("1.2.3-rc.1", "sha-0123456")),
        ("refs/tags/v1.2.3+build.7", ("1.2.3_build.7", "sha-0123456")),
        ("refs/tags/v1.2.3-beta+exp.sha.5114f85", ("1.2.3-beta_exp.sha.5114f85", "sha-0123456")),
        ("refs/tags/release/2024.01", ("release-2024.01", "sha-0123456")),
        ("refs/tags/v1.2", ("v1.2", "sha-0123456")),
    ],
)
def test_tag_pushes(ref: str, expected: tuple[str, ...]) -> None:
    result = compute(TagsRequest(sha=SHA, event_name="push", ref=ref, run_number=5))
    assert result.kind == "tag"
    assert result.tags == expected
    assert result.primary == expected[0]


def test_version_is_reported_for_semver_tags_only() -> None:
    assert compute(TagsRequest(sha=SHA, ref="refs/tags/v3.1.4")).version == "3.1.4"
    assert compute(TagsRequest(sha=SHA, ref="refs/tags/nightly")).version is None


def test_a_long_prerelease_is_cut_to_128() -> None:
    result = compute(TagsRequest(sha=SHA, ref="refs/tags/v1.0.0-" + "a" * 200))
    assert len(result.primary) == MAX_TAG
    assert result.primary.startswith("1.0.0-aaa")


# -- pull requests -----------------------------------------------------------------------------
def test_pull_request_uses_the_head_commit_not_the_merge_commit() -> None:
    result = compute(
        TagsRequest(
            sha=MERGE,
            event_name="pull_request",
            event=pull_request_event(),
            ref="refs/pull/17/merge",
            run_number=3,
        )
    )
    assert result.kind == "pull_request"
    assert result.sha == HEAD
    assert result.tags == ("feature-login-fedcba9-000003", "pr-17", "sha-fedcba9")
    assert result.primary == "feature-login-fedcba9-000003"
    assert result.pr_number == 17
    assert MERGE[:7] not in "".join(result.tags)


def test_pull_request_target_is_a_pull_request_too() -> None:
    result = compute(
        TagsRequest(sha=MERGE, event_name="pull_request_target", event=pull_request_event())
    )
    assert result.sha == HEAD


def test_pull_request_without_payload_falls_back_to_the_given_sha() -> None:
    result = compute(TagsRequest(sha=SHA, event_name="pull_request", ref="refs/pull/3/merge"))
    assert result.tags == ("sha-0123456",)


# -- images and output shapes ------------------------------------------------------------------
def test_images_are_every_repository_times_every_tag() -> None:
    result = compute(
        TagsRequest(
            sha=SHA,
            ref="refs/heads/main",
            run_number=1,
            images=("ghcr.io/acme/web", "registry.example.com/web"),
        )
    )
    assert result.images == (
        "ghcr.io/acme/web:main-0123456-000001",
        "ghcr.io/acme/web:sha-0123456",
        "registry.example.com/web:main-0123456-000001",
        "registry.example.com/web:sha-0123456",
    )


def test_json_shape() -> None:
    moment = datetime(2024, 3, 5, 6, 7, 8, tzinfo=UTC)
    result = compute(
        TagsRequest(
            sha=SHA,
            ref="refs/heads/main",
            run_number=1,
            images=("ghcr.io/acme/web",),
            commit_time=moment,
        )
    )
    assert to_json(result) == {
        "kind": "branch",
        "tag": "main-0123456-000001",
        "tags": ["main-0123456-000001", "sha-0123456"],
        "images": ["ghcr.io/acme/web:main-0123456-000001", "ghcr.io/acme/web:sha-0123456"],
        "sha": SHA,
        "short_sha": "0123456",
        "branch": "main",
        "version": None,
        "pr_number": None,
        "created": "2024-03-05T06:07:08Z",
        "warnings": [],
    }
    assert to_outputs(result) == {
        "tag": "main-0123456-000001",
        "tags": "main-0123456-000001\nsha-0123456",
        "images": "ghcr.io/acme/web:main-0123456-000001\nghcr.io/acme/web:sha-0123456",
        "sha": SHA,
        "version": "",
        "created": "2024-03-05T06:07:08Z",
    }


# -- properties --------------------------------------------------------------------------------
shas = st.text("0123456789abcdef", min_size=40, max_size=40)
names = st.text(min_size=1, max_size=400)


@given(branch=names, sha=shas, run=st.integers(min_value=0, max_value=10**12))
def test_every_branch_tag_is_a_valid_docker_tag(branch: str, sha: str, run: int) -> None:
    result = compute(TagsRequest(sha=sha, ref=f"refs/heads/{branch}", run_number=run))
    for tag in result.tags:
        assert TAG_GRAMMAR.match(tag), tag
        assert len(tag) <= MAX_TAG


@given(name=names, sha=shas)
def test_every_git_tag_gives_valid_docker_tags(name: str, sha: str) -> None:
    for tag in compute(TagsRequest(sha=sha, ref=f"refs/tags/{name}")).tags:
        assert TAG_GRAMMAR.match(tag), tag


@given(name=names)
def test_sanitize_and_slug_always_give_valid_tags(name: str) -> None:
    assert TAG_GRAMMAR.match(sanitize(name))
    assert TAG_GRAMMAR.match(slug(name))
    assert slug(name) == slug(name).lower()


long_names = st.text(min_size=130, max_size=400)


@given(a=long_names, b=long_names)
def test_long_branch_names_never_collide(a: str, b: str) -> None:
    if a != b:
        assert branch_tag(a, SHA, "000001") != branch_tag(b, SHA, "000001")


@given(prefix=st.text(min_size=130, max_size=200), a=names, b=names)
def test_long_names_differing_only_at_the_end_do_not_collide(prefix: str, a: str, b: str) -> None:
    if a != b:
        assert branch_tag(prefix + a, SHA, "7") != branch_tag(prefix + b, SHA, "7")
