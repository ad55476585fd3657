"""Argo CD Applications and ApplicationSets: which in-repo sources they render, and how."""

from __future__ import annotations

import json
import textwrap

from gitops_release.render.argo import parse_apps
from gitops_release.render.model import ChartRef, HelmParameter


def apps(text: str):
    return parse_apps(textwrap.dedent(text).lstrip(), source="argocd/app.yaml")


def test_multi_source_application_with_a_values_ref() -> None:
    [chart, redis] = apps(
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: api, namespace: argocd}
        spec:
          sources:
            - repoURL: https://github.com/acme/manifests.git
              ref: values
            - repoURL: https://github.com/acme/manifests.git
              path: charts/api
              helm:
                valueFiles: [$values/envs/prod/api.yaml, values-prod.yaml]
                valuesObject: {replicas: 3}
                parameters:
                  - {name: image.tag, value: "1.2.3", forceString: true}
                  - {name: debug, value: true}
            - chart: redis
              repoURL: https://charts.example
          destination: {namespace: api}
        """
    )
    assert (chart.app, chart.index, chart.path) == ("api", 1, "charts/api")
    assert chart.helm is not None
    assert chart.helm.value_files == ("envs/prod/api.yaml", "charts/api/values-prod.yaml")
    assert json.loads(chart.helm.values or "") == {"replicas": 3}
    assert chart.helm.parameters == (
        HelmParameter("image.tag", "1.2.3", force_string=True),
        HelmParameter("debug", "true"),
    )
    assert chart.destination_namespace == "api"
    assert chart.chart is None
    # a chart of a chart repository is a source too: its version is the latest (no revision)
    assert (redis.index, redis.path) == (2, "")
    assert redis.chart == ChartRef("https://charts.example", "redis", "")


def test_remote_chart_sources() -> None:
    [single, oci] = [
        *apps(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata: {name: cache}
            spec:
              source:
                repoURL: https://charts.bitnami.com/bitnami
                chart: redis
                targetRevision: 17.3.x
                helm: {valueFiles: [values-production.yaml, $values/redis.yaml]}
            """
        ),
        *apps(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: Application
            metadata: {name: oci}
            spec:
              source: {repoURL: registry.example/charts, chart: api, targetRevision: 1.2.3}
            """
        ),
    ]
    assert single.chart == ChartRef("https://charts.bitnami.com/bitnami", "redis", "17.3.x")
    assert single.helm is not None
    assert single.helm.chart_value_files == ("values-production.yaml",)
    assert single.helm.value_files == ()  # no `ref: values` source: not a file of this repo
    assert single.problems == ("value file $values/redis.yaml is not a file of this repository",)
    assert oci.chart == ChartRef("oci://registry.example/charts", "api", "1.2.3")


def test_application_set_literal_paths_only() -> None:
    found = apps(
        """
        apiVersion: argoproj.io/v1alpha1
        kind: ApplicationSet
        metadata: {name: static}
        spec:
          template:
            metadata: {name: static}
            spec:
              source: {path: apps/static, directory: {recurse: true}}
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: ApplicationSet
        metadata: {name: generated}
        spec:
          template:
            spec:
              source: {path: 'apps/{{path.basename}}'}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: not-an-app}
        """
    )
    assert [(s.app, s.kind, s.path, s.recurse) for s in found] == [
        ("static", "ApplicationSet", "apps/static", True)
    ]


def test_value_files_outside_the_repository_are_problems() -> None:
    [src] = apps(
        """
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        metadata: {name: x}
        spec:
          source:
            path: charts/x
            helm: {valueFiles: ["https://example.com/v.yaml", ../../../outside.yaml]}
        """
    )
    assert src.problems == (
        "value file https://example.com/v.yaml is not a file of this repository",
        "value file ../../../outside.yaml is not a file of this repository",
    )


def test_unparsable_files_are_skipped() -> None:
    assert apps("apiVersion: argoproj.io/v1alpha1\nkind: [\n") == ()
