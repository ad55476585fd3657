"""Discovery rules: which roots a snapshot has, and which ones a change affects."""

from __future__ import annotations

import textwrap

from gitops_release.config import load_config_text
from gitops_release.render.discover import ConfigRoots, RepoIndex
from gitops_release.render.tree import Tree, tree_from_texts

APP = """
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {{name: {name}, namespace: argocd}}
spec:
  source:
    path: {path}
{extra}
  destination: {{namespace: {namespace}}}
"""

FILES = {
    # kustomize: one base, two overlays; staging is deployed by an Application
    "apps/web/base/kustomization.yaml": "resources: [d.yaml]\n",
    "apps/web/base/d.yaml": "kind: Deployment\n",
    "apps/web/overlays/staging/kustomization.yaml": "resources: [../../base]\n",
    "apps/web/overlays/production/kustomization.yaml": "resources: [../../base]\n",
    "argocd/web.yaml": APP.format(
        name="web-staging",
        path="apps/web/overlays/staging",
        extra="    kustomize:\n      images: ['ghcr.io/acme/web:2.0.0']",
        namespace="web",
    ),
    # charts: api has an Application with a values file outside the chart; lib has none;
    # lib's subchart and a chart kustomize inflates are not roots
    "charts/api/Chart.yaml": "name: api\n",
    "charts/api/values.yaml": "a: 1\n",
    "charts/api/templates/d.yaml": "kind: Deployment\n",
    "envs/prod/api.yaml": "a: 2\n",
    "argocd/api.yaml": APP.format(
        name="api",
        path="charts/api",
        extra="    helm:\n      valueFiles: [../../envs/prod/api.yaml, missing.yaml]\n"
        "      ignoreMissingValueFiles: true\n      releaseName: api-prod",
        namespace="api",
    ),
    "charts/lib/Chart.yaml": "name: lib\n",
    "charts/lib/charts/sub/Chart.yaml": "name: sub\n",
    "inflate/kustomization.yaml": "helmCharts: [{name: redis}]\n",
    "inflate/charts/redis/Chart.yaml": "name: redis\n",
    # plain manifests named by the config, and an ApplicationSet with a templated path
    "clusters/blue/api.yaml": "kind: Deployment\n",
    "argocd/set.yaml": """
        apiVersion: argoproj.io/v1alpha1
        kind: ApplicationSet
        metadata: {name: many}
        spec:
          template:
            metadata: {name: '{{path.basename}}'}
            spec:
              source: {path: '{{path}}'}
    """,
    ".gitops-release.yaml": """
        environments:
          production: {branch: master}
        apps:
          api:
            image: ghcr.io/acme/api
            targets:
              - manifest: clusters/blue/api.yaml
              - helm: charts/lib/values-extra.yaml
          web:
            image: ghcr.io/acme/web
            targets:
              - kustomize: apps/web/base
        render:
          paths: [clusters]
    """,
    "charts/lib/values-extra.yaml": "b: 1\n",
}


def index(files: dict[str, str] = FILES) -> RepoIndex:
    texts = {k: textwrap.dedent(v).lstrip() for k, v in files.items()}
    snapshot = tree_from_texts(texts)
    config = load_config_text(texts[".gitops-release.yaml"])
    return RepoIndex(snapshot, config_roots=ConfigRoots.from_config(config))


def test_every_kind_of_root_is_found() -> None:
    assert index().all_keys() == {
        "app:argocd/web-staging",
        "app:argocd/api",
        "kustomize:apps/web/overlays/production",
        "kustomize:apps/web/base",  # a config target, even though overlays include it
        "kustomize:inflate",
        "helm:charts/lib",
        "helm:charts/lib@charts/lib/values-extra.yaml",
        "manifest:clusters/blue/api.yaml",
        "manifest:clusters",
    }


def test_application_roots_render_like_argo_cd() -> None:
    ix = index()
    web = ix.root("app:argocd/web-staging")
    assert web is not None
    assert (web.name, web.kind, web.path) == (
        "web-staging",
        "kustomize",
        "apps/web/overlays/staging",
    )
    assert web.images == ("ghcr.io/acme/web:2.0.0",)
    assert web.app_file == "argocd/web.yaml"
    api = ix.root("app:argocd/api")
    assert api is not None
    assert api.kind == "helm"
    assert api.helm is not None
    assert api.helm.release_name == "api-prod"
    assert api.helm.namespace == "api"
    assert api.helm.value_files == ("envs/prod/api.yaml",)  # the missing one is ignored
    assert api.problems == ()
    assert "envs/prod/api.yaml" in api.checkout
    lib = ix.root("helm:charts/lib@charts/lib/values-extra.yaml")
    assert lib is not None
    assert lib.helm is not None
    assert lib.helm.value_files == ("charts/lib/values-extra.yaml",)


