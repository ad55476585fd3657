"""Secret values never leave this module in clear text.

A Secret's `data` / `stringData` values are replaced by fingerprints before anything is
normalised or diffed, so no report (unified diff, Markdown, JSON, text) can contain them. A
changed key still shows as changed: its fingerprint differs. Fingerprints are keyed with a
per-run random salt, so a short password cannot be recovered by hashing guesses; they only tell
"same" from "different" within one report.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from typing import Any

from gitops_release.diff.resources import Resource, normalize, parse_manifests

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_MIN_MASKED = 4


def is_secret(resource: Resource) -> bool:
    return resource.key.group == "" and resource.key.kind == "Secret"


def fingerprint(value: bytes, *, salt: bytes) -> str:
    digest = hmac.new(salt, value, hashlib.sha256).hexdigest()[:8]
    return f"<secret sha256:{digest}>"


def _decoded(value: object) -> bytes:
    text = "" if value is None else str(value)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return text.encode()  # not base64: fingerprint what is there


def redact(resource: Resource, *, salt: bytes) -> Resource:
    """The resource with every Secret value replaced by its fingerprint (others unchanged)."""
    if not is_secret(resource):
        return resource
    body: dict[str, Any] = copy.deepcopy(dict(resource.body))
    data = body.get("data")
    if isinstance(data, dict):
        body["data"] = {k: fingerprint(_decoded(v), salt=salt) for k, v in data.items()}
    elif data is not None:
        body["data"] = fingerprint(str(data).encode(), salt=salt)
    string_data = body.get("stringData")
    if isinstance(string_data, dict):
        body["stringData"] = {
            k: fingerprint(str(v).encode(), salt=salt) for k, v in string_data.items()
        }
    elif string_data is not None:
        body["stringData"] = fingerprint(str(string_data).encode(), salt=salt)
    annotations = (body.get("metadata") or {}).get("annotations")
    if isinstance(annotations, dict) and LAST_APPLIED in annotations:
        # kubectl apply copies the whole Secret, values included, into this annotation.
        annotations[LAST_APPLIED] = fingerprint(str(annotations[LAST_APPLIED]).encode(), salt=salt)
    return Resource(resource.key, resource.api_version, body)


def secret_values(resources: Iterable[Resource]) -> frozenset[str]:
    """Every Secret value as text (encoded, decoded, and each line of a multi-line value), for
    masking messages that were not built from redacted data (e.g. a tool's error output)."""
    found: set[str] = set()
    for resource in resources:
        if not is_secret(resource):
            continue
        for field in ("data", "stringData"):
            values = resource.body.get(field)
            if isinstance(values, Mapping):
                for value in values.values():
                    found |= variants(value, encoded=field == "data")
        annotations = (resource.body.get("metadata") or {}).get("annotations")
        if isinstance(annotations, Mapping) and LAST_APPLIED in annotations:
            found.add(str(annotations[LAST_APPLIED]))
    return frozenset(v for v in found if len(v) >= _MIN_MASKED)


def variants(value: object, *, encoded: bool) -> set[str]:
    """A secret value as it may be shown: as is, base64-decoded (`encoded`) or -encoded, and
    each line of those."""
    text = "" if value is None else str(value)
    out = {text}
    if encoded:
        with contextlib.suppress(binascii.Error, ValueError, UnicodeDecodeError):
            out.add(base64.b64decode(text, validate=True).decode("utf-8"))
    else:
        out.add(base64.b64encode(text.encode()).decode())
    for item in list(out):
        out.update(line.strip() for line in item.splitlines())
    return out


def mask(text: str, values: Iterable[str]) -> str:
    """`text` with every given value replaced by `***` (longest first)."""
    for value in sorted(set(values), key=len, reverse=True):
        if value and value in text:
            text = text.replace(value, "***")
    return text


def redact_text(text: str, *, source: str, salt: bytes | None = None) -> str:
    """Rendered manifests with Secret values fingerprinted (text without Secrets is unchanged)."""
    if "Secret" not in text:
        return text
    key = salt if salt is not None else os.urandom(16)
    resources = parse_manifests(text, source=source)
    if not any(is_secret(r) for r in resources):
        return text
    return "".join(f"---\n{normalize(redact(r, salt=key).body)}" for r in resources)
