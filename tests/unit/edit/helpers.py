"""Run the pure planner on one in-memory file, the way set-image does on a checkout."""

from __future__ import annotations

from gitops_release.config import App, Target
from gitops_release.edit import TargetFiles, plan_set_image
from gitops_release.edit.model import PlannedFile
from gitops_release.image import parse

FILES = {"kustomize": "kustomization.yaml", "helm": "values.yaml", "manifest": "deploy.yaml"}


def plan_one(
    kind: str,
    text: str,
    image: str,
    *,
    app_image: str | None = None,
    allow_downgrade: bool = False,
    **target: str,
) -> PlannedFile:
    ref = parse(image)
    name = FILES[kind]
    tgt = Target(kind=kind, path="." if kind == "kustomize" else name, **target)  # type: ignore[arg-type]
    app = App(name="web", image=app_image or ref.repository, targets=(tgt,))
    (change,) = plan_set_image(
        app, ref, [TargetFiles(tgt, (name,))], {name: text}, allow_downgrade=allow_downgrade
    )
    return change


def edit(kind: str, text: str, image: str, **kwargs: str) -> str:
    return plan_one(kind, text, image, **kwargs).after
