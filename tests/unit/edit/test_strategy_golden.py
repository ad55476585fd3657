"""Byte-exact golden tests of release strategies: only the canary `steps` (and `analysis`) block
of a Rollout changes, in the file's own style; the same release twice changes nothing; the
next default release gives back the original bytes except the tag."""

from __future__ import annotations

import pytest

from gitops_release.yamlio import nodes as yamlnodes
from tests.unit.edit.strategy_helpers import ANALYSED, CANARY, ROLLING, release

# A Rollout as the team keeps it: steps commented out, so releases are rolling updates.
COMMENTED = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    canary:
      maxSurge: "25%"   # keep capacity
      # steps:
      # - setWeight: 20
      # - pause: {}
  selector:
    matchLabels: {app: web}
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
"""

COMMENTED_CANARY = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    canary:
      maxSurge: "25%"   # keep capacity
      steps:
        - setWeight: 25
        - pause: {}
        - setWeight: 75
        - pause: {duration: 30s}
      # steps:
      # - setWeight: 20
      # - pause: {}
  selector:
    matchLabels: {app: web}
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.1.0
"""

# Four-space indentation, lists at the key's column, CRLF line endings.
WIDE = (
    "apiVersion: argoproj.io/v1alpha1\r\n"
    "kind: Rollout\r\n"
    "metadata:\r\n"
    "    name: web\r\n"
    "spec:\r\n"
    "    strategy:\r\n"
    "        canary:\r\n"
    "            canaryService: web-canary\r\n"
    "    template:\r\n"
    "        spec:\r\n"
    "            containers:\r\n"
    "            - name: web\r\n"
    "              image: 'ghcr.io/acme/web:1.0.0'\r\n"
)
WIDE_ANALYSED = (
    "apiVersion: argoproj.io/v1alpha1\r\n"
    "kind: Rollout\r\n"
    "metadata:\r\n"
    "    name: web\r\n"
    "spec:\r\n"
    "    strategy:\r\n"
    "        canary:\r\n"
    "            canaryService: web-canary\r\n"
    "            steps:\r\n"
    "            - setWeight: 50\r\n"
    "            - pause: {duration: 5m}\r\n"
    "            analysis:\r\n"
    "                templates:\r\n"
    "                - templateName: error-rate\r\n"
    "                startingStep: 1\r\n"
    "    template:\r\n"
    "        spec:\r\n"
    "            containers:\r\n"
    "            - name: web\r\n"
    "              image: 'ghcr.io/acme/web:1.1.0'\r\n"
)

FLOW = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  strategy: {canary: {maxSurge: 1, steps: [{setWeight: 10}, {pause: {duration: 1h}}]}}
  template:
    spec:
      containers: [{name: web, image: "ghcr.io/acme/web:1.0.0"}]
"""
FLOW_CANARY = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  strategy: {canary: {maxSurge: 1, steps: [{setWeight: 25}, {pause: {}}, {setWeight: 75}, {pause: {duration: 30s}}]}}
  template:
    spec:
      containers: [{name: web, image: "ghcr.io/acme/web:1.1.0"}]
"""
FLOW_ROLLING = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec:
  strategy: {canary: {maxSurge: 1}}
  template:
    spec:
      containers: [{name: web, image: "ghcr.io/acme/web:1.2.0"}]
"""

# Steps written inline in a block canary, kept as a flow list.
INLINE = """\
kind: Rollout
apiVersion: argoproj.io/v1alpha1
metadata:
  name: web
spec:
  strategy:
    canary:
      steps: [{setWeight: 10}]  # inline
      dynamicStableScale: true
  template:
    spec:
      containers:
      - name: web
        image: ghcr.io/acme/web:1.0.0
"""

# A Rollout that points at a Deployment (workloadRef): the image is the Deployment's, the
# steps the Rollout's, one file, two documents.
WORKLOAD_REF = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 0
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0 # managed by gitops-release
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  workloadRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  strategy:
    canary:
      steps:
        - setWeight: 10
      stableService: web
"""
WORKLOAD_REF_CANARY = WORKLOAD_REF.replace("1.0.0", "1.1.0").replace(
    "      steps:\n        - setWeight: 10\n",
    "      steps:\n        - setWeight: 25\n        - pause: {}\n        - setWeight: 75\n"
    "        - pause: {duration: 30s}\n",
)
WORKLOAD_REF_ROLLING = WORKLOAD_REF.replace("1.0.0", "1.2.0").replace(
    "      steps:\n        - setWeight: 10\n", ""
)


