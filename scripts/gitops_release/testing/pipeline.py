"""The request pipeline every emulator request passes: injected faults, token check, rate-limit
accounting, the handler (a REST route, GraphQL, or git smart HTTP), then one entry in the
request log. `FakeGitHub` is built on it; `dispatch` is what its loopback server calls."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from gitops_release.testing import githttp, graphql
from gitops_release.testing.auth import Credentials, Identity, RateLimiter
from gitops_release.testing.context import Context, Handler
from gitops_release.testing.faults import (
    Failure,
    FaultBook,
    FaultPlan,
    PrimaryRateLimit,
    failure_body,
)
from gitops_release.testing.gitrepo import now_iso
from gitops_release.testing.prs import PullEngine
from gitops_release.testing.requestlog import Kind, RequestLog, RequestRecord
from gitops_release.testing.routing import Router
from gitops_release.testing.shapes import Shapes
from gitops_release.testing.shapes.base import Urls
from gitops_release.testing.store import Store
from gitops_release.testing.wire import ApiError, Request, Response, json_response

log = logging.getLogger(__name__)

API_VERSION = "2022-11-28"


class RequestPipeline:
    """Answering requests from the emulator's state; `FakeGitHub` owns and sets that state."""

    data_dir: Path
    faults: FaultBook
    log: RequestLog
    _credentials: Credentials
    _store: Store
    _engine: PullEngine
    _rates: RateLimiter
    _router: Router[Handler]
    _urls: Urls
    _scratch: Path | None

    def _shapes(self) -> Shapes:
        return Shapes(self._urls, self._store, self._credentials)

    def dispatch(self, request: Request) -> Response:
        """Answer one request and log it. Called from the server's request threads."""
        started = time.monotonic()
        seq = self.log.next_seq()
        request_id = f"{seq:04X}:{id(self) & 0xFFFF:04X}:{int(started * 1000) & 0xFFFFFF:06X}"
        target = githttp.parse_git_path(request.path, request.query)
        kind: Kind = "git" if target else "graphql" if request.path == "/graphql" else "rest"
        plan = self.faults.plan(request.method, request.path)
        identity = self._credentials.identify(request.header("authorization"))
        route: str | None = None
        try:
            for action in plan.actions:  # outside the state lock: actions may use the helpers
                action()
            if plan.delay:
                time.sleep(plan.delay)
            if plan.failure is not None:
                response = self._failure(plan.failure, identity, kind, request_id)
            elif target is not None:
                response = self._git(request, target, identity, plan)
            else:
                response, route = self._api(request, identity, kind)
        except Exception as error:
            # A broken fault action or a failing git process: answer, and keep serving.
            log.exception("emulator error on %s %s", request.method, request.path)
            response = json_response(500, {"message": f"GitHub emulator error: {error!r}"})
        response = response.with_headers(
            [("x-github-request-id", request_id), ("x-github-api-version-selected", API_VERSION)]
        )
        self.log.append(
            RequestRecord(
                seq=seq,
                kind=kind,
                method=request.method,
                path=request.path,
                query=request.query,
                route=route,
                status=response.status,
                login=None if identity is None else identity.login,
                request_json=_json_or_none(request) if kind != "git" else None,
                response_json=response.payload,
                content_type=response.content_type,
                request_id=request_id,
                duration=time.monotonic() - started,
                fault=None if plan.failure is None else type(plan.failure).__name__,
                server=self._urls.api,
            )
        )
        return response

    def _failure(
        self, failure: Failure, identity: Identity | None, kind: Kind, request_id: str
    ) -> Response:
        status, body, extra = failure_body(failure, request_id)
        headers = list(extra.items())
        if identity is not None and kind != "git":
            resource = "graphql" if kind == "graphql" else "core"
            if isinstance(failure, PrimaryRateLimit):
                state = self._rates.exhausted(resource, failure.reset_in)
            else:
                state = self._rates.consume(identity.login, resource)
            headers += state.headers()
        return json_response(status, body, headers)

    def _api(
        self, request: Request, identity: Identity | None, kind: Kind
    ) -> tuple[Response, str | None]:
        if identity is None:
            message = (
                "Bad credentials" if request.header("authorization") else "Requires authentication"
            )
            return ApiError(401, message).to_response(), None
        resource = "graphql" if kind == "graphql" else "core"
        rate = self._rates.consume(identity.login, resource)
        headers = [
            *rate.headers(),
            ("x-oauth-scopes", "repo, workflow"),
            ("x-accepted-oauth-scopes", ""),
        ]
        ctx = Context(
            request=request,
            identity=identity,
            store=self._store,
            credentials=self._credentials,
            shapes=self._shapes(),
            engine=self._engine,
            urls=self._urls,
            rates=self._rates,
        )
        match = None if kind == "graphql" else self._router.match(request.method, request.path)
        route = None if match is None else match.route.template
        try:
            if kind == "graphql" and request.method == "POST":
                response = graphql.handle(ctx, {})
            elif match is None:
                response = ApiError(404, "Not Found").to_response()
            else:
                with self._store.lock:
                    response = match.route.handler(ctx, match.params)
        except ApiError as error:
            response = error.to_response()
        except Exception as error:
            log.exception("emulator error on %s %s", request.method, request.path)
            response = json_response(500, {"message": f"GitHub emulator error: {error!r}"})
        return response.with_headers(headers), route

    def _git(
        self,
        request: Request,
        target: githttp.GitTarget,
        identity: Identity | None,
        plan: FaultPlan,
    ) -> Response:
        if identity is None:
            return Response(
                401,
                b"Authentication required\n",
                (("WWW-Authenticate", 'Basic realm="GitHub"'),),
                content_type="text/plain",
            )
        repo = self._store.find_repo(target.owner, target.name)
        if repo is None or not identity.grant.can_read(repo.full_name):
            return Response(404, b"Repository not found.\n", content_type="text/plain")
        if target.push and not identity.grant.can_write(repo.full_name):
            message = f"Permission to {repo.full_name}.git denied to {identity.login}.\n"
            return Response(403, message.encode(), content_type="text/plain")
        reject = plan.reject_push
        if reject is not None and reject.via == "http":
            return Response(
                reject.status, f"{reject.message}\n".encode(), content_type="text/plain"
            )
        response = githttp.serve(
            request,
            project_root=self.data_dir,
            repo_path=repo.git.path.relative_to(self.data_dir).as_posix(),
            service=target.service,
            remote_user=identity.login,
            reject_message=None if reject is None else reject.message,
            hooks_dir=None if self._scratch is None else self._scratch / "hooks",
        )
        if target.service == "git-receive-pack" and response.status == 200:
            with self._store.lock:
                repo.pushed_at = now_iso()
        return response


def _json_or_none(request: Request) -> Any:
    if not request.body:
        return None
    try:
        return request.json()
    except ApiError:
        return None
