"""Run the planner with a release strategy on in-memory files, as set-image does on a checkout."""

from __future__ import annotations

from collections.abc import Mapping

from gitops_release.config import App, Strategies, Strategy, Target
from gitops_release.edit import TargetFiles, plan_set_image
from gitops_release.edit.model import PlannedFile
from gitops_release.edit.strategy import Reached
from gitops_release.image import parse

WEB = "ghcr.io/acme/web"
CANARY = Strategy(
    "canary",
    steps=(
        {"setWeight": 25},
        {"pause": {}},
        {"setWeight": 75},
        {"pause": {"duration": "30s"}},
    ),
)
ANALYSED = Strategy(
    "analysed",
    steps=({"setWeight": 50}, {"pause": {"duration": "5m"}}),
    analysis={"templates": [{"templateName": "error-rate"}], "startingStep": 1},
)
ROLLING = Strategy("rolling")
STRATEGIES = Strategies(default="rolling", presets=(ROLLING, CANARY, ANALYSED))


def plan(
    files: Mapping[str, str],
    image: str,
    strategy: Strategy | None,
    *,
    kind: str = "manifest",
    path: str = "rollout.yaml",
    reach: tuple[Reached, ...] = (),
    shared: frozenset[str] = frozenset(),
    asked: bool = True,
    **target: str,
) -> dict[str, PlannedFile]:
    tgt = Target(kind=kind, path=path, **target)  # type: ignore[arg-type]
    app = App(name="web", image=WEB, targets=(tgt,), strategies=STRATEGIES)
    own = (f"{path}/kustomization.yaml",) if kind == "kustomize" else (path,)
    changes = plan_set_image(
        app,
        parse(image),
        [TargetFiles(tgt, own, reach=reach, shared=shared)],
        dict(files),
        strategy=strategy,
        strategy_asked=asked,
    )
    return {c.file: c for c in changes}


def release(text: str, image: str, strategy: Strategy | None, **kwargs: str) -> str:
    return plan({"rollout.yaml": text}, image, strategy, **kwargs)["rollout.yaml"].after
