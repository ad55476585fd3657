"""`demo`: run the product on the bundled example manifest repo, printing every step."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from gitops_release.flows.set_image import SetImageRequest, set_image

Echo = Callable[[str], None]


def example_repo() -> Path:
    """The bundled example manifest repo (shipped as package data, or the source checkout's)."""
    try:
        base = resources.files("gitops_release.examples")
    except ModuleNotFoundError:  # running from a source tree without installing
        return Path(__file__).resolve().parents[3] / "examples" / "manifest-repo"
    return Path(str(base.joinpath("manifest-repo")))


def run_demo(*, echo: Echo, keep: bool = False) -> Path | None:
    workdir = Path(tempfile.mkdtemp(prefix="gitops-release-demo-"))
    repo = workdir / "manifest-repo"
    shutil.copytree(example_repo(), repo)
    try:
        echo(f"Example manifest repo copied to {repo}")
        for env, image in (
            ("staging", "ghcr.io/acme/web:1.4.2"),
            ("production", "ghcr.io/acme/api:2.1.0"),
        ):
            echo("")
            echo(f"$ gitops-release set-image --repo {repo.name} --env {env} --image {image}")
            result = set_image(SetImageRequest(repo=repo, env=env, image=image))
            for edit in result.edits:
                echo(f"  {edit.file}:{edit.line}  {edit.old} → {edit.new}")
            echo(result.diff().rstrip("\n"))
            again = set_image(SetImageRequest(repo=repo, env=env, image=image))
            echo(f"  (run again: changed={str(again.changed).lower()})")
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if keep:
        echo(f"\nKept {repo}")
        return repo
    return None
