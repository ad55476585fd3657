"""`demo`: run the product on the bundled example manifest repo, printing every step.

Everything is local: the example repo is served by the GitHub emulator on 127.0.0.1, so the
demo exercises the same code paths (git over HTTP, the REST API) as a real run.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from gitops_release import proc
from gitops_release.flows.bump import BumpRequest, BumpResult, bump
from gitops_release.flows.set_image import SetImageRequest, set_image
from gitops_release.github import connect
from gitops_release.testing import FakeGitHub, Token

Echo = Callable[[str], None]
REPO = "acme/manifests"


def example_repo() -> Path:
    """The bundled example manifest repo (shipped as package data, or the source checkout's)."""
    try:
        base = resources.files("gitops_release.examples")
    except ModuleNotFoundError:  # running from a source tree without installing
        return Path(__file__).resolve().parents[3] / "examples" / "manifest-repo"
    return Path(str(base.joinpath("manifest-repo")))


def _seed(path: Path) -> Path:
    """A git repo of the example with `master` (production) and `develop` (staging)."""
    shutil.copytree(example_repo(), path)
    env = {
        "GIT_AUTHOR_NAME": "Demo",
        "GIT_AUTHOR_EMAIL": "demo@example.com",
        "GIT_COMMITTER_NAME": "Demo",
        "GIT_COMMITTER_EMAIL": "demo@example.com",
    }
    for args in (
        ["init", "-q", "-b", "master"],
        ["add", "-A"],
        ["commit", "-q", "-m", "Initial manifests"],
        ["branch", "develop"],
    ):
        proc.run(["git", *args], cwd=path, env=env, timeout=60)
    return path


def run_demo(*, echo: Echo, keep: bool = False) -> Path | None:
    workdir = Path(tempfile.mkdtemp(prefix="gitops-release-demo-"))
    try:
        _local_edit(workdir, echo)
        _bump_through_emulator(workdir, echo)
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if keep:
        echo(f"\nKept {workdir}")
        return workdir
    return None


def _local_edit(workdir: Path, echo: Echo) -> None:
    repo = workdir / "checkout"
    shutil.copytree(example_repo(), repo)
    echo("== 1. set-image on a local checkout: only the tag token changes")
    image = "ghcr.io/acme/api:2.1.0"
    echo(f"$ gitops-release set-image --env production --image {image}")
    result = set_image(SetImageRequest(repo=repo, env="production", image=image))
    for edit in result.edits:
        echo(f"  {edit.file}:{edit.line}  {edit.old} → {edit.new}")
    echo(result.diff().rstrip("\n"))


def _bump_through_emulator(workdir: Path, echo: Echo) -> None:
    token = f"demo-{secrets.token_hex(16)}"
    proc.register_secret(token)
    with FakeGitHub(workdir / "github", tokens={token: Token("octocat")}) as github:
        github.create_repo(REPO, source=_seed(workdir / "seed"))
        echo("")
        echo(f"== 2. bump: a GitHub emulator serves {REPO} at {github.api_url}")

        def run(image: str) -> BumpResult:
            echo(f"$ gitops-release bump --manifest-repo {REPO} --env staging --image {image}")
            request = BumpRequest(
                manifest_repo=REPO,
                env="staging",
                image=image,
                git_url=github.clone_url(REPO),
                token=token,
                labels=("deploy",),
            )
            return bump(request, connect(github.api_url, token, REPO))

        first = run("ghcr.io/acme/web:1.4.2")
        pull = first.pull_request
        assert pull is not None
        echo(f"  {first.action}: pull request #{pull.number} {pull.url}")
        echo(f"  title:  {pull.title}")
        echo(f"  branch: {first.branch} → {first.base}")
        echo("  body:")
        echo("    " + pull.body.strip().replace("\n", "\n    "))
        second = run("ghcr.io/acme/web:1.4.3")
        number = second.pull_request.number if second.pull_request else "?"
        echo(f"  {second.action}: the same pull request #{number} now deploys 1.4.3")
        third = run("ghcr.io/acme/web:1.4.3")
        echo(f"  {third.action}: nothing pushed, still one pull request")
