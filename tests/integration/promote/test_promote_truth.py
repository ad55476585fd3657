"""What a release manager reads must be true: promotions under odd histories."""

from __future__ import annotations

from pathlib import Path

import pytest
from github import Github

from tests.conftest import RunCli
from tests.integration.conftest import ManifestRepo, git

from .test_promote import promote

pytestmark = pytest.mark.integration
WEB = "ghcr.io/acme/web"
STAGING = "apps/web/overlays/staging/kustomization.yaml"
PRODUCTION = "apps/web/overlays/production/kustomization.yaml"
BUMP_MESSAGE = (
    "deploy(web): staging → ghcr.io/acme/web:1.5.0\n\n"
    "Gitops-Release-App: web\nGitops-Release-Env: staging\n"
    f"Gitops-Release-Image: {WEB}:1.5.0\nGitops-Release-Previous: {WEB}:1.4.1\n"
)


def _commit(work: Path, files: dict[str, str], message: str) -> str:
    for name, text in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text, encoding="utf-8")
    git("add", "-A", cwd=work)
    (work / ".msg").write_text(message, encoding="utf-8")
    git("commit", "-q", "-F", str(work / ".msg"), cwd=work)
    (work / ".msg").unlink()
    return git("rev-parse", "HEAD", cwd=work)


def _branch(work: Path, name: str, base: str = "origin/develop") -> None:
    git("fetch", "-q", "origin", cwd=work)
    git("switch", "-q", "-C", name, base, cwd=work)


def _push_and_merge(
    work: Path, repo: ManifestRepo, client: Github, branch: str, title: str, method: str = "merge"
) -> tuple[int, str]:
    git("push", "-q", "-f", "origin", f"HEAD:refs/heads/{branch}", cwd=work)
    pull = client.get_repo(repo.name).create_pull(base="develop", head=branch, title=title, body="")
    return pull.number, pull.merge(merge_method=method).sha


def _bumped(work: Path) -> str:
    return (work / STAGING).read_text("utf-8").replace('"1.4.1"', '"1.5.0"')


def test_a_merge_commit_of_several_commits_promotes_all_of_them(
    run_cli: RunCli, manifest_repo: ManifestRepo, work: Path, fake_github_client: Github
) -> None:
    _branch(work, "release-web")
    _commit(work, {STAGING: _bumped(work)}, BUMP_MESSAGE)
    _commit(work, {"apps/web/base/extra.txt": "notes\n"}, "docs: notes")
    number, sha = _push_and_merge(
        work, manifest_repo, fake_github_client, "release-web", "web 1.5.0"
    )
    code, data, err = promote(run_cli, manifest_repo, "--sha", sha)
    assert code == 0, err
    assert data["images"] == [{"app": "web", "image": f"{WEB}:1.5.0", "previous": f"{WEB}:1.4.0"}]
    head = manifest_repo.ref(f"refs/heads/gitops-release/promote/{number}")
    assert 'newTag: "1.5.0"' in manifest_repo.show(head, PRODUCTION)  # the bump reached production
    assert manifest_repo.show(head, "apps/web/base/extra.txt") == "notes\n"
    pull = fake_github_client.get_repo(manifest_repo.name).get_pull(data["pull_request"]["number"])
    assert pull.title == f"deploy(web): production → {WEB}:1.5.0"
    # "was" is what production runs now (1.4.0), not staging's previous image (1.4.1)
    assert f"| web | `{WEB}:1.4.0` | `{WEB}:1.5.0` |" in pull.body
    assert "1.4.1" not in pull.body


def test_a_commit_not_on_staging_is_refused(
    run_cli: RunCli, manifest_repo: ManifestRepo, work: Path, fake_github_client: Github
) -> None:
    _branch(work, "risky")
    sha = _commit(work, {"apps/web/base/risky.txt": "x\n"}, "risky")
    git("push", "-q", "-f", "origin", "HEAD:refs/heads/risky", cwd=work)
    before = manifest_repo.branches()
    code, data, err = promote(run_cli, manifest_repo, "--sha", sha)
    assert code == 2, (data, err)
    assert f"commit {sha[:12]} is not on develop" in err
    assert manifest_repo.branches() == before  # nothing pushed
    assert fake_github_client.get_repo(manifest_repo.name).get_pulls(state="all").totalCount == 0


def test_a_conflict_only_in_excluded_files_keeps_production_and_promotes(
    run_cli: RunCli, manifest_repo: ManifestRepo, work: Path, fake_github_client: Github
) -> None:
    # production's copy of a staging-only file differs from staging's: a cherry-pick touching
    # it conflicts, but promote.exclude says production keeps its own version
    staging_only = "apps/web/overlays/staging/notes.txt"
    _branch(work, "prod-notes", "origin/master")
    _commit(work, {staging_only: "production's own\n"}, "prod notes")
    git("push", "-q", "origin", "HEAD:refs/heads/master", cwd=work)
    _branch(work, "staging-notes")
    _commit(work, {staging_only: "staging text\n", "apps/web/base/shared.txt": "shared\n"}, "notes")
    number, sha = _push_and_merge(
        work, manifest_repo, fake_github_client, "staging-notes", "notes for all"
    )
    code, data, err = promote(run_cli, manifest_repo, "--sha", sha)
    assert code == 0, (data, err)
    assert data["action"] == "created", data
    head = manifest_repo.ref(f"refs/heads/gitops-release/promote/{number}")
    assert manifest_repo.show(head, staging_only) == "production's own\n"
    assert manifest_repo.show(head, "apps/web/base/shared.txt") == "shared\n"


def test_a_direct_push_conflict_names_no_pull_request_and_gives_the_commands(
    run_cli: RunCli, manifest_repo: ManifestRepo, work: Path
) -> None:
    _branch(work, "prod", "origin/master")
    _commit(work, {"apps/web/base/conflict.txt": "production\n"}, "prod")
    git("push", "-q", "origin", "HEAD:refs/heads/master", cwd=work)
    _branch(work, "direct")
    sha = _commit(work, {"apps/web/base/conflict.txt": "staging\n"}, "direct push")
    git("push", "-q", "origin", "HEAD:refs/heads/develop", cwd=work)
    code, _, err = promote(run_cli, manifest_repo, "--sha", sha)
    assert code == 1, err
    assert "source pull request" not in err
    assert f"git cherry-pick -x {sha}" in err
    assert "apps/web/base/conflict.txt" in err


def test_a_commit_whose_only_change_is_an_excluded_conflict_is_skipped(
    run_cli: RunCli, manifest_repo: ManifestRepo, work: Path
) -> None:
    staging_only = "apps/web/overlays/staging/notes.txt"
    _branch(work, "prod-notes", "origin/master")
    _commit(work, {staging_only: "production's own\n"}, "prod notes")
    git("push", "-q", "origin", "HEAD:refs/heads/master", cwd=work)
    _branch(work, "two")
    before = git("rev-parse", "HEAD", cwd=work)
    _commit(work, {"apps/web/base/shared.txt": "shared\n"}, "shared change")
    after = _commit(work, {staging_only: "staging text\n"}, "staging notes only")
    git("push", "-q", "origin", "HEAD:refs/heads/develop", cwd=work)
    code, data, err = promote(run_cli, manifest_repo, "--sha", after, "--before", before)
    assert code == 0, (data, err)
    (promotion,) = data["promotions"]
    head = manifest_repo.ref(f"refs/heads/{promotion['branch']}")
    assert manifest_repo.show(head, "apps/web/base/shared.txt") == "shared\n"
    assert manifest_repo.show(head, staging_only) == "production's own\n"
