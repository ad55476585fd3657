"""Kustomization references, dependency closures, and the backward search for affected dirs."""

from __future__ import annotations

import random
import textwrap

import pytest

from gitops_release.render.graph import KustomizeGraph, is_remote, join
from gitops_release.render.kustomization import parse_kustomization
from gitops_release.render.tree import tree_from_texts


def tree(files: dict[str, str]):
    return tree_from_texts({k: textwrap.dedent(v).lstrip() for k, v in files.items()})


def test_every_reference_field_is_read() -> None:
    refs = parse_kustomization(
        """
        resources: [a.yaml, ../base, "https://example.com/x.yaml"]
        bases: [../old]
        components: [../comp]
        generators: [gen.yaml]
        transformers: ["apiVersion: builtin\\nkind: LabelTransformer\\n"]
        validators: [val.yaml]
        crds: [crd.yaml]
        configurations: [conf.yaml]
        openapi: {path: schema.json}
        patchesStrategicMerge: [psm.yaml, "apiVersion: v1\\nkind: X\\n"]
        patchesJson6902: [{path: j.yaml, target: {kind: X}}]
        patches: [{path: p.yaml}, {patch: "inline"}]
        replacements: [{path: r.yaml}]
        configMapGenerator:
          - {name: c, files: [key=cfg/app.conf, plain.txt], envs: [a.env]}
        secretGenerator:
          - {name: s, env: s.env}
        helmGlobals: {chartHome: vendor}
        helmCharts: [{name: redis, repo: "https://charts.example", valuesFile: redis.yaml}]
        namespace: prod
        vars: [{name: X}]
        """.replace("        ", ""),
        source="k.yaml",
    )
    assert refs.error is None
    assert refs.includes == (
        "a.yaml", "../base", "https://example.com/x.yaml", "../old", "../comp", "gen.yaml",
        "val.yaml",
    )  # fmt: skip
    assert set(refs.files) == {
        "crd.yaml", "conf.yaml", "psm.yaml", "j.yaml", "p.yaml", "r.yaml", "cfg/app.conf",
        "plain.txt", "a.env", "s.env", "schema.json", "redis.yaml",
    }  # fmt: skip
    assert refs.chart_home == "vendor"
    assert refs.namespace == "prod"
    assert refs.features == {"helmCharts", "vars"}


def test_malformed_kustomization_is_an_error_not_an_exception() -> None:
    assert parse_kustomization("resources: [a\n", source="k").error
    assert parse_kustomization("- a\n", source="k").error == "k: a kustomization must be a mapping"


@pytest.mark.parametrize(
    ("entry", "remote"),
    [
        ("https://github.com/acme/x//base?ref=v1", True),
        ("github.com/acme/x/base?ref=v1", True),
        ("git@github.com:acme/x.git", True),
        ("ssh://git@example.com/x.git", True),
        ("https://example.com/manifest.yaml", True),
        ("../base", False),
        ("deployment.yaml", False),
        ("my.app/deployment.yaml", False),
        ("github.com/acme/x/deploy.yaml", False),
    ],
)
def test_remote_references(entry: str, remote: bool) -> None:
    assert is_remote(entry) is remote


def test_join_stays_inside_the_repository() -> None:
    assert join("apps/web/overlays/prod", "../../base") == "apps/web/base"
    assert join("apps", "..") == ""
    assert join("apps", "../..") is None
    assert join("apps", "/etc/passwd") is None


FILES = {
    "apps/web/base/kustomization.yaml": "resources: [deployment.yaml]\n",
    "apps/web/base/deployment.yaml": "kind: Deployment\n",
    "apps/web/overlays/prod/kustomization.yaml": """
        resources: [../../base, ../../../../shared]
        components: [../../../../components/probe]
        patches: [{path: patch.yaml}]
        configMapGenerator: [{name: c, files: [app.conf]}]
    """,
    "apps/web/overlays/prod/patch.yaml": "kind: Deployment\n",
    "apps/web/overlays/prod/app.conf": "x=1\n",
    "apps/web/overlays/prod/unused.txt": "not referenced\n",
    "apps/web/overlays/dev/kustomization.yaml": "namespace: staging\nresources: [..]\n",
    "apps/web/overlays/kustomization.yaml": "resources: [../base]\n",
    "shared/kustomization.yaml": "resources: [ns.yaml]\n",
    "shared/ns.yaml": "kind: Namespace\n",
    "components/probe/kustomization.yaml": "kind: Component\n",
    "aggregate/kustomization.yaml": "resources: [../apps/web/overlays/prod]\n",
    "remote/kustomization.yaml": "resources:\n  - github.com/acme/x/base?ref=v1\n",
}