@pytest.mark.parametrize(
    ("name", "before", "strategy", "after"),
    [
        ("commented-out-steps", COMMENTED, CANARY, COMMENTED_CANARY),
        ("four-spaces-crlf-analysis", WIDE, ANALYSED, WIDE_ANALYSED),
        ("flow", FLOW, CANARY, FLOW_CANARY),
        (
            "inline-steps-stay-flow",
            INLINE,
            CANARY,
            INLINE.replace("1.0.0", "1.1.0").replace(
                "[{setWeight: 10}]",
                "[{setWeight: 25}, {pause: {}}, {setWeight: 75}, {pause: {duration: 30s}}]",
            ),
        ),
        ("workload-ref", WORKLOAD_REF, CANARY, WORKLOAD_REF_CANARY),
    ],
)
def test_canary_release_writes_exactly_the_steps(
    name: str, before: str, strategy: object, after: str
) -> None:
    tag = "1.1.0"
    out = release(before, f"ghcr.io/acme/web:{tag}", strategy)  # type: ignore[arg-type]
    assert out == after, name
    # The same release again changes nothing.
    assert release(out, f"ghcr.io/acme/web:{tag}", strategy) == out  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("before", "strategy"),
    [(COMMENTED, CANARY), (WIDE, ANALYSED), (COMMENTED, ANALYSED)],
)
def test_next_default_release_restores_the_original_bytes_but_the_tag(
    before: str, strategy: object
) -> None:
    canary = release(before, "ghcr.io/acme/web:1.1.0", strategy)  # type: ignore[arg-type]
    assert canary != before.replace("1.0.0", "1.1.0")
    rolled = release(canary, "ghcr.io/acme/web:1.2.0", ROLLING)
    assert rolled == before.replace("1.0.0", "1.2.0")


def test_default_release_removes_steps_the_file_had() -> None:
    assert release(FLOW, "ghcr.io/acme/web:1.2.0", ROLLING) == FLOW_ROLLING
    assert release(WORKLOAD_REF, "ghcr.io/acme/web:1.2.0", ROLLING) == WORKLOAD_REF_ROLLING
    out = release(INLINE, "ghcr.io/acme/web:1.2.0", ROLLING)
    assert out == INLINE.replace("1.0.0", "1.2.0").replace(
        "      steps: [{setWeight: 10}]  # inline\n", ""
    )


def test_the_written_steps_parse_to_the_preset() -> None:
    out = release(COMMENTED, "ghcr.io/acme/web:1.1.0", ANALYSED)
    canary = yamlnodes.to_python(yamlnodes.compose_all(out, source="x")[0])["spec"]["strategy"][
        "canary"
    ]
    assert canary["steps"] == list(ANALYSED.steps)
    assert canary["analysis"] == ANALYSED.analysis
    assert canary["maxSurge"] == "25%"


def test_switching_between_presets_replaces_only_the_blocks() -> None:
    canary = release(COMMENTED, "ghcr.io/acme/web:1.1.0", CANARY)
    analysed = release(canary, "ghcr.io/acme/web:1.2.0", ANALYSED)
    assert analysed == release(COMMENTED, "ghcr.io/acme/web:1.2.0", ANALYSED)
    back = release(analysed, "ghcr.io/acme/web:1.3.0", CANARY)
    assert back == canary.replace("1.1.0", "1.3.0")


def test_a_file_without_a_final_line_break_keeps_lacking_one() -> None:
    text = (
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web}\nspec:\n"
        "  template:\n    spec:\n      containers: [{name: web, image: 'ghcr.io/acme/web:1.0.0'}]\n"
        "  strategy:\n    canary:\n      maxSurge: 1"
    )
    canary = release(text, "ghcr.io/acme/web:1.1.0", CANARY)
    assert canary.endswith(
        "      maxSurge: 1\n      steps:\n      - setWeight: 25\n"
        "      - pause: {}\n      - setWeight: 75\n      - pause: {duration: 30s}"
    )
    assert release(canary, "ghcr.io/acme/web:1.2.0", ROLLING) == text.replace("1.0.0", "1.2.0")


def test_an_empty_steps_key_is_filled_or_removed_alone() -> None:
    text = COMMENTED.replace(
        '      maxSurge: "25%"   # keep capacity\n', "      steps:\n      maxSurge: 1\n"
    )
    rolled = release(text, "ghcr.io/acme/web:1.1.0", ROLLING)
    assert rolled == text.replace("1.0.0", "1.1.0").replace("      steps:\n", "")
    canary = release(text, "ghcr.io/acme/web:1.1.0", CANARY)
    assert "      steps:\n        - setWeight: 25\n" in canary
    assert "      maxSurge: 1\n" in canary
