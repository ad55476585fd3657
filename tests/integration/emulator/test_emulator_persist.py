"""A stopped emulator's pull requests, comments, labels and statuses are served again."""

from __future__ import annotations

from pathlib import Path

import pytest
from github import Auth, Github

from gitops_release.testing import FakeGitHub, Token
from gitops_release.testing.persist import STATE_FILE

from .conftest import commit_file, git

pytestmark = pytest.mark.integration
TOKEN = "persist-token-0123456789"


def _client(github: FakeGitHub) -> Github:
    return Github(
        base_url=github.api_url,
        auth=Auth.Token(TOKEN),
        retry=None,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


def test_state_survives_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    source = tmp_path / "source"
    source.mkdir()
    (source / "app.yaml").write_text("image: web:1.0.0\n", encoding="utf-8")
    with FakeGitHub(data, tokens={TOKEN: Token("octocat")}, persist=True) as github:
        handle = github.create_repo("octocat/deploy", source=source)
        work = tmp_path / "work"
        git("clone", "-q", github.clone_url(handle.full_name, TOKEN), work)
        git("checkout", "-q", "-b", "bump", cwd=work)
        sha = commit_file(work, "app.yaml", "image: web:1.1.0\n", "bump")
        git("push", "-q", "origin", "bump", cwd=work)
        repo = _client(github).get_repo("octocat/deploy")
        pull = repo.create_pull(base="main", head="bump", title="Bump web", body="the body")
        pull.add_to_labels("deploy")
        comment = pull.as_issue().create_comment("<!-- marker -->\npreview")
        repo.get_commit(sha).create_status("success", context="gitops-release/preview")
        number, comment_id = pull.number, comment.id
    assert (data / STATE_FILE).is_file()
    with FakeGitHub(data, tokens={TOKEN: Token("octocat")}) as again:
        repo = _client(again).get_repo("octocat/deploy")
        pull = repo.get_pull(number)
        assert (pull.title, pull.body, pull.head.ref, pull.head.sha) == (
            "Bump web",
            "the body",
            "bump",
            sha,
        )
        assert [label.name for label in pull.labels] == ["deploy"]
        (comment,) = pull.as_issue().get_comments()
        assert (comment.id, comment.body) == (comment_id, "<!-- marker -->\npreview")
        assert repo.get_commit(sha).get_combined_status().state == "success"
        # numbering goes on where it stopped (the new emulator listens on a new port)
        git("remote", "set-url", "origin", again.clone_url("octocat/deploy", TOKEN), cwd=work)
        git("checkout", "-q", "-b", "second", "main", cwd=work)
        commit_file(work, "other.yaml", "x: 1\n", "second")
        git("push", "-q", "origin", "second", cwd=work)
        assert repo.create_pull(base="main", head="second", title="t", body="").number > number
