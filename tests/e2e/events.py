"""Webhook payloads for act (`-e event.json`), valid against GitHub's published event schemas.

The payloads are built from what the emulator answers over REST (repository, pull request,
user), then conformed to the event schema of npm `@octokit/webhooks-schemas`: fields the event
shape has and REST lacks get a neutral value, fields the event shape does not allow are dropped,
and the result is validated. The actions read these files exactly as they read GitHub's.
"""

from __future__ import annotations

import copy
import json
import os
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import requests
from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

SCHEMA_RELATIVE = "gitops-release/openapi/node_modules/@octokit/webhooks-schemas/schema.json"
NOW = "2024-01-01T00:00:00Z"


def schema_path() -> Path:
    cache_dir = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    configured = os.environ.get("GITOPS_RELEASE_OPENAPI_SPEC")
    if configured:  # .../openapi/node_modules/@octokit/openapi/generated/api.github.com.json
        sibling = Path(configured).parents[2] / "webhooks-schemas" / "schema.json"
        if sibling.is_file():
            return sibling
    return Path(cache_dir) / SCHEMA_RELATIVE


@cache
def _schema() -> dict[str, Any] | None:
    path = schema_path()
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/definitions/")
        schema = root["definitions"][name]
    return schema


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    return set(kind) if isinstance(kind, list) else {kind} if kind else set()


def _allows_null(schema: dict[str, Any], root: dict[str, Any]) -> bool:
    if "null" in _types(schema):
        return True
    branches = schema.get("oneOf") or schema.get("anyOf") or []
    return any("null" in _types(_resolve(b, root)) for b in branches)


def _default(schema: dict[str, Any], root: dict[str, Any]) -> Any:
    schema = _resolve(schema, root)
    if _allows_null(schema, root):
        return None
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("allOf", "oneOf", "anyOf"):
        if key in schema:
            return _conform({}, schema, root)
    kinds = _types(schema)
    if "string" in kinds:
        fmt = schema.get("format")
        return NOW if fmt == "date-time" else "https://example.com" if fmt == "uri" else ""
    if kinds & {"integer", "number"}:
        return 0
    if "boolean" in kinds:
        return False
    if "array" in kinds:
        return []
    return _conform({}, schema, root)


def _conform(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> Any:
    schema = _resolve(schema, root)
    for part in schema.get("allOf", []):
        value = _conform(value, part, root)
    branches = schema.get("oneOf") or schema.get("anyOf") or []
    if branches and value is not None:
        for branch in branches:
            resolved = _resolve(branch, root)
            if isinstance(value, dict) and (
                "object" in _types(resolved) or "properties" in resolved
            ):
                return _conform(value, resolved, root)
    if isinstance(value, dict) and ("properties" in schema or "object" in _types(schema)):
        props = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            value = {k: v for k, v in value.items() if k in props}
        for key, sub in props.items():
            if key in value and value[key] is not None:
                value[key] = _conform(value[key], sub, root)
            elif key in value and not _allows_null(_resolve(sub, root), root):
                value[key] = _default(sub, root)
        for key in schema.get("required", []):
            if key not in value:
                value[key] = _default(props.get(key, {}), root)
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        value = [_conform(item, schema["items"], root) for item in value]
    return value


def conform(payload: dict[str, Any], definition: str) -> dict[str, Any]:
    """`payload` shaped like the event `definition` (e.g. `push$event`) and validated; as is
    when the schemas are not installed (.ci/run installs them)."""
    root = _schema()
    if root is None:
        return payload
    schema = root["definitions"][definition]
    shaped: dict[str, Any] = _conform(copy.deepcopy(payload), schema, root)
    validator = Draft7Validator({**schema, "definitions": root["definitions"]})
    error = best_match(validator.iter_errors(shaped))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path)
        raise AssertionError(f"{definition} payload is not valid at {where}: {error.message}")
    return shaped


# -- builders ----------------------------------------------------------------------------------
def rest(api_url: str, token: str, path: str) -> dict[str, Any]:
    answer = requests.get(
        f"{api_url}{path}",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json"},
        timeout=30,
    )
    answer.raise_for_status()
    data: dict[str, Any] = answer.json()
    return data


def _commit(sha: str, message: str, repo_url: str) -> dict[str, Any]:
    person = {"name": "Dev", "email": "dev@example.com", "username": "octocat"}
    return {
        "id": sha,
        "tree_id": "0" * 40,
        "distinct": True,
        "message": message,
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "url": f"{repo_url}/commit/{sha}",
        "author": person,
        "committer": person,
        "added": [],
        "removed": [],
        "modified": [],
    }


def push_event(
    api_url: str, token: str, repo: str, *, ref: str, before: str, after: str, message: str
) -> dict[str, Any]:
    repository = rest(api_url, token, f"/repos/{repo}")
    sender = rest(api_url, token, "/user")
    head = _commit(after, message, repository["html_url"])
    payload = {
        "ref": ref,
        "before": before,
        "after": after,
        "created": False,
        "deleted": False,
        "forced": False,
        "base_ref": None,
        "compare": f"{repository['html_url']}/compare/{before[:12]}...{after[:12]}",
        "commits": [head],
        "head_commit": head,
        "repository": repository,
        "pusher": {"name": sender["login"], "email": "octocat@example.com"},
        "sender": sender,
    }
    return conform(payload, "push$event")


def pull_request_event(
    api_url: str, token: str, repo: str, number: int, action: str = "opened"
) -> dict[str, Any]:
    payload = {
        "action": action,
        "number": number,
        "pull_request": rest(api_url, token, f"/repos/{repo}/pulls/{number}"),
        "repository": rest(api_url, token, f"/repos/{repo}"),
        "sender": rest(api_url, token, "/user"),
    }
    return conform(payload, f"pull_request${action}")


def issue_comment_event(
    api_url: str, token: str, repo: str, number: int, comment_id: int
) -> dict[str, Any]:
    """A comment `comment_id` just created on pull request `number` (`issue.pull_request` set,
    as GitHub sends it for pull requests)."""
    comment = rest(api_url, token, f"/repos/{repo}/issues/comments/{comment_id}")
    payload = {
        "action": "created",
        "issue": rest(api_url, token, f"/repos/{repo}/issues/{number}"),
        "comment": comment,
        "repository": rest(api_url, token, f"/repos/{repo}"),
        "sender": comment["user"],
    }
    return conform(payload, "issue_comment$created")
