"""The compare API on the emulator's real repositories, through PyGithub and the Forge."""

from __future__ import annotations

from pathlib import Path

import pytest
from github import Github

from gitops_release.github import connect

from .conftest import Seeded, commit_file, git

pytestmark = pytest.mark.integration


def test_compare_lists_commits_with_parents_ahead_behind_and_files(
    seeded: Seeded, fake_github_client: Github
) -> None:
    second = commit_file(seeded.work, "apps/api.yaml", "image: api:1\n", "Add api")
    git("push", "-q", "origin", "bump", cwd=seeded.work)
    repo = fake_github_client.get_repo(seeded.full_name)

    ahead = repo.compare(seeded.main_sha, second)
    assert (ahead.status, ahead.ahead_by, ahead.behind_by, ahead.total_commits) == (
        "ahead",
        2,
        0,
        2,
    )
    assert [c.sha for c in ahead.commits] == [seeded.bump_sha, second]
    assert [p.sha for p in ahead.commits[1].parents] == [seeded.bump_sha]
    assert sorted(f.filename for f in ahead.files) == ["apps/api.yaml", "apps/web.yaml"]
    assert ahead.html_url.endswith(f"/{seeded.full_name}/compare/{seeded.main_sha}...{second}")

    behind = repo.compare(second, seeded.main_sha)
    assert (behind.status, behind.ahead_by, behind.behind_by) == ("behind", 0, 2)
    assert repo.compare("main", "main").status == "identical"


def test_forge_compare_pages_and_unreadable_repositories(seeded: Seeded, tmp_path: Path) -> None:
    del tmp_path
    shas = [commit_file(seeded.work, f"f{i}.txt", f"{i}\n", f"commit {i}") for i in range(120)]
    git("push", "-q", "origin", "bump", cwd=seeded.work)
    forge = connect(seeded.github.api_url, seeded.token, seeded.full_name)
    found = forge.compare(seeded.full_name, seeded.main_sha, shas[-1])
    assert found.problem is None
    assert found.total_commits == 121
    assert [c.sha for c in found.commits][-120:] == shas  # both pages, oldest first

    missing = forge.compare("octocat/nothing-here", seeded.main_sha, shas[-1])
    assert missing.problem is not None
    assert "404" in missing.problem
    assert missing.commits == ()
    assert forge.merged_pull("octocat/nothing-here", shas[-1]) is None
