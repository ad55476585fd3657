"""Config loading/validation, custom checks (registry allowlist), exemptions, score."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_release.errors import ConfigError
from gitops_release.gates.polaris import audit, config, manifests
from gitops_release.gates.polaris.results import AuditResult, score

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: demo
  annotations: {annotations}
spec:
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      initContainers:
      - name: init
        image: {init_image}
      containers:
      - name: app
        image: {image}
"""

ALLOWLIST = """
checks:
  imageRegistryAllowlist: danger
customChecks:
  imageRegistryAllowlist:
    successMessage: Image comes from an allowed registry
    failureMessage: Image must come from an allowed registry
    category: Security
    target: Container
    schema:
      '$schema': https://json-schema.org/draft/2019-09/schema
      type: object
      required: [image]
      properties:
        image:
          type: string
          pattern: ^(ghcr\\.io/my-org/|registry\\.example\\.com/|docker\\.io/library/)
"""


def _deployment(
    name: str = "web",
    image: str = "nginx:1.25",
    init_image: str = "busybox:1",
    annotations: str = "{}",
) -> str:
    return DEPLOYMENT.format(name=name, image=image, init_image=init_image, annotations=annotations)


def _audit(manifest: str, config_text: str) -> AuditResult:
    conf = config.build_config(config.parse_config_text(config_text))
    return audit.run_audit(manifests.load_texts([("m.yaml", manifest)]), conf)


def _failing(result: AuditResult) -> list[tuple[str, str | None]]:
    return [(m.id, c) for r in result.results for m, c in r.messages() if not m.success]


@pytest.mark.parametrize(
    ("image", "allowed"),
    [
        ("ghcr.io/my-org/app:1.0", True),
        ("registry.example.com/team/app:2", True),
        ("registry.example.com.evil.io/x:1", False),
        ("quay.io/evil/app:1", False),
        ("nginx:1.25", False),
    ],
)
def test_registry_allowlist_custom_check(image: str, allowed: bool) -> None:
    result = _audit(_deployment(image=image, init_image="ghcr.io/my-org/init:1"), ALLOWLIST)
    assert _failing(result) == ([] if allowed else [("imageRegistryAllowlist", "app")])
    (resource,) = result.results
    container = resource.pod.containers[1] if resource.pod else None
    assert container is not None
    assert container.name == "app"
    message = container.results["imageRegistryAllowlist"].message
    assert message == (
        "Image comes from an allowed registry"
        if allowed
        else "Image must come from an allowed registry"
    )


def test_registry_allowlist_through_the_gate_names_the_image(tmp_path: Path) -> None:
    from gitops_release.gates import GateSettings, run_gates

    cfg = tmp_path / "polaris.yaml"
    cfg.write_text(ALLOWLIST)
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        _deployment(image="registry.example.com.evil.io/x:1", init_image="ghcr.io/my-org/i:1")
    )
    report = run_gates(
        [manifest], GateSettings(engine="builtin", polaris_config=cfg, deprecated_api=False)
    )
    assert not report.passed
    (finding,) = report.failures
    assert finding.check == "imageRegistryAllowlist"
    assert finding.container == "app"
    assert finding.resource.describe() == "Deployment demo/web"
    assert finding.file == str(manifest)
    assert finding.line == 1


def test_config_keys_are_case_insensitive_and_custom_checks_override_builtins() -> None:
    text = """
CHECKS: {tagNotSpecified: danger}
customchecks:
  tagNotSpecified:
    SuccessMessage: ok
    FAILUREMESSAGE: pinned digests only
    Target: Container
    schemaString: |
      type: object
      properties:
        image: {pattern: "@sha256:"}
"""
    result = _audit(_deployment(), text)
    messages = {m.message for r in result.results for m, _ in r.messages()}
    assert messages == {"pinned digests only"}


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("checks: {}\n", "No checks were enabled"),
        (
            "checks: {a: warning}\ncustomChecks: {b: {target: Container}}\n",
            "no severity specified for custom check b",
        ),
        ("checks: {nope: danger}\n", "Check nope not found"),
        (
            "checks: {x: danger}\ncustomChecks: {x: {target: Pod, schemaTarget: PodSpec}}\n",
            "schemaTarget",
        ),
        (
            "checks: {x: danger}\ncustomChecks: {x: {target: Pod, schemaString: '{{ template \"y\" }}'}}\n",
            "not supported",
        ),
        (
            "checks: {x: danger}\ncustomChecks: {x: {target: Pod, schema: {pattern: '\\pL'}}}\n",
            "cannot be used",
        ),
    ],
)
def test_config_validation(text: str, error: str) -> None:
    with pytest.raises(ConfigError, match=error):
        config.build_config(config.parse_config_text(text))


