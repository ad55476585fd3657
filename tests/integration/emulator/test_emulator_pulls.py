"""PyGithub against the emulator over HTTP: repositories, refs and pull requests."""

from __future__ import annotations

import pytest
from github import Github, GithubException

from gitops_release.testing import FakeGitHub

from .conftest import Seeded, bare_file, commit_file, git

pytestmark = pytest.mark.integration


def test_create_repo_with_auto_init_makes_a_real_bare_repo(
    fake_github: FakeGitHub, fake_github_client: Github
) -> None:
    repo = fake_github_client.get_user().create_repo("svc", description="a service", auto_init=True)

    assert repo.full_name == "octocat/svc"
    assert repo.default_branch == "main"
    assert repo.clone_url == f"{fake_github.git_url}/octocat/svc.git"
    bare = fake_github.repo("octocat/svc").path
    assert bare == fake_github.data_dir / "octocat" / "svc.git"
    assert bare_file(bare, "main", "README.md") == "# svc\n\na service\n"
    assert repo.get_branch("main").commit.sha == fake_github.ref("octocat/svc", "refs/heads/main")
    with pytest.raises(GithubException) as exists:
        fake_github_client.get_user().create_repo("svc")
    assert exists.value.status == 422


def test_org_repo_and_lookups(fake_github: FakeGitHub, fake_github_client: Github) -> None:
    fake_github.add_org("acme")
    org = fake_github_client.get_organization("acme")
    repo = org.create_repo("deploy", private=True, auto_init=True)

    assert repo.owner.login == "acme"
    assert repo.owner.type == "Organization"
    assert repo.private
    assert fake_github_client.get_repo("acme/deploy").id == repo.id
    assert fake_github_client.get_organization("acme").login == "acme"
    assert fake_github_client.get_user("octocat").login == "octocat"
    permission = repo.get_collaborator_permission("octocat")
    assert permission == "admin"
    with pytest.raises(GithubException) as missing:
        fake_github_client.get_repo("acme/nope")
    assert missing.value.status == 404


def test_git_refs_are_the_bare_repos_refs(seeded: Seeded, fake_github_client: Github) -> None:
    repo = fake_github_client.get_repo(seeded.full_name)

    ref = repo.create_git_ref("refs/heads/release/v1", seeded.main_sha)
    assert git("--git-dir", seeded.bare, "rev-parse", "release/v1").out.strip() == seeded.main_sha
    assert repo.get_git_ref("heads/release/v1").object.sha == seeded.main_sha
    names = [r.ref for r in repo.get_git_matching_refs("heads/")]
    assert names == ["refs/heads/bump", "refs/heads/main", "refs/heads/release/v1"]

    ref.edit(seeded.bump_sha)  # fast-forward
    assert seeded.github.ref(seeded.full_name, "release/v1") == seeded.bump_sha
    with pytest.raises(GithubException) as not_ff:
        ref.edit(seeded.main_sha)
    assert not_ff.value.status == 422
    ref.edit(seeded.main_sha, force=True)
    assert seeded.github.ref(seeded.full_name, "release/v1") == seeded.main_sha

    assert repo.get_branch("release/v1").commit.sha == seeded.main_sha
    commit = repo.get_commit(seeded.bump_sha)
    assert commit.commit.message == "Bump web to 1.1.0"
    assert [f.filename for f in commit.files] == ["apps/web.yaml"]

    ref.delete()
    assert seeded.github.ref(seeded.full_name, "refs/heads/release/v1") is None
    with pytest.raises(GithubException) as gone:
        repo.get_git_ref("heads/release/v1").object  # noqa: B018 - the lookup is the test
    assert gone.value.status == 404


