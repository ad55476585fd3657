"""Byte-exact golden tests: only the token that changes may change."""

from __future__ import annotations

import pytest

from tests.unit.edit.helpers import edit

WEB = "ghcr.io/acme/web"
DIGEST = "sha256:" + "a" * 64
DIGEST2 = "sha256:" + "b" * 64

# (id, kind, input, image, target options, expected output)
CASES: list[tuple[str, str, str, str, dict[str, str], str]] = [
    (
        "kustomize-quoted-tag-with-trailing-comment",
        "kustomize",
        'images:\n  - name: ghcr.io/acme/web\n    newTag: "1.4.1"   # managed\n',
        f"{WEB}:1.4.2",
        {},
        'images:\n  - name: ghcr.io/acme/web\n    newTag: "1.4.2"   # managed\n',
    ),
    (
        "kustomize-plain-tag",
        "kustomize",
        "images:\n- name: ghcr.io/acme/web\n  newTag: v1.4.1\n",
        f"{WEB}:v1.5.0",
        {},
        "images:\n- name: ghcr.io/acme/web\n  newTag: v1.5.0\n",
    ),
    (
        "kustomize-single-quoted",
        "kustomize",
        "images:\n  - name: ghcr.io/acme/web\n    newTag: '1.4.1'\n",
        f"{WEB}:1.4.2",
        {},
        "images:\n  - name: ghcr.io/acme/web\n    newTag: '1.4.2'\n",
    ),
    (
        "kustomize-crlf",
        "kustomize",
        "# header\r\nimages:\r\n  - name: ghcr.io/acme/web\r\n    newTag: 1.4.1\r\nresources:\r\n  - a.yaml\r\n",
        f"{WEB}:1.4.2",
        {},
        "# header\r\nimages:\r\n  - name: ghcr.io/acme/web\r\n    newTag: 1.4.2\r\nresources:\r\n  - a.yaml\r\n",
    ),
    (
        "kustomize-flow-entry",
        "kustomize",
        "images: [{name: ghcr.io/acme/web, newTag: 1.4.1}]  # flow\n",
        f"{WEB}:1.4.2",
        {},
        "images: [{name: ghcr.io/acme/web, newTag: 1.4.2}]  # flow\n",
    ),
    (
        "kustomize-keeps-newName",
        "kustomize",
        'images:\n  - name: web\n    newName: ghcr.io/acme/web\n    newTag: "1.0"\n',
        f"{WEB}:1.1",
        {},
        'images:\n  - name: web\n    newName: ghcr.io/acme/web\n    newTag: "1.1"\n',
    ),
    (
        "kustomize-explicit-entry-name",
        "kustomize",
        "images:\n  - name: app\n    newName: registry.example.com/web\n    newTag: a\n",
        f"{WEB}:b",
        {"name": "app"},
        "images:\n  - name: app\n    newName: registry.example.com/web\n    newTag: b\n",
    ),
    (
        "kustomize-tag-that-looks-like-a-float-gets-quoted",
        "kustomize",
        "images:\n  - name: ghcr.io/acme/web\n    newTag: latest\n",
        f"{WEB}:1.20",
        {},
        'images:\n  - name: ghcr.io/acme/web\n    newTag: "1.20"\n',
    ),
    (
        "kustomize-add-digest-keeps-tag",
        "kustomize",
        "images:\n  - name: ghcr.io/acme/web\n    newTag: 1.4.1\n",
        f"{WEB}:1.4.2@{DIGEST}",
        {},
        f"images:\n  - name: ghcr.io/acme/web\n    newTag: 1.4.2\n    digest: {DIGEST}\n",
    ),
    (
        "kustomize-digest-only-replaces-digest-and-drops-stale-tag",
        "kustomize",
        f"images:\n  - name: ghcr.io/acme/web\n    newTag: 1.4.1\n    digest: {DIGEST}\n",
        f"{WEB}@{DIGEST2}",
        {},
        f"images:\n  - name: ghcr.io/acme/web\n    digest: {DIGEST2}\n",
    ),
    (
        "kustomize-tag-only-drops-stale-digest",
        "kustomize",
        f"images:\n  - name: ghcr.io/acme/web\n    newTag: 1.4.1\n    digest: {DIGEST}  # pinned\nnamespace: x\n",
        f"{WEB}:1.4.2",
        {},
        "images:\n  - name: ghcr.io/acme/web\n    newTag: 1.4.2\nnamespace: x\n",
    ),
    (
        "kustomize-missing-entry-appended-to-block-list",
        "kustomize",
        'images:\n  - name: other\n    newTag: "1"\n# trailing comment\n',
        f"{WEB}:1.4.2",
        {},
        'images:\n  - name: other\n    newTag: "1"\n  - name: ghcr.io/acme/web\n    newTag: 1.4.2\n# trailing comment\n',
    ),
    (
        "kustomize-missing-images-key-appended",
        "kustomize",
        "resources:\n  - ../../base\n",
        f"{WEB}:1.4.2",
        {},
        "resources:\n  - ../../base\nimages:\n  - name: ghcr.io/acme/web\n    newTag: 1.4.2\n",
    ),
    (
        "kustomize-other-entries-and-anchors-elsewhere-untouched",
        "kustomize",
        'labels: &l {app: web}\ncommonLabels: *l\nimages:\n  - name: ghcr.io/acme/api\n    newTag: "9"\n  - name: ghcr.io/acme/web\n    newTag: "1"\n',
        f"{WEB}:2",
        {},
        'labels: &l {app: web}\ncommonLabels: *l\nimages:\n  - name: ghcr.io/acme/api\n    newTag: "9"\n  - name: ghcr.io/acme/web\n    newTag: "2"\n',
    ),
    (
        "kustomize-odd-indentation",
        "kustomize",
        "images:\n     -   name: ghcr.io/acme/web\n         newTag:    1.4.1   \n",
        f"{WEB}:1.4.2",
        {},
        "images:\n     -   name: ghcr.io/acme/web\n         newTag:    1.4.2   \n",
    ),
    (
        "helm-nested-key-with-comments-and-blank-lines",
        "helm",
        '# top\n\nimage:\n  # the repository\n  repository: ghcr.io/acme/web\n\n  tag: "1.4.1"  # bump me\n\nreplicas: 2\n',
        f"{WEB}:1.4.2",
        {},
        '# top\n\nimage:\n  # the repository\n  repository: ghcr.io/acme/web\n\n  tag: "1.4.2"  # bump me\n\nreplicas: 2\n',
    ),
    (
        "helm-custom-key",
        "helm",
        "web:\n  image:\n    tag: 1.4.1\n",
        f"{WEB}:1.4.2",
        {"key": "web.image.tag"},
        "web:\n  image:\n    tag: 1.4.2\n",
    ),
    (
        "helm-empty-value-filled",
        "helm",
        "image:\n  repository: x\n  tag:\n  pullPolicy: Always\n",
        f"{WEB}:1.4.2",
        {},
        "image:\n  repository: x\n  tag: 1.4.2\n  pullPolicy: Always\n",
    ),
    (
        "helm-empty-string-stays-quoted",
        "helm",
        'image:\n  tag: ""\n',
        f"{WEB}:1.4.2",
        {},
        'image:\n  tag: "1.4.2"\n',
    ),
    (
        "helm-missing-tag-key-added-to-that-mapping-only",
        "helm",
        "image:\n  repository: ghcr.io/acme/web  # repo\nother: 1\n",
        f"{WEB}:1.4.2",
        {},
        'image:\n  repository: ghcr.io/acme/web  # repo\n  tag: "1.4.2"\nother: 1\n',
    ),
    (
        "helm-missing-parent-mapping-added",
        "helm",
        "replicas: 1\n",
        f"{WEB}:1.4.2",
        {},
        'replicas: 1\nimage:\n  tag: "1.4.2"\n',
    ),
    (
        "helm-flow-mapping",
        "helm",
        "image: {repository: ghcr.io/acme/web, tag: 1.4.1}\n",
        f"{WEB}:1.4.2",
        {},
        "image: {repository: ghcr.io/acme/web, tag: 1.4.2}\n",
    ),
    (
        "helm-flow-mapping-missing-key",
        "helm",
        "image: {repository: ghcr.io/acme/web}\n",
        f"{WEB}:1.4.2",
        {},
        'image: {repository: ghcr.io/acme/web, tag: "1.4.2"}\n',
    ),
    (
        "helm-block-scalar-next-to-edit",
        "helm",
        "notes: |\n  tag: 1.0 is not the tag\n  ---\nimage:\n  tag: 1.4.1\nscript: >\n  keep\n  folded\n",
        f"{WEB}:1.4.2",
        {},
        "notes: |\n  tag: 1.0 is not the tag\n  ---\nimage:\n  tag: 1.4.2\nscript: >\n  keep\n  folded\n",
    ),
    (
        "helm-unicode-around",
        "helm",
        '# 日本語のコメント\nimage:\n  tag: "1.4.1" # ✓ déployé\nnote: "café"\n',
        f"{WEB}:1.4.2",
        {},
        '# 日本語のコメント\nimage:\n  tag: "1.4.2" # ✓ déployé\nnote: "café"\n',
    ),
    (
        "helm-no-final-newline",
        "helm",
        "image:\n  tag: 1.4.1",
        f"{WEB}:1.4.2",
        {},
        "image:\n  tag: 1.4.2",
    ),
    (
        "helm-digest-into-tag-key",
        "helm",
        "image:\n  tag: 1.4.1\n",
        f"{WEB}:1.4.2@{DIGEST}",
        {},
        f"image:\n  tag: 1.4.2@{DIGEST}\n",
    ),
    (
        "helm-separate-digest-key",
        "helm",
        'image:\n  tag: 1.4.1\n  digest: ""\n',
        f"{WEB}:1.4.2@{DIGEST}",
        {"digest_key": "image.digest"},
        f'image:\n  tag: 1.4.2\n  digest: "{DIGEST}"\n',
    ),
    (
        "helm-bom-preserved",
        "helm",
        "\ufeffimage:\n  tag: 1.4.1\n",
        f"{WEB}:1.4.2",
        {},
        "\ufeffimage:\n  tag: 1.4.2\n",
    ),
    (
        "helm-tabs-free-four-space-indent",
        "helm",
        "image:\n    registry: ghcr.io\n    tag: '1.4.1'\n",
        f"{WEB}:1.4.2",
        {},
        "image:\n    registry: ghcr.io\n    tag: '1.4.2'\n",
    ),
    (
        "manifest-multidoc-with-separators-and-end-markers",
        "manifest",
        "# header comment\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n...\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.4.1 # app\n        - name: proxy\n          image: envoyproxy/envoy:v1.30.0\n...\n",
        f"{WEB}:1.4.2",
        {},
        "# header comment\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n...\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.4.2 # app\n        - name: proxy\n          image: envoyproxy/envoy:v1.30.0\n...\n",
    ),
    (
        "manifest-init-and-app-containers",
        "manifest",
        "kind: StatefulSet\napiVersion: apps/v1\nspec:\n  template:\n    spec:\n      initContainers:\n      - name: init\n        image: \"ghcr.io/acme/web:1.4.1\"\n      containers:\n      - name: web\n        image: 'ghcr.io/acme/web:1.4.1'\n",
        f"{WEB}:1.4.2",
        {},
        "kind: StatefulSet\napiVersion: apps/v1\nspec:\n  template:\n    spec:\n      initContainers:\n      - name: init\n        image: \"ghcr.io/acme/web:1.4.2\"\n      containers:\n      - name: web\n        image: 'ghcr.io/acme/web:1.4.2'\n",
    ),
    (
        "manifest-container-filter",
        "manifest",
        'kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - {name: a, image: "ghcr.io/acme/web:1"}\n      - {name: b, image: "ghcr.io/acme/web:1"}\n',
        f"{WEB}:2",
        {"container": "b"},
        'kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - {name: a, image: "ghcr.io/acme/web:1"}\n      - {name: b, image: "ghcr.io/acme/web:2"}\n',
    ),
    (
        "manifest-cronjob",
        "manifest",
        "kind: CronJob\napiVersion: batch/v1\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: job\n            image: ghcr.io/acme/web:1.0.0\n",
        f"{WEB}:1.1.0",
        {},
        "kind: CronJob\napiVersion: batch/v1\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: job\n            image: ghcr.io/acme/web:1.1.0\n",
    ),
    (
        "manifest-argo-rollout",
        "manifest",
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nspec:\n  strategy:\n    canary:\n      steps: [{setWeight: 20}]\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ghcr.io/acme/web@"
        + DIGEST
        + "\n",
        f"{WEB}:1.4.2",
        {},
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nspec:\n  strategy:\n    canary:\n      steps: [{setWeight: 20}]\n  template:\n    spec:\n      containers:\n      - name: web\n        image: ghcr.io/acme/web:1.4.2\n",
    ),
    (
        "manifest-docker-hub-short-name-kept-as-written",
        "manifest",
        "kind: Pod\nspec:\n  containers:\n  - name: n\n    image: nginx:1.25\n",
        "docker.io/library/nginx:1.27",
        {},
        "kind: Pod\nspec:\n  containers:\n  - name: n\n    image: nginx:1.27\n",
    ),
    (
        "manifest-crlf-and-job",
        "manifest",
        "kind: Job\r\nspec:\r\n  template:\r\n    spec:\r\n      containers:\r\n      - name: j\r\n        image: ghcr.io/acme/web:1\r\n",
        f"{WEB}:2",
        {},
        "kind: Job\r\nspec:\r\n  template:\r\n    spec:\r\n      containers:\r\n      - name: j\r\n        image: ghcr.io/acme/web:2\r\n",
    ),
    (
        "manifest-registry-with-port",
        "manifest",
        "kind: DaemonSet\nspec:\n  template:\n    spec:\n      containers:\n      - name: d\n        image: localhost:5000/acme/web:1\n",
        "localhost:5000/acme/web:2",
        {},
        "kind: DaemonSet\nspec:\n  template:\n    spec:\n      containers:\n      - name: d\n        image: localhost:5000/acme/web:2\n",
    ),
]


@pytest.mark.parametrize(
    ("kind", "text", "image", "options", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_golden(kind: str, text: str, image: str, options: dict[str, str], expected: str) -> None:
    assert edit(kind, text, image, **options) == expected


def test_at_least_thirty_golden_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize(
    ("kind", "text", "image", "options", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_idempotent(
    kind: str, text: str, image: str, options: dict[str, str], expected: str
) -> None:
    assert edit(kind, expected, image, **options) == expected
