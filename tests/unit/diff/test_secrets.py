"""Secret redaction: values never survive, changes stay visible."""

from __future__ import annotations

import base64

from gitops_release.diff.resources import parse_manifests
from gitops_release.diff.secrets import mask, redact, redact_text, secret_values

SALT = b"fixed-salt-for-tests"
PLAIN = "s3cr3t-pa55word"
B64 = base64.b64encode(PLAIN.encode()).decode()
SECRET = f"""apiVersion: v1
kind: Secret
metadata:
  name: db
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{{"data":{{"password":"{B64}"}}}}'
data:
  password: {B64}
  same: {B64}
stringData:
  plain: {PLAIN}
"""


def test_values_become_salted_fingerprints() -> None:
    [secret] = parse_manifests(SECRET, source="t")
    body = redact(secret, salt=SALT).body
    text = repr(body)
    assert PLAIN not in text
    assert B64 not in text
    assert body["data"]["password"] == body["data"]["same"] == body["stringData"]["plain"]
    assert body["data"]["password"].startswith("<secret sha256:")
    other = redact(secret, salt=b"another-salt").body
    assert other["data"]["password"] != body["data"]["password"]
    assert secret.body["data"]["password"] == B64  # the original is untouched


def test_non_secrets_are_unchanged() -> None:
    [cm] = parse_manifests(
        f"apiVersion: v1\nkind: ConfigMap\ndata: {{password: {PLAIN}}}\n", source="t"
    )
    assert redact(cm, salt=SALT) is cm
    [crd] = parse_manifests(
        f"apiVersion: example.com/v1\nkind: Secret\ndata: {{a: {B64}}}\n", source="t"
    )
    assert redact(crd, salt=SALT) is crd


def test_secret_values_for_masking_messages() -> None:
    values = secret_values(parse_manifests(SECRET, source="t"))
    assert {PLAIN, B64} <= values
    assert mask(f"error near {PLAIN} and {B64}", values) == "error near *** and ***"


def test_redact_text_rewrites_only_when_there_are_secrets() -> None:
    plain = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
    assert redact_text(plain, source="t") == plain
    redacted = redact_text(plain + "---\n" + SECRET, source="t", salt=SALT)
    assert PLAIN not in redacted
    assert B64 not in redacted
    assert "kind: ConfigMap" in redacted
    assert "kind: Secret" in redacted
