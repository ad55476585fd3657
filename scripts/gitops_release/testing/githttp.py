"""git's smart HTTP protocol, served by git itself through `git http-backend` (CGI).

Delegating to git keeps clone, fetch (protocol v2, partial clone) and push byte-for-byte real;
this module only translates between an HTTP request and the CGI environment.
"""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from gitops_release import proc
from gitops_release.errors import GitError
from gitops_release.testing.gitrepo import GIT_ENV, SERVE_CONFIG
from gitops_release.testing.wire import Request, Response

_GIT_PATH = re.compile(
    r"/(?P<owner>[^/]+)/(?P<name>[^/]+)\.git/(?P<service>info/refs|git-upload-pack|git-receive-pack)"
)
REJECT_ENV = "FAKEGITHUB_REJECT_MESSAGE"
PRE_RECEIVE = f"""#!/bin/sh
# Installed only for pushes a RejectPush fault refuses.
echo "${REJECT_ENV}" >&2
exit 1
"""


@dataclass(frozen=True)
class GitTarget:
    owner: str
    name: str
    service: str  # info/refs | git-upload-pack | git-receive-pack
    push: bool  # the request is part of a push (needs write access)


def parse_git_path(path: str, query: tuple[tuple[str, str], ...]) -> GitTarget | None:
    found = _GIT_PATH.fullmatch(path)
    if found is None:
        return None
    service = found.group("service")
    wanted = dict(query).get("service")
    push = service == "git-receive-pack" or wanted == "git-receive-pack"
    return GitTarget(found.group("owner"), found.group("name"), service, push)


def write_reject_hook(hooks_dir: Path) -> None:
    hooks_dir.mkdir(parents=True, exist_ok=True)
    hook = hooks_dir / "pre-receive"
    hook.write_text(PRE_RECEIVE, encoding="utf-8")
    hook.chmod(0o755)


def _config_env(settings: dict[str, str]) -> dict[str, str]:
    """Pass config through the environment (git >= 2.31), leaving repository config alone."""
    env = {"GIT_CONFIG_COUNT": str(len(settings))}
    for index, (key, value) in enumerate(settings.items()):
        env[f"GIT_CONFIG_KEY_{index}"] = key
        env[f"GIT_CONFIG_VALUE_{index}"] = value
    return env


def _decode_body(request: Request) -> bytes:
    encoding = (request.header("content-encoding") or "").lower()
    if encoding in ("gzip", "x-gzip"):
        return gzip.decompress(request.body)
    if encoding == "deflate":
        return zlib.decompress(request.body)
    return request.body


def serve(
    request: Request,
    *,
    project_root: Path,
    repo_path: str,
    service: str,
    remote_user: str,
    reject_message: str | None = None,
    hooks_dir: Path | None = None,
) -> Response:
    """Answer one smart-HTTP request for the repository at `project_root / repo_path`."""
    body = _decode_body(request)
    settings = dict(SERVE_CONFIG)
    env = {
        **GIT_ENV,
        "GIT_PROJECT_ROOT": str(project_root),
        "GIT_HTTP_EXPORT_ALL": "1",
        "PATH_INFO": f"/{repo_path}/{service}",
        "REQUEST_METHOD": request.method,
        "QUERY_STRING": urlencode(request.query),
        "CONTENT_TYPE": request.header("content-type") or "",
        "REMOTE_USER": remote_user,
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "GATEWAY_INTERFACE": "CGI/1.1",
    }
    if request.method == "POST":
        env["CONTENT_LENGTH"] = str(len(body))
    protocol = request.header("git-protocol")
    if protocol:
        env["GIT_PROTOCOL"] = protocol
    if reject_message is not None and hooks_dir is not None:
        settings["core.hooksPath"] = str(hooks_dir)
        env[REJECT_ENV] = reject_message
    env.update(_config_env(settings))
    result = proc.run(
        ["git", "http-backend"],
        env=env,
        input=body,
        check=False,
        error=GitError,
        timeout=300,
    )
    return _parse_cgi(result.stdout, result.returncode, result.err)


def _parse_cgi(output: bytes, returncode: int, stderr: str) -> Response:
    head, sep, body = output.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = output.partition(b"\n\n")
    if not sep:
        message = f"git http-backend failed (exit {returncode}): {stderr.strip()}"
        return Response(500, message.encode(), content_type="text/plain")
    status = 200
    headers: list[tuple[str, str]] = []
    content_type = None
    for line in head.decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if name.lower() == "status":
            status = int(value.split()[0])
        elif name.lower() == "content-type":
            content_type = value
        elif name:
            headers.append((name, value))
    return Response(status, body, tuple(headers), None, content_type)