def test_affected_roots() -> None:
    ix = index()
    assert ix.affected(["apps/web/base/d.yaml"]) == {
        "app:argocd/web-staging",
        "kustomize:apps/web/overlays/production",
        "kustomize:apps/web/base",
    }
    assert ix.affected(["envs/prod/api.yaml"]) == {"app:argocd/api"}
    assert ix.affected(["argocd/web.yaml"]) == {"app:argocd/web-staging"}
    assert ix.affected(["charts/lib/charts/sub/Chart.yaml"]) == {
        "helm:charts/lib",
        "helm:charts/lib@charts/lib/values-extra.yaml",
    }
    assert ix.affected(["inflate/charts/redis/Chart.yaml"]) == {"kustomize:inflate"}
    assert ix.affected(["clusters/blue/api.yaml"]) == {
        "manifest:clusters",
        "manifest:clusters/blue/api.yaml",
    }
    assert ix.affected(["README.md"]) == frozenset()


def test_affected_agrees_with_the_closures_of_all_roots() -> None:
    full = index()
    closures = {key: full.closure(key) for key in full.all_keys()}
    for path in [*sorted(FILES), "apps/web/base/new.yaml", "charts/api/templates/new.yaml"]:
        expected = {k for k, c in closures.items() if c is not None and c.contains(path)}
        assert index().affected([path]) == expected, path


def test_a_removed_kustomization_is_no_root() -> None:
    files = dict(FILES)
    del files["apps/web/overlays/production/kustomization.yaml"]
    ix = index(files)
    assert ix.root("kustomize:apps/web/overlays/production") is None
    assert "kustomize:apps/web/overlays/production" in index().affected(
        ["apps/web/overlays/production/kustomization.yaml"]
    )


COMPONENT = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
VARIANTS = {
    # microservices-demo's layout: a base, optional Components, variants choosing among them
    "kustomize/base/kustomization.yaml": "resources: [d.yaml]\n",
    "kustomize/base/d.yaml": "kind: Deployment\n",
    "kustomize/components/network-policies/kustomization.yaml": COMPONENT
    + "resources: [np.yaml]\n",
    "kustomize/components/network-policies/np.yaml": "kind: NetworkPolicy\n",
    "kustomize/components/spanner/kustomization.yaml": COMPONENT + "patches: [{path: p.yaml}]\n",
    "kustomize/components/spanner/p.yaml": "kind: Deployment\n",
    "kustomize/kustomization.yaml": "resources: [base]\ncomponents: [components/network-policies]\n",
}


def test_components_are_roots_only_through_the_kustomizations_using_them() -> None:
    ix = RepoIndex(tree_from_texts(VARIANTS))
    assert ix.all_keys() == {"kustomize:kustomize"}
    assert ix.affected(["kustomize/components/network-policies/np.yaml"]) == {"kustomize:kustomize"}
    # a Component nothing uses renders nowhere: a change there affects no root
    assert ix.affected(["kustomize/components/spanner/p.yaml"]) == frozenset()


def test_a_component_named_as_a_config_target_is_still_a_root() -> None:
    ix = RepoIndex(
        tree_from_texts(VARIANTS),
        config_roots=ConfigRoots(kustomize=("kustomize/components/spanner",)),
    )
    assert "kustomize:kustomize/components/spanner" in ix.all_keys()


def test_a_change_to_the_target_of_a_link_inside_the_repository_affects_the_root() -> None:
    base = tree_from_texts(
        {
            "charts/a/Chart.yaml": "apiVersion: v2\nname: a\nversion: 0.1.0\n",
            "charts/a/files/app.conf": "../../../shared/app.conf",
            "shared/app.conf": "level=info\n",
        }
    )
    tree = Tree(base.files, base.store, base.label, frozenset({"charts/a/files/app.conf"}))
    ix = RepoIndex(tree)
    assert ix.affected(["shared/app.conf"]) == {"helm:charts/a"}