def test_closure_follows_includes_and_lists_referenced_files_only() -> None:
    graph = KustomizeGraph(tree(FILES))
    closure = graph.closure("apps/web/overlays/prod")
    assert closure.dirs == {
        "apps/web/overlays/prod", "apps/web/base", "shared", "components/probe",
    }  # fmt: skip
    assert {f for f in closure.files if tree(FILES).is_file(f)} == {
        "apps/web/overlays/prod/kustomization.yaml",
        "apps/web/overlays/prod/patch.yaml",
        "apps/web/overlays/prod/app.conf",
        "apps/web/base/kustomization.yaml",
        "apps/web/base/deployment.yaml",
        "shared/kustomization.yaml",
        "shared/ns.yaml",
        "components/probe/kustomization.yaml",
    }
    assert "apps/web/overlays/prod/kustomization.yml" in closure.files  # adding one matters
    assert not closure.contains("apps/web/overlays/prod/unused.txt")


def test_roots_are_kustomizations_nobody_includes() -> None:
    graph = KustomizeGraph(tree(FILES))
    tops = set(graph.files) - graph.included_dirs
    assert tops == {"aggregate", "apps/web/overlays/dev", "remote"}
    assert graph.remote("remote") == ("remote/kustomization.yaml: github.com/acme/x/base?ref=v1",)


def test_backward_search_finds_holders_through_dot_references() -> None:
    graph = KustomizeGraph(tree(FILES))
    # dev includes its parent directory (`..`), which includes the base.
    assert graph.ancestors(["apps/web/base/deployment.yaml"]) == {
        "apps/web/base", "apps/web/overlays", "apps/web/overlays/dev", "apps/web/overlays/prod",
        "aggregate",
    }  # fmt: skip
    assert graph.ancestors(["apps/web/overlays/prod/unused.txt"]) == frozenset()
    assert graph.ancestors(["shared/ns.yaml"]) == {"shared", "apps/web/overlays/prod", "aggregate"}
    assert graph.ancestors(["new/kustomization.yaml"]) == {"new"}


def random_repo(rng: random.Random, size: int) -> dict[str, str]:
    """Overlays over bases over shared bases, with random cross references."""
    files: dict[str, str] = {}
    shared = [f"shared/s{i}" for i in range(3)]
    for s in shared:
        files[f"{s}/kustomization.yaml"] = "resources: [cm.yaml]\n"
        files[f"{s}/cm.yaml"] = "kind: ConfigMap\n"
    for i in range(size):
        base = f"apps/a{i}/base"
        refs = ["deploy.yaml", *rng.sample([f"../../../{s}" for s in shared], rng.randint(0, 2))]
        files[f"{base}/kustomization.yaml"] = f"resources: [{', '.join(refs)}]\n"
        files[f"{base}/deploy.yaml"] = "kind: Deployment\n"
        for env in ("staging", "prod"):
            style = rng.choice(["../../base", "../../base/", "./../../base", "../../../a{0}/base"])
            ref = style.format(i)
            patch = rng.choice(["", "patches: [{path: p.yaml}]\n"])
            files[f"apps/a{i}/overlays/{env}/kustomization.yaml"] = (
                f"namespace: a{i}-{env}\nresources:\n  - {ref}\n{patch}"
            )
            files[f"apps/a{i}/overlays/{env}/p.yaml"] = "kind: Deployment\n"
    return files


@pytest.mark.parametrize("seed", range(5))
def test_backward_search_equals_forward_closures(seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not cryptography
    snapshot = tree_from_texts(random_repo(rng, 12))
    forward = KustomizeGraph(snapshot)
    closures = {d: forward.closure(d) for d in forward.files}
    for path in [*rng.sample(sorted(snapshot.files), 15), "apps/a0/base/missing.yaml"]:
        backward = KustomizeGraph(snapshot)
        expected = {d for d, c in closures.items() if c.contains(path)}
        assert backward.ancestors([path]) == expected, path
        for d in expected:
            assert backward.is_included(d) == (d in forward.included_dirs)