def test_unknown_severity_disables_the_check_with_a_warning() -> None:
    conf = config.build_config(config.parse_config_text("checks: {tagNotSpecified: error}\n"))
    assert conf.severity("tagNotSpecified") is None
    assert "error" in conf.warnings[0]


def test_multi_document_config_and_merge_mode() -> None:
    raw = config.parse_config_text(
        "checks: {a: warning}\nmutations: [a]\n---\nchecks: {b: danger}\nmutations: [b]\n"
    )
    assert raw["checks"] == {"a": "warning", "b": "danger"}
    assert raw["mutations"] == ["b"]
    merged = config.merge(config.default_raw_config(), {"checks": {"tagNotSpecified": "ignore"}})
    assert merged["checks"]["tagNotSpecified"] == "ignore"
    assert len(merged["checks"]) == 44


def test_default_config_has_all_builtins_and_no_exemptions() -> None:
    conf = config.default_config()
    assert len(conf.checks) == 44
    assert conf.exemptions == ()
    # A workload named like a Polaris default exemption is still audited.
    result = audit.run_audit(
        manifests.load_texts([("m.yaml", _deployment(name="cert-manager-webhook"))]), conf
    )
    assert any(not m.success for r in result.results for m, _ in r.messages())


def test_config_exemptions_use_prefixes() -> None:
    text = """
checks: {tagNotSpecified: danger, pullPolicyNotAlways: warning}
exemptions:
- namespace: demo
  controllerNames: [we]
  containerNames: [ap]
  rules: [tagNotSpecified]
"""
    result = _audit(_deployment(image="nginx", init_image="busybox"), text)
    failing = _failing(result)
    assert ("tagNotSpecified", "app") not in failing
    assert ("tagNotSpecified", "init") in failing  # container prefix does not match
    assert ("pullPolicyNotAlways", "app") in failing  # rule not listed


def test_annotation_exemptions() -> None:
    text = "checks: {tagNotSpecified: danger, pullPolicyNotAlways: warning}\n"
    one = _audit(
        _deployment(
            image="nginx", annotations="{polaris.fairwinds.com/tagNotSpecified-exempt: 'TRUE'}"
        ),
        text,
    )
    assert {c for c, _ in _failing(one)} == {"pullPolicyNotAlways"}
    every = _audit(
        _deployment(image="nginx", annotations="{polaris.fairwinds.com/exempt: 'true'}"), text
    )
    assert _failing(every) == []
    strict = _audit(
        _deployment(image="nginx", annotations="{polaris.fairwinds.com/exempt: 'true'}"),
        text + "disallowExemptions: true\n",
    )
    assert _failing(strict)


def test_score_arithmetic() -> None:
    # S=57, total=200: 114/200*100 is 56.99999999999999 in float64, truncated to 56.
    assert score((57, 0, 43)) == 56
    assert score((57, 86, 0)) == 56
    assert score((2, 3, 0)) == 57  # 4/7
    assert score((0, 0, 0)) == 100
    assert score((0, 1, 1)) == 0


def test_derived_example_score_and_shape() -> None:
    """GATES.md §2.4: a Deployment and a Service, 6 checks, pullPolicyNotAlways mutation -> 57."""
    manifest = _deployment().replace(
        "      initContainers:\n      - name: init\n        image: busybox:1\n", ""
    )
    manifest += (
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: demo}\nspec: {}\n"
    )
    text = """
checks:
  deploymentMissingReplicas: warning
  hostNetworkSet: danger
  cpuRequestsMissing: warning
  pullPolicyNotAlways: warning
  tagNotSpecified: danger
  tlsSettingsMissing: warning
mutations: [pullPolicyNotAlways]
"""
    result = _audit(manifest, text)
    assert result.counts() == (2, 3, 0)
    assert result.score == 57
    doc = result.as_json(source_name="rendered/")
    assert [r["Kind"] for r in doc["Results"]] == ["Deployment", "Service"]
    app = doc["Results"][0]["PodResult"]["ContainerResults"][0]["Results"]
    assert app["pullPolicyNotAlways"]["Mutations"] == [
        {
            "Path": "/spec/template/spec/containers/0/imagePullPolicy",
            "Op": "add",
            "Value": "Always",
            "Comment": "",
        }
    ]
    assert doc["Results"][1]["Results"] == {}
    assert doc["Results"][1]["PodResult"] is None
    assert doc["ClusterInfo"]["Controllers"] == 1
    assert doc["Score"] == 57
