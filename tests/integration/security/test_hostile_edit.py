"""Editing a manifest repository whose targets are symbolic links.

A committed link turns "set the tag in this file" into reading and replacing a file elsewhere:
an overlay directory linking out of the repository, a values file linking to a file of the
machine, a manifest linking to another file of the repository. `set-image` (on a local checkout)
and `bump` (through the GitHub emulator) refuse every edit through a link: a non-zero exit code
and a message naming the link, nothing written anywhere, no branch pushed and no pull request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from github import Github

from gitops_release.testing import FakeGitHub, Token
from tests.integration.conftest import git

from .conftest import Cli, Hostile
from .hostile import (
    Outputs,
    assert_no_leaks,
    chart_yaml,
    config_map,
    disk_state,
    init_repo,
    unique,
    write_tree,
)

pytestmark = pytest.mark.integration

REPO = "acme/manifests"
IMAGE = "ghcr.io/acme/web"
NEW = f"{IMAGE}:1.1.0"


def deployment(marker: str = "") -> str:
    comment = f"# {marker}\n" if marker else ""
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
        "  selector:\n    matchLabels: {app: web}\n  template:\n"
        "    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n"
        f"        - name: web\n          image: {IMAGE}:1.0.0\n{comment}"
    )


def config(target: str) -> str:
    return (
        "environments:\n  staging: {branch: develop}\napps:\n  web:\n"
        f"    image: {IMAGE}\n    targets:\n      - {target}\n"
    )


@dataclass(frozen=True)
class LinkedTarget:
    link: str  # repository path of the link the edit would go through
    target: str  # where the link points
    files: dict[str, str]  # the repository's files


def linked_target(case: str, outside: Path, marker: str) -> LinkedTarget:
    """The repository of one case; files outside it go to `outside`, each holding `marker`."""
    write_tree(
        outside,
        {
            "overlay/kustomization.yaml": (
                f"resources: []\nimages:\n  - name: {IMAGE}\n    newTag: 1.0.0\n# {marker}\n"
            ),
            "values.yaml": f"image:\n  tag: 1.0.0\n# {marker}\n",
            "web.yaml": deployment(marker),
        },
    )
    if case == "kustomize-directory-out-of-the-repository":
        link = "apps/web/overlays/staging"
        files = {".gitops-release.yaml": config(f"kustomize: {link}")}
        return LinkedTarget(link, str(outside / "overlay"), files)
    if case == "helm-values-file-out-of-the-repository":
        link = "charts/web/values.yaml"
        files = {
            ".gitops-release.yaml": config(f"helm: {link}"),
            "charts/web/Chart.yaml": chart_yaml("web"),
        }
        return LinkedTarget(link, str(outside / "values.yaml"), files)
    if case == "manifest-in-directory-out-of-the-repository":
        files = {
            ".gitops-release.yaml": config("manifest: clusters/blue"),
            "clusters/blue/config.yaml": config_map("web", {"a": "b"}),
        }
        return LinkedTarget("clusters/blue/web.yaml", str(outside / "web.yaml"), files)
    if case == "manifest-file-inside-the-repository":
        files = {
            ".gitops-release.yaml": config("manifest: clusters/green/web.yaml"),
            "shared/web.yaml": deployment(),
        }
        return LinkedTarget("clusters/green/web.yaml", "../../shared/web.yaml", files)
    raise ValueError(case)


CASES = (
    "kustomize-directory-out-of-the-repository",
    "helm-values-file-out-of-the-repository",
    "manifest-in-directory-out-of-the-repository",
    "manifest-file-inside-the-repository",
)


def assert_refused(outputs: Outputs, codes: list[int], case: LinkedTarget) -> None:
    text = outputs.everything()
    assert case.link in text, text
    assert "symbolic link" in text, text
    assert codes == [1] * len(codes), (codes, text)


@pytest.mark.parametrize("case", CASES)
def test_set_image_refuses_to_edit_through_a_link(
    case: str, cli: Cli, hostile: Hostile, tmp_path: Path
) -> None:
    marker = unique("OUTSIDE-SECRET")
    target = linked_target(case, tmp_path / "outside", marker)
    repo = init_repo(tmp_path / "repo", target.files, {target.link: target.target})
    assert git("ls-tree", "HEAD", "--", target.link, cwd=repo).startswith("120000")
    outside, checkout = disk_state(tmp_path / "outside"), disk_state(repo)
    args = ("set-image", "--repo", repo, "--env", "staging", "--image", NEW)

    outputs = Outputs()
    codes = []
    for extra in (["--dry-run"], ["--json"], []):
        result = cli(*args, *extra)
        outputs.add_result(" ".join(["set-image", *extra]), result)
        codes.append(result.exit_code)
    outputs.texts.update(hostile.outputs().texts)

    assert disk_state(tmp_path / "outside") == outside, "a file outside the repository changed"
    assert disk_state(repo) == checkout, "the checkout changed"
    assert git("status", "--porcelain", cwd=repo) == ""
    assert_no_leaks(outputs, {"token": hostile.token, "outside file": marker})
    assert_refused(outputs, codes, target)


@pytest.mark.parametrize("case", CASES)
def test_bump_refuses_to_edit_through_a_link(
    case: str,
    cli: Cli,
    hostile: Hostile,
    fake_github: FakeGitHub,
    fake_github_client: Github,
    tmp_path: Path,
) -> None:
    marker = unique("OUTSIDE-SECRET")
    target = linked_target(case, tmp_path / "outside", marker)
    seed = init_repo(tmp_path / "seed", target.files, {target.link: target.target})
    git("branch", "develop", cwd=seed)
    handle = fake_github.create_repo(REPO, source=seed)
    fake_github.add_token(hostile.token, Token("octocat"))
    bare = Path(handle.path)
    refs_before = git("--git-dir", bare, "for-each-ref", cwd=bare)
    outside = disk_state(tmp_path / "outside")
    args = (
        "bump", "--manifest-repo", REPO, "--api-url", fake_github.api_url,
        "--git-url", fake_github.clone_url(REPO), "--env", "staging", "--image", NEW,
    )  # fmt: skip

    outputs = Outputs()
    codes = []
    for extra in (["--dry-run"], ["--json"]):
        result = cli(*args, *extra)
        outputs.add_result(" ".join(["bump", *extra]), result)
        codes.append(result.exit_code)
    pulls = list(fake_github_client.get_repo(REPO).get_pulls(state="all"))
    for pull in pulls:
        outputs.add(f"pull request #{pull.number}", f"{pull.title}\n{pull.body}")
    outputs.texts.update(hostile.outputs().texts)

    assert disk_state(tmp_path / "outside") == outside, "a file outside the repository changed"
    assert git("--git-dir", bare, "for-each-ref", cwd=bare) == refs_before, "a ref moved"
    branches = git("--git-dir", bare, "for-each-ref", "--format=%(refname:short)", cwd=bare)
    assert sorted(branches.split()) == ["develop", "master"]
    assert pulls == []
    assert_no_leaks(outputs, {"token": hostile.token, "outside file": marker})
    assert_refused(outputs, codes, target)