def test_pull_request_lifecycle(seeded: Seeded, fake_github_client: Github) -> None:
    repo = fake_github_client.get_repo(seeded.full_name)

    pr = repo.create_pull(base="main", head="bump", title="Bump web", body="1.0.0 -> 1.1.0")

    assert pr.number == 1
    assert pr.head.sha == seeded.bump_sha
    assert pr.base.sha == seeded.main_sha
    assert pr.mergeable is True
    assert pr.mergeable_state == "clean"
    assert (pr.commits, pr.additions, pr.deletions, pr.changed_files) == (1, 1, 1, 1)
    assert pr.user.login == "octocat"
    assert pr.node_id.startswith("PR_")
    assert pr.html_url == f"{seeded.github.api_url}/octocat/deploy/pull/1"
    files = list(pr.get_files())
    assert [(f.filename, f.status) for f in files] == [("apps/web.yaml", "modified")]
    assert "+image: web:1.1.0" in (files[0].patch or "")
    assert [c.sha for c in pr.get_commits()] == [seeded.bump_sha]

    assert [p.number for p in repo.get_pulls(head="octocat:bump", base="main")] == [1]
    assert list(repo.get_pulls(head="octocat:other")) == []
    assert list(repo.get_pulls(state="closed")) == []

    # A push to the head branch moves head.sha.
    new_head = commit_file(seeded.work, "apps/api.yaml", "image: api:2.0.0\n", "Add api")
    git("push", "-q", "origin", "bump", cwd=seeded.work)
    assert repo.get_pull(1).head.sha == new_head
    assert repo.get_pull(1).changed_files == 2

    pr.edit(title="Bump web and api", body="two images")
    fetched = repo.get_pull(1)
    assert (fetched.title, fetched.body) == ("Bump web and api", "two images")

    pr.edit(state="closed")
    assert repo.get_pull(1).state == "closed"
    assert [p.number for p in repo.get_pulls(state="closed")] == [1]
    pr.edit(state="open")
    assert repo.get_pull(1).state == "open"

    issue = repo.get_issue(1)
    assert issue.pull_request is not None
    assert issue.title == "Bump web and api"


def test_pull_request_validation_errors(seeded: Seeded, fake_github_client: Github) -> None:
    repo = fake_github_client.get_repo(seeded.full_name)
    repo.create_pull(base="main", head="bump", title="Bump web")

    with pytest.raises(GithubException) as duplicate:
        repo.create_pull(base="main", head="octocat:bump", title="again")
    assert duplicate.value.status == 422
    assert duplicate.value.data["errors"][0]["message"] == (
        "A pull request already exists for octocat:bump."
    )

    with pytest.raises(GithubException) as missing_head:
        repo.create_pull(base="main", head="nope", title="x")
    assert missing_head.value.status == 422
    assert missing_head.value.data["errors"] == [
        {"resource": "PullRequest", "code": "invalid", "field": "head"}
    ]

    repo.create_git_ref("refs/heads/same", seeded.main_sha)
    with pytest.raises(GithubException) as empty:
        repo.create_pull(base="main", head="same", title="x")
    assert empty.value.status == 422
    assert "No commits between main and same" in str(empty.value.data)

    with pytest.raises(GithubException) as unknown:
        repo.get_pull(99)
    assert unknown.value.status == 404


@pytest.mark.parametrize("method", ["merge", "squash", "rebase"])
def test_merge_methods_write_real_commits(
    seeded: Seeded, fake_github_client: Github, method: str
) -> None:
    repo = fake_github_client.get_repo(seeded.full_name)
    # Move main on, so every method has to create new commits.
    git("checkout", "-q", "main", cwd=seeded.work)
    main_tip = commit_file(seeded.work, "README.md", "# deploy\n\nnotes\n", "Docs")
    git("push", "-q", "origin", "main", cwd=seeded.work)
    pr = repo.create_pull(base="main", head="bump", title="Bump web")

    status = pr.merge(merge_method=method, commit_title=f"{method} it")

    assert status.merged
    tip = seeded.github.ref(seeded.full_name, "refs/heads/main")
    assert status.sha == tip
    assert bare_file(seeded.bare, "main", "apps/web.yaml") == "image: web:1.1.0\n"
    assert bare_file(seeded.bare, "main", "README.md") == "# deploy\n\nnotes\n"
    parents = git("--git-dir", seeded.bare, "rev-list", "--parents", "-n1", "main").out.split()[1:]
    info = git("--git-dir", seeded.bare, "log", "-1", "--format=%an|%cn|%s", "main").out.strip()
    if method == "merge":
        assert parents == [main_tip, seeded.bump_sha]
        assert info == "octocat|GitHub|merge it"
    elif method == "squash":
        assert parents == [main_tip]
        assert info == "octocat|GitHub|squash it"
    else:
        assert parents == [main_tip]
        assert tip != seeded.bump_sha
        assert info == "Dev|GitHub|Bump web to 1.1.0"

    merged = repo.get_pull(pr.number)
    assert merged.merged
    assert merged.state == "closed"
    assert merged.merge_commit_sha == tip
    assert merged.merged_by.login == "octocat"
    assert merged.is_merged()
    assert [p.number for p in repo.get_commit(tip).get_pulls()] == [pr.number]
    with pytest.raises(GithubException) as again:
        merged.merge()
    assert again.value.status == 405


