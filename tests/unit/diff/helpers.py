"""Diff results built by hand for the report tests."""

from __future__ import annotations

from gitops_release.diff.compare import unified
from gitops_release.diff.model import DiffResult, ImageChange, ResourceChange, RootDiff


def resource(
    i: int, *, lines: int = 3, change: str = "changed", text: str = "value", owner: str = ""
) -> ResourceChange:
    before = "".join(f"  key{n}: {text}-{n}\n" for n in range(lines))
    after = "".join(f"  key{n}: {text}-{n}-new\n" for n in range(lines))
    name = f"{owner.replace('/', '-')}-cm-{i}"
    label = f"ConfigMap ns/{name}"
    return ResourceChange(
        api_version="v1",
        kind="ConfigMap",
        namespace="ns",
        name=name,
        change=change,  # type: ignore[arg-type]
        diff=unified("kind: ConfigMap\n" + before, "kind: ConfigMap\n" + after, label=label),
    )


def root(name: str, count: int, **kwargs: object) -> RootDiff:
    resources = tuple(resource(i, owner=name, **kwargs) for i in range(count))  # type: ignore[arg-type]
    return RootDiff(
        key=f"kustomize:{name}",
        name=name,
        path=name,
        kind="kustomize",
        status="changed" if resources else "unchanged",
        resources=resources,
        images=(ImageChange(f"Deployment {name}", "app", "app:1", "app:2"),) if resources else (),
    )


def result(*roots: RootDiff) -> DiffResult:
    return DiffResult(
        base="main",
        head="refs/pull/7/merge",
        base_commit="a" * 40,
        head_commit="b" * 40,
        roots=roots,
    )
