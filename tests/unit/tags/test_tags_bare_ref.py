"""`--ref NAME` without `refs/…`: a tag is a tag, looked up in the checkout, else by its name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_release.flows.tags import TagsRequest, compute
from tests.conftest import RunCli
from tests.integration.conftest import git

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("ref", "kind", "tags"),
    [
        ("v1.2.3", "tag", ("1.2.3", "1.2", "1", "sha-0123456")),
        ("1.2.3", "tag", ("1.2.3", "1.2", "1", "sha-0123456")),
        ("v2.0.0-rc.1", "tag", ("2.0.0-rc.1", "sha-0123456")),
        ("refs/tags/v1.2.3", "tag", ("1.2.3", "1.2", "1", "sha-0123456")),
        ("main", "branch", ("main-0123456-000007", "sha-0123456")),
        ("v1.2", "branch", ("v1.2-0123456-000007", "sha-0123456")),  # not a version: a branch
        ("refs/heads/v1.2.3", "branch", ("v1.2.3-0123456-000007", "sha-0123456")),
    ],
)
def test_bare_names_in_the_flow(ref: str, kind: str, tags: tuple[str, ...]) -> None:
    result = compute(TagsRequest(sha=SHA, ref=ref, run_number=7))
    assert (result.kind, result.tags) == (kind, tags)


@pytest.fixture
def tagged(checkout: Path) -> Path:
    """The checkout with tags v1.2.3 and nightly on its first commit, and a second commit."""
    git("tag", "v1.2.3", cwd=checkout)
    git("tag", "-a", "-m", "nightly build", "nightly", cwd=checkout)
    git("commit", "-q", "--allow-empty", "-m", "second", cwd=checkout)
    return checkout


def tags_json(run_cli: RunCli, *args: str | Path) -> dict[str, object]:
    result = run_cli("tags", *args, "--run-number", "7", "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_bare_tag_is_the_tag_and_its_commit(run_cli: RunCli, tagged: Path) -> None:
    first = git("rev-parse", "v1.2.3^{commit}", cwd=tagged)
    assert first != git("rev-parse", "HEAD", cwd=tagged)
    data = tags_json(run_cli, "--repo", tagged, "--ref", "v1.2.3")
    assert data["kind"] == "tag"
    assert data["version"] == "1.2.3"
    assert data["tags"] == ["1.2.3", "1.2", "1", f"sha-{first[:7]}"]
    assert data["sha"] == first  # the tagged commit, not HEAD
    assert data["branch"] is None


def test_bare_tag_that_is_not_a_version(run_cli: RunCli, tagged: Path) -> None:
    data = tags_json(run_cli, "--repo", tagged, "--ref", "nightly")  # an annotated tag
    assert data["kind"] == "tag"
    assert data["tags"][0] == "nightly"  # type: ignore[index]
    assert data["sha"] == git("rev-parse", "nightly^{commit}", cwd=tagged)


def test_bare_branch_is_the_branch(run_cli: RunCli, tagged: Path) -> None:
    data = tags_json(run_cli, "--repo", tagged, "--ref", "feature/Login")
    assert data["kind"] == "branch"
    assert data["branch"] == "feature/Login"
    assert data["sha"] == git("rev-parse", "HEAD", cwd=tagged)


def test_explicit_sha_wins(run_cli: RunCli, tagged: Path) -> None:
    data = tags_json(run_cli, "--repo", tagged, "--ref", "v1.2.3", "--sha", SHA)
    assert (data["kind"], data["sha"]) == ("tag", SHA)


def test_name_both_a_tag_and_a_branch_is_refused(run_cli: RunCli, tagged: Path) -> None:
    git("branch", "v1.2.3", cwd=tagged)
    result = run_cli("tags", "--repo", tagged, "--ref", "v1.2.3")
    assert result.exit_code == 2
    assert "error: --ref v1.2.3 is both a tag and a branch" in result.stderr
    assert "refs/tags/v1.2.3 or --ref refs/heads/v1.2.3" in result.stderr
    qualified = tags_json(run_cli, "--repo", tagged, "--ref", "refs/heads/v1.2.3")
    assert qualified["kind"] == "branch"


def test_outside_a_checkout_a_version_is_a_tag(run_cli: RunCli, tmp_path: Path) -> None:
    data = tags_json(run_cli, "--repo", tmp_path, "--ref", "v3.1.4", "--sha", SHA)
    assert (data["kind"], data["version"], data["sha"]) == ("tag", "3.1.4", SHA)
    other = tags_json(run_cli, "--repo", tmp_path, "--ref", "develop", "--sha", SHA)
    assert (other["kind"], other["branch"]) == ("branch", "develop")


def test_missing_repo_directory(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("tags", "--repo", tmp_path / "nope", "--sha", SHA, "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["message"] == f"no such directory: {tmp_path / 'nope'} (given as --repo)"


def test_warnings_never_break_the_json(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("tags", "--repo", tmp_path, "--ref", "main", "--sha", SHA, "--latest", "--json")
    outside = run_cli(*args)
    assert outside.exit_code == 0
    assert json.loads(outside.stdout)["warnings"]
    assert "::warning" not in outside.output  # an annotation means nothing outside Actions
    assert "warning: latest: the default branch is unknown" in outside.stderr

    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    inside = run_cli(*args)
    assert json.loads(inside.stdout)["warnings"]
    assert "::warning title=gitops-release tags::latest:" in inside.stderr