def test_conflicting_pull_request_is_not_mergeable(
    seeded: Seeded, fake_github_client: Github
) -> None:
    git("checkout", "-q", "main", cwd=seeded.work)
    commit_file(seeded.work, "apps/web.yaml", "image: web:9.9.9\n", "Conflicting bump")
    git("push", "-q", "origin", "main", cwd=seeded.work)
    repo = fake_github_client.get_repo(seeded.full_name)
    pr = repo.create_pull(base="main", head="bump", title="Bump web")

    assert pr.mergeable is False
    assert pr.mergeable_state == "dirty"
    with pytest.raises(GithubException) as refused:
        pr.merge()
    assert refused.value.status == 405
    assert repo.get_pull(pr.number).state == "open"


def test_merge_with_stale_head_sha_is_refused(seeded: Seeded, fake_github_client: Github) -> None:
    repo = fake_github_client.get_repo(seeded.full_name)
    pr = repo.create_pull(base="main", head="bump", title="Bump web")

    with pytest.raises(GithubException) as moved:
        pr.merge(sha=seeded.main_sha)

    assert moved.value.status == 409
    assert seeded.github.ref(seeded.full_name, "main") == seeded.main_sha


def test_deleting_the_head_branch_closes_the_pull_request(
    seeded: Seeded, fake_github_client: Github
) -> None:
    repo = fake_github_client.get_repo(seeded.full_name)
    pr = repo.create_pull(base="main", head="bump", title="Bump web")

    repo.get_git_ref("heads/bump").delete()

    closed = repo.get_pull(pr.number)
    assert closed.state == "closed"
    assert not closed.merged
    assert closed.head.sha == seeded.bump_sha


def test_pushing_the_head_into_the_base_marks_it_merged(
    seeded: Seeded, fake_github_client: Github
) -> None:
    repo = fake_github_client.get_repo(seeded.full_name)
    pr = repo.create_pull(base="main", head="bump", title="Bump web")

    git("push", "-q", "origin", "bump:main", cwd=seeded.work)

    merged = repo.get_pull(pr.number)
    assert merged.merged
    assert merged.commits == 1


def test_auto_merge_via_graphql(seeded: Seeded, fake_github_client: Github) -> None:
    repo = fake_github_client.get_repo(seeded.full_name)
    pr = repo.create_pull(base="main", head="bump", title="Bump web")
    repo.get_commit(seeded.bump_sha).create_status("pending", context="ci")

    pr.enable_automerge(merge_method="SQUASH")

    auto = repo.get_pull(pr.number).raw_data["auto_merge"]
    assert auto["merge_method"] == "squash"
    assert auto["enabled_by"]["login"] == "octocat"
    assert auto["commit_title"] == "Bump web (#1)"
    assert seeded.github.run_auto_merge() == ()  # the pending status holds it back

    repo.get_commit(seeded.bump_sha).create_status("success", context="ci")
    (done,) = seeded.github.run_auto_merge()
    assert (done.full_name, done.number) == (seeded.full_name, pr.number)
    assert seeded.github.ref(seeded.full_name, "main") == done.sha
    assert repo.get_pull(pr.number).merged

    other = repo.create_git_ref("refs/heads/other", seeded.bump_sha)
    commit_file(seeded.work, "x.txt", "x\n", "x")
    git("push", "-q", "origin", "HEAD:other", cwd=seeded.work)
    second = repo.create_pull(base="main", head="other", title="Other")
    second.enable_automerge()
    second.disable_automerge()
    assert repo.get_pull(second.number).auto_merge is None
    assert other.ref == "refs/heads/other"


def test_pagination_links(seeded: Seeded) -> None:
    for index in range(5):
        seeded.api("POST", f"/repos/{seeded.full_name}/labels", json={"name": f"l{index}"})

    first = seeded.api("GET", f"/repos/{seeded.full_name}/labels", params={"per_page": 2})
    middle = seeded.api("GET", first.links["next"]["url"])

    assert [label["name"] for label in first.json()] == ["l0", "l1"]
    assert set(first.links) == {"next", "last"}
    assert first.links["last"]["url"].endswith("per_page=2&page=3")
    assert [label["name"] for label in middle.json()] == ["l2", "l3"]
    assert set(middle.links) == {"prev", "next", "last", "first"}
    last = seeded.api("GET", middle.links["last"]["url"])
    assert [label["name"] for label in last.json()] == ["l4"]
    assert set(last.links) == {"prev", "first"}
