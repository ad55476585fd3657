"""promote against the emulator: every staging merge becomes its own production PR."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from github import Github

from tests.conftest import RunCli
from tests.integration.conftest import ManifestRepo, git

pytestmark = pytest.mark.integration
API = "ghcr.io/acme/api"
WEB = "ghcr.io/acme/web"


Merge = Callable[..., str]


@pytest.fixture
def staging_pr(
    manifest_repo: ManifestRepo, work: Path, fake_github_client: Github
) -> Callable[..., tuple[int, str]]:
    """Open a PR to develop with `files` changed and merge it; returns (number, merge sha)."""
    repo = fake_github_client.get_repo(manifest_repo.name)

    def make(
        branch: str,
        files: dict[str, str],
        *,
        method: str = "merge",
        title: str | None = None,
        labels: tuple[str, ...] = (),
        commits: int = 1,
        merge: bool = True,
    ) -> tuple[int, str]:
        git("fetch", "-q", "origin", cwd=work)
        git("switch", "-q", "-C", branch, "origin/develop", cwd=work)
        items = list(files.items())
        per_commit = max(1, len(items) // commits)
        for i in range(0, len(items), per_commit):
            for name, text in items[i : i + per_commit]:
                (work / name).parent.mkdir(parents=True, exist_ok=True)
                (work / name).write_text(text, encoding="utf-8")
            git("add", "-A", cwd=work)
            git("commit", "-q", "-m", f"{title or branch} part {i}", cwd=work)
        git("push", "-q", "-f", "origin", f"HEAD:refs/heads/{branch}", cwd=work)
        pull = repo.create_pull(
            base="develop", head=branch, title=title or f"Change {branch}", body=""
        )
        if labels:
            pull.add_to_labels(*labels)
        if not merge:
            return pull.number, ""
        status = pull.merge(merge_method=method)
        return pull.number, status.sha

    return make


def bump_and_merge(
    run_cli: RunCli, repo: ManifestRepo, client: Github, image: str, method: str = "merge"
) -> tuple[int, str]:
    result = run_cli(
        "bump",
        *repo.cli_args(),
        "--env",
        "staging",
        "--image",
        image,
        "--json",
        "--label",
        "deploy",
    )
    assert result.exit_code == 0, result.output
    number = json.loads(result.stdout)["pull_request"]["number"]
    merged = client.get_repo(repo.name).get_pull(number).merge(merge_method=method)
    return number, merged.sha


def promote(
    run_cli: RunCli, repo: ManifestRepo, *args: str, preview: bool = False
) -> tuple[int, dict, str]:
    # The preview comment costs a render; only the test about it asks for it.
    extra = () if preview else ("--no-preview",)
    result = run_cli("promote", *repo.cli_args(), "--json", *extra, *args)
    data = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, data, result.stderr


def changed_files(repo: ManifestRepo, base: str, head: str) -> list[str]:
    out = git("--git-dir", repo.bare, "diff", "--name-only", f"{base}...{head}", cwd=repo.bare)
    return sorted(out.split())


@pytest.mark.parametrize("method", ["merge", "squash"])
def test_bump_merged_into_staging_is_promoted(
    run_cli: RunCli, manifest_repo: ManifestRepo, fake_github_client: Github, method: str
) -> None:
    number, sha = bump_and_merge(run_cli, manifest_repo, fake_github_client, f"{API}:2.1.0", method)
    code, data, err = promote(run_cli, manifest_repo, "--sha", sha)
    assert code == 0, err
    assert data["action"] == "created"
    assert data["to_env"] == "production"
    assert data["source_pull_request"]["number"] == number
    assert data["images"] == [{"app": "api", "image": f"{API}:2.1.0", "previous": f"{API}:2.0.0"}]
    pull = fake_github_client.get_repo(manifest_repo.name).get_pull(data["pull_request"]["number"])
    assert pull.base.ref == "master"
    assert pull.head.ref == f"gitops-release/promote/{number}"
    assert pull.title == f"deploy(api): production → {API}:2.1.0"
    assert f"#{number}" in pull.body
    assert f"| api | `{API}:2.0.0` | `{API}:2.1.0` |" in pull.body
    assert sorted(label.name for label in pull.labels) == ["deploy", "promotion"]
    head = manifest_repo.ref(f"refs/heads/gitops-release/promote/{number}")
    assert changed_files(manifest_repo, "master", head) == [
        "charts/api/values.yaml",
        "clusters/blue/api.yaml",
        "clusters/green/api.yaml",
    ]
    message = git(
        "--git-dir", manifest_repo.bare, "log", "-1", "--format=%B", head, cwd=manifest_repo.bare
    )
    assert f"(cherry picked from commit {sha})" in message
    # Re-running updates nothing and opens nothing new.
    code, again, err = promote(run_cli, manifest_repo, "--sha", sha)
    assert code == 0, err
    assert again["action"] == "unchanged"
    assert again["pull_request"]["number"] == data["pull_request"]["number"]
    assert len(list(fake_github_client.get_repo(manifest_repo.name).get_pulls(base="master"))) == 1


def test_environment_specific_targets_are_retargeted(
    run_cli: RunCli, manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    # web has one overlay per environment: the production PR sets production's overlay and
    # leaves master's copy of the staging overlay alone (promote.exclude: **/staging/**).
    _, sha = bump_and_merge(run_cli, manifest_repo, fake_github_client, f"{WEB}:1.4.2")
    code, data, err = promote(run_cli, manifest_repo, "--sha", sha)
    assert code == 0, err
    head = manifest_repo.ref(f"refs/heads/{data['branch']}")
    assert changed_files(manifest_repo, "master", head) == [
        "apps/web/overlays/production/kustomization.yaml"
    ]
    assert 'newTag: "1.4.2"' in manifest_repo.show(
        head, "apps/web/overlays/production/kustomization.yaml"
    )


def test_rebase_merge_promotes_the_pushed_range(
    run_cli: RunCli, manifest_repo: ManifestRepo, staging_pr: Callable[..., tuple[int, str]]
) -> None:
    before = manifest_repo.ref("refs/heads/develop")
    files = {"clusters/blue/notes.yaml": "a: 1\n", "clusters/green/notes.yaml": "b: 2\n"}
    number, after = staging_pr("two-commits", files, method="rebase", commits=2)
    code, data, err = promote(run_cli, manifest_repo, "--sha", after, "--before", before)
    assert code == 0, err
    assert data["action"] == "created"
    assert len(data["commits"]) == 2
    assert data["source_pull_request"]["number"] == number
    head = manifest_repo.ref(f"refs/heads/{data['branch']}")
    assert changed_files(manifest_repo, "master", head) == sorted(files)


def test_two_changes_give_two_independent_prs(
    run_cli: RunCli,
    manifest_repo: ManifestRepo,
    fake_github_client: Github,
    staging_pr: Callable[..., tuple[int, str]],
) -> None:
    first, sha1 = staging_pr("one", {"clusters/blue/one.yaml": "one: 1\n"})
    second, sha2 = staging_pr("two", {"clusters/green/two.yaml": "two: 2\n"})
    _, one, _ = promote(run_cli, manifest_repo, "--sha", sha1)
    _, two, _ = promote(run_cli, manifest_repo, "--sha", sha2)
    assert one["branch"] == f"gitops-release/promote/{first}"
    assert two["branch"] == f"gitops-release/promote/{second}"
    repo = fake_github_client.get_repo(manifest_repo.name)
    head2 = manifest_repo.ref(f"refs/heads/{two['branch']}")
    assert changed_files(manifest_repo, "master", head2) == ["clusters/green/two.yaml"]
    # Merging the second first works, and the first still merges after it.
    repo.get_pull(two["pull_request"]["number"]).merge(merge_method="merge")
    repo.get_pull(one["pull_request"]["number"]).merge(merge_method="merge")
    master = manifest_repo.ref("refs/heads/master")
    assert manifest_repo.show(master, "clusters/blue/one.yaml") == "one: 1\n"
    assert manifest_repo.show(master, "clusters/green/two.yaml") == "two: 2\n"
    # A change already on production is unchanged.
    code, again, err = promote(run_cli, manifest_repo, "--sha", sha1)
    assert code == 0, err
    assert again["action"] == "unchanged"
    assert "already has this change" in again["reason"]


def test_skip_rules(
    run_cli: RunCli,
    manifest_repo: ManifestRepo,
    fake_github_client: Github,
    staging_pr: Callable[..., tuple[int, str]],
) -> None:
    _, labelled = staging_pr("labelled", {"clusters/blue/x.yaml": "x: 1\n"}, labels=("no-promote",))
    _, marked = staging_pr(
        "marked", {"clusters/blue/y.yaml": "y: 1\n"}, title="tweak [skip promote]", method="squash"
    )
    _, excluded = staging_pr("excluded", {"apps/web/overlays/staging/extra.yaml": "z: 1\n"})
    reasons = []
    for sha in (labelled, marked, excluded):
        code, data, err = promote(run_cli, manifest_repo, "--sha", sha)
        assert code == 0, err
        assert data["action"] == "skipped"
        assert data["pull_request"] is None
        reasons.append(data["reason"])
    assert "has the label 'no-promote'" in reasons[0]
    assert "contains '[skip promote]'" in reasons[1]
    assert "every changed file is excluded from promotion" in reasons[2]
    assert list(fake_github_client.get_repo(manifest_repo.name).get_pulls(base="master")) == []


def _diverge_production(repo: ManifestRepo, work: Path, path: str, old: str, new: str) -> None:
    git("fetch", "-q", "origin", cwd=work)
    git("switch", "-q", "-C", "hotfix", "origin/master", cwd=work)
    target = work / path
    target.write_text(target.read_text("utf-8").replace(old, new), encoding="utf-8")
    git("commit", "-q", "-am", "hotfix on production", cwd=work)
    git("push", "-q", "origin", "HEAD:refs/heads/master", cwd=work)


def test_conflicting_image_bump_is_reapplied_semantically(
    run_cli: RunCli, manifest_repo: ManifestRepo, fake_github_client: Github, work: Path
) -> None:
    _diverge_production(
        manifest_repo,
        work,
        "charts/api/values.yaml",
        'tag: "2.0.0"        # managed by gitops-release',
        'tag: "2.0.1"  # hotfix',
    )
    _, sha = bump_and_merge(run_cli, manifest_repo, fake_github_client, f"{API}:2.1.0")
    code, data, err = promote(run_cli, manifest_repo, "--sha", sha)
    assert code == 0, err
    assert data["action"] == "created"
    assert data["semantic"] is True
    head = manifest_repo.ref(f"refs/heads/{data['branch']}")
    values = manifest_repo.show(head, "charts/api/values.yaml")
    assert 'tag: "2.1.0"  # hotfix' in values
    assert "<<<<<<<" not in values
    pull = fake_github_client.get_repo(manifest_repo.name).get_pull(data["pull_request"]["number"])
    assert "re-applied with the edit engine" in pull.body


@pytest.mark.parametrize("mode", ["fail", "draft"])
def test_conflicting_manual_change(
    run_cli: RunCli,
    manifest_repo: ManifestRepo,
    fake_github_client: Github,
    work: Path,
    staging_pr: Callable[..., tuple[int, str]],
    mode: str,
) -> None:
    _diverge_production(manifest_repo, work, "clusters/blue/api.yaml", "replicas: 2", "replicas: 5")
    source = manifest_repo.show("develop", "clusters/blue/api.yaml")
    number, sha = staging_pr(
        "scale", {"clusters/blue/api.yaml": source.replace("replicas: 2", "replicas: 3")}
    )
    code, data, err = promote(run_cli, manifest_repo, "--sha", sha, "--on-conflict", mode)
    repo = fake_github_client.get_repo(manifest_repo.name)
    assert data["action"] == "conflict"
    assert data["conflicts"] == ["clusters/blue/api.yaml"]
    if mode == "fail":
        assert code == 1
        assert "the cherry-pick conflicted; nothing was pushed" in err
        assert data["pull_request"] is None
        assert manifest_repo.ref(f"refs/heads/gitops-release/promote/{number}") is None
        comments = list(repo.get_issue(number).get_comments())
        assert len(comments) == 1
        assert "clusters/blue/api.yaml" in comments[0].body
        assert f"git cherry-pick -x -m 1 {sha}" in comments[0].body
    else:
        assert code == 0, err
        pull = repo.get_pull(data["pull_request"]["number"])
        assert pull.draft is True
        assert "promotion-conflict" in [label.name for label in pull.labels]
        assert "the cherry-pick conflicted" in pull.body
        head = manifest_repo.ref(f"refs/heads/gitops-release/promote/{number}")
        assert "<<<<<<<" not in manifest_repo.show(head, "clusters/blue/api.yaml")


def test_production_pr_carries_the_preview_comment(
    run_cli: RunCli, manifest_repo: ManifestRepo, fake_github_client: Github
) -> None:
    _, sha = bump_and_merge(run_cli, manifest_repo, fake_github_client, f"{API}:2.1.0")
    code, data, err = promote(run_cli, manifest_repo, "--sha", sha, preview=True)
    assert code == 0, err
    number = data["pull_request"]["number"]
    assert data["preview"]["action"] == "created"
    assert data["preview"]["state"] == "success"
    comments = list(
        fake_github_client.get_repo(manifest_repo.name).get_issue(number).get_comments()
    )
    (comment,) = [c for c in comments if c.body.startswith("<!-- gitops-release:preview -->")]
    assert f"{API}:2.1.0" in comment.body
    assert "Gates passed" in comment.body
    head = fake_github_client.get_repo(manifest_repo.name).get_pull(number).head.sha
    status = fake_github_client.get_repo(manifest_repo.name).get_commit(head).get_combined_status()
    assert status.state == "success"
