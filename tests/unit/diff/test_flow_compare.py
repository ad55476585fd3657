"""The flow's pure comparison step: pairing sides, errors per root, Secret masking."""

from __future__ import annotations

import base64
from pathlib import Path

from gitops_release.render.model import RenderRoot
from gitops_release.render.run import Rendered
from gitops_release.steps.rendered_diff import DiffPlan, DiffRequest, RootPlan, compare

PASSWORD = "very-secret-value-42"
SECRET = (
    "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\n"
    f"data: {{password: {base64.b64encode(PASSWORD.encode()).decode()}}}\n"
)


def root(key: str, digest: str = "d") -> RenderRoot:
    return RenderRoot(key=key, name=key, kind="kustomize", path=key, digest=digest)


def plan(*roots: RootPlan) -> DiffPlan:
    request = DiffRequest(repo=Path(), base="main", head="pr")
    return DiffPlan(request, "a" * 40, "b" * 40, (), roots, timeout=10)


def test_errors_are_per_root_and_never_show_secret_values() -> None:
    good, bad = root("good", "1"), root("bad", "1")
    rendered = {
        ("base", "good"): Rendered("good", "good", SECRET),
        ("head", "good"): Rendered("good", "good", SECRET.replace("db", "db2")),
        ("base", "bad"): Rendered("bad", "bad", "kind: ConfigMap\nmetadata: {name: x}\n"),
        ("head", "bad"): Rendered("bad", "bad", None, f"kustomize failed near {PASSWORD}"),
    }
    result = compare(
        plan(RootPlan("good", good, root("good", "2")), RootPlan("bad", bad, root("bad", "2"))),
        rendered,
        salt=b"s",
    )
    by_key = {r.key: r for r in result.roots}
    assert by_key["bad"].status == "error"
    assert by_key["bad"].error == "head (bbbbbbb): kustomize failed near ***"
    assert by_key["good"].status == "changed"
    assert PASSWORD not in repr(result)


def test_identical_closures_reuse_the_head_render_for_base() -> None:
    same = RootPlan("r", root("r", "x"), root("r", "x"))
    assert same.identical
    rendered = {("head", "r"): Rendered("r", "r", "kind: ConfigMap\nmetadata: {name: x}\n")}
    [diff] = compare(plan(same), rendered, salt=b"s").roots
    assert diff.status == "unchanged"


def test_roots_on_one_side_only() -> None:
    added = RootPlan("new", None, root("new"))
    removed = RootPlan("old", root("old"), None)
    rendered = {
        ("head", "new"): Rendered("new", "new", "kind: ConfigMap\nmetadata: {name: n}\n"),
        ("base", "old"): Rendered("old", "old", "kind: ConfigMap\nmetadata: {name: o}\n"),
    }
    result = compare(plan(added, removed), rendered, salt=b"s")
    summary = {(r.key, r.presence, r.resources[0].change) for r in result.roots}
    assert summary == {("new", "head", "added"), ("old", "base", "removed")}
