"""`demo`: run the whole product on the bundled example manifest repo, printing every step.

Everything is local: the example repo is served by the GitHub emulator on 127.0.0.1, so the
demo exercises the same code paths (git over HTTP, the REST API, the real renderers) as a run
against GitHub.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from gitops_release.flows.bump import BumpRequest, BumpResult, bump
from gitops_release.flows.preview import PreviewRequest, PreviewResult, preview
from gitops_release.flows.promote import PromoteRequest, promote
from gitops_release.flows.set_image import SetImageRequest, set_image
from gitops_release.git import Git, Identity, auth_env
from gitops_release.github import GitHubForge, connect
from gitops_release.image import parse
from gitops_release.testing import FakeGitHub, Token

Echo = Callable[[str], None]
REPO = "acme/manifests"
# The emulator's token in the demo: not a secret (it opens only the local emulator), so the
# printed commands can be pasted as they are against an emulator kept with --keep.
DEMO_TOKEN = "gitops-release-demo-token"  # noqa: S105 - public by design (see above)
_AUTHOR = Identity("Demo", "demo@example.com")
RISKY = """\
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: cache
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: cache}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cache
spec:
  replicas: 2
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
        - name: redis
          image: docker.io/library/redis:7.2
"""


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
    git = Git.create(path, "master", {})
    git.commit_all("Initial manifests", _AUTHOR)
    git.create_branch("develop")
    return path


def run_demo(*, echo: Echo, keep: bool = False) -> Path | None:
    workdir = Path(tempfile.mkdtemp(prefix="gitops-release-demo-"))
    try:
        _local_edit(workdir, echo)
        _release_chain(workdir, echo, keep=keep)
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if keep:
        echo(f"\nKept {workdir}: the checkout, and the emulator's repositories, pull requests and")
        echo("comments. Serve them again, then paste the commands above (with its new port):")
        echo(
            f"$ python -m gitops_release.testing.fakegithub --data {workdir / 'github'} "
            f"--token {DEMO_TOKEN}:octocat"
        )
        echo(f"$ export GITHUB_TOKEN={DEMO_TOKEN}")
        return workdir
    return None


def _local_edit(workdir: Path, echo: Echo) -> None:
    repo = workdir / "checkout"
    shutil.copytree(example_repo(), repo)
    echo("== 1. set-image on a local checkout: only the tag tokens change")
    image = "ghcr.io/acme/api:2.1.0"
    echo(f"$ gitops-release set-image --repo {repo} --env production --image {image}")
    result = set_image(SetImageRequest(repo=repo, env="production", image=parse(image)))
    for edit in result.edits:
        echo(f"  {edit.file}:{edit.line}  {edit.old} → {edit.new}")
    echo(result.diff().rstrip("\n"))


def _release_chain(workdir: Path, echo: Echo, *, keep: bool) -> None:
    token = DEMO_TOKEN
    with FakeGitHub(workdir / "github", tokens={token: Token("octocat")}, persist=keep) as github:
        github.create_repo(REPO, source=_seed(workdir / "seed"))
        forge = connect(github.api_url, token, REPO)
        url = github.clone_url(REPO)
        cli = f"gitops-release {{}} --manifest-repo {REPO} --api-url {github.api_url}"
        echo("")
        echo(f"== 2. bump: a GitHub emulator serves {REPO} at {github.api_url}")
        echo(f"$ export GITHUB_TOKEN={token}   # the emulator's demo token")
        first = _bump(forge, url, token, "ghcr.io/acme/web:1.4.2", echo, cli)
        pull = first.pull_request
        assert pull is not None
        echo("  body:")
        echo("    " + pull.body.strip().replace("\n", "\n    "))
        again = _bump(forge, url, token, "ghcr.io/acme/web:1.4.2", echo, cli)
        echo(f"  run again → {again.action}: nothing pushed, still one pull request")

        echo("")
        echo(f"== 3. preview: the rendered diff and the gates, as one comment on #{pull.number}")
        echo("$ " + cli.format("preview") + f" --pr {pull.number}")
        first_preview = preview(PreviewRequest(REPO, url, pull.number, token=token), forge)
        _show_preview(first_preview, echo)
        echo("  the comment, as reviewers see it:")
        echo("    " + first_preview.body.strip().replace("\n", "\n    "))

        echo("")
        echo(f"== 4. a release manager merges #{pull.number} into develop (staging)")
        merged = forge.merge_pull(pull.number)
        echo(f"  merge commit {merged[:7]}")

        echo("")
        echo("== 5. promote: that one change becomes its own production pull request")
        echo("$ " + cli.format("promote") + f" --sha {merged}")
        # The demo previews the production pull request itself, to show the whole result.
        result = promote(PromoteRequest(REPO, url, merged, preview=False, token=token), forge)
        for item in result.promotions:
            prod = item.pull_request
            echo(f"  {item.action}: #{prod.number if prod else '-'} {prod.title if prod else ''}")
            if prod is not None:
                echo(f"  branch {item.branch} → {result.base}")
                _show_preview(
                    preview(PreviewRequest(REPO, url, prod.number, token=token), forge), echo
                )

        echo("")
        echo("== 6. a risky manifest PR: a removed API and an image from Docker Hub")
        risky = _open_risky_pull(workdir, url, token, forge)
        _show_preview(preview(PreviewRequest(REPO, url, risky, token=token), forge), echo)


def _bump(forge: GitHubForge, url: str, token: str, image: str, echo: Echo, cli: str) -> BumpResult:
    echo("$ " + cli.format("bump") + f" --env staging --image {image} --label deploy")
    result = bump(
        BumpRequest(
            manifest_repo=REPO,
            env="staging",
            image=parse(image),
            git_url=url,
            token=token,
            labels=("deploy",),
        ),
        forge,
    )
    pull = result.pull_request
    if result.action != "unchanged" and pull is not None:
        echo(f"  {result.action}: pull request #{pull.number} {pull.url}")
        echo(f"  title:  {pull.title}")
        echo(f"  branch: {result.branch} → {result.base}")
    return result


def _show_preview(result: PreviewResult, echo: Echo) -> None:
    where = result.comment.url if result.comment else "-"
    echo(f"  comment {result.action}: {where}")
    echo(f"  status gitops-release/preview: {result.state} — {result.description}")
    gates = result.gates
    if gates is not None:
        for finding in (f for f in gates.findings if f.severity == "failure"):
            ref = finding.resource
            name = f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name
            echo(f"    ✗ {finding.check}: {ref.kind} {name}: {finding.message}")
    for root in result.diff.changed:
        for image in root.images:
            old, new = image.old or "(new)", image.new or "(removed)"
            echo(f"    {root.name}: {image.resource} [{image.container}] {old} → {new}")


def _open_risky_pull(workdir: Path, url: str, token: str, forge: GitHubForge) -> int:
    env = {**auth_env(token), **_AUTHOR.env()}
    Git(workdir, env).clone_branch(url, "develop", "risky")
    git = Git(workdir / "risky", env)
    base = git.cwd / "apps/web/base"
    (base / "cache.yaml").write_text(RISKY, encoding="utf-8")
    kustomization = base / "kustomization.yaml"
    kustomization.write_text(kustomization.read_text("utf-8") + "  - cache.yaml\n", "utf-8")
    git.commit_all("Add a cache", _AUTHOR)
    git.push_with_lease("add-cache", None)
    return forge.create_pull(head="add-cache", base="develop", title="Add a cache", body="").number
