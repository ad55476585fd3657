"""Fetching charts from chart repositories, as `helm dependency build` and Argo CD do.

Two kinds of repository:
- HTTP(S): `<repo>/index.yaml` lists every version of every chart with the URLs of its packaged
  `.tgz` and a sha256 digest; the highest version that satisfies the constraint is taken.
- OCI (`oci://host/path`): the chart `name` is the repository `host/path/name`, a version is a
  tag; the chart is the manifest's layer of type `application/vnd.cncf.helm.chart.content…`.
  Loopback registries (127.0.0.1, localhost) are spoken to over plain HTTP, as `--plain-http`.

Version constraints are Helm's (Masterminds semver): `1.2.3`, `^1.2`, `~1.2.3`, `1.x`, `>=1 <2`,
`a || b`; prereleases only when the constraint names one. Packages are cached on disk by
(repository, name, version): a chart version is immutable, so a cached package is used without
asking the network again. Downloads are checked against the digest the repository publishes and
limited in size; a package is never unpacked here (Helm reads it).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
import time
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin, urlsplit

import semantic_version

from gitops_release.errors import GitopsReleaseError, RenderError
from gitops_release.render.model import ChartRef
from gitops_release.yamlio import nodes as yamlnodes

if TYPE_CHECKING:  # requests is imported when a chart is fetched, not by every render
    import requests

TIMEOUT = 30.0  # between two reads of a response
DEADLINE = 120.0  # for a whole download
MAX_CHART_BYTES = 50 << 20
MAX_INDEX_BYTES = 200 << 20
_HELM_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
_MANIFEST_TYPES = ", ".join(
    (
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    )
)
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_BEARER = re.compile(r'(\w+)="([^"]*)"')


class ChartFetchError(RenderError):
    """A chart could not be fetched; the message names the chart, repository and cause."""


def cache_dir() -> Path:
    """Where packaged charts are kept between runs (`GITOPS_RELEASE_CHART_CACHE` to move it)."""
    explicit = os.environ.get("GITOPS_RELEASE_CHART_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gitops-release" / "charts"


class ChartFetcher:
    """Fetches packaged charts into the cache; safe to share between render threads."""

    def __init__(self, cache: Path | None = None, session: requests.Session | None = None) -> None:
        self.cache = cache or cache_dir()
        self._given_session = session
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._indexes: dict[str, dict[str, Any]] = {}

    @cached_property
    def _session(self) -> requests.Session:
        import urllib.request  # noqa: PLC0415

        import requests  # noqa: PLC0415

        if self._given_session is not None:
            return self._given_session
        session = requests.Session()
        # No ~/.netrc or other ambient credentials for hosts a pull request names; proxies and
        # the CA bundle of the environment still apply.
        session.trust_env = False
        session.proxies = urllib.request.getproxies()
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE")
        if bundle:
            session.verify = bundle
        return session

    def fetch(self, ref: ChartRef) -> Path:
        """The path of the packaged chart (`.tgz`) in the cache, downloading it if needed.

        `GITOPS_RELEASE_CHART_FETCH=off` forbids downloads (a runner that must not reach
        addresses a pull request names): only cached packages are used.
        """
        import requests  # noqa: PLC0415

        # A chart version is immutable: an exact version in the cache needs no network.
        exact = _exact(ref.version)
        cached = self._cached(ref.repository, ref.name, exact) if exact else None
        if cached is not None and cached.is_file():
            return cached
        if os.environ.get("GITOPS_RELEASE_CHART_FETCH", "").lower() == "off":
            raise ChartFetchError(
                f"{ref.describe()} is not fetched: chart downloads are off "
                "(GITOPS_RELEASE_CHART_FETCH=off) and it is not in the cache",
                hint="vendor the chart (`helm dependency build`, commit charts/*.tgz), or allow "
                "downloads on this runner",
            )
        try:
            if ref.repository.startswith("oci://"):
                return self._fetch_oci(ref)
            if ref.repository.startswith(("http://", "https://")):
                return self._fetch_http(ref)
        except requests.RequestException as exc:
            raise ChartFetchError(
                f"{ref.describe()} could not be fetched: {_reason(exc)}",
                hint="check the repository URL and version; rendering needs network access to "
                "the chart repository (or vendor the chart: `helm dependency build` and commit "
                "charts/*.tgz)",
            ) from None
        raise ChartFetchError(
            f"{ref.describe()}: repository {ref.repository!r} is neither an http(s):// chart "
            "repository nor an oci:// registry",
            hint="write the repository's URL; names added with `helm repo add` (`@name`, "
            "`alias:name`) are not known here",
        )

    # -- HTTP(S) chart repositories ------------------------------------------------------------

    def _fetch_http(self, ref: ChartRef) -> Path:
        index = self._index(ref.repository)
        all_entries = index.get("entries")
        entries = all_entries.get(ref.name) if isinstance(all_entries, dict) else None
        if not isinstance(entries, list) or not entries:
            raise ChartFetchError(
                f"{ref.describe()}: the repository has no chart named {ref.name}",
                hint=f"check the name in {ref.repository}/index.yaml",
            )
        by_version = {
            v: e for e in entries if isinstance(e, dict) and (v := _version(e.get("version")))
        }
        chosen = _select(ref, by_version)
        entry = by_version[chosen]
        urls = entry.get("urls") or []
        if not urls:
            raise ChartFetchError(f"{ref.describe()}: version {chosen} lists no download URL")
        url = urljoin(ref.repository.rstrip("/") + "/", str(urls[0]))
        digest = entry.get("digest") if isinstance(entry.get("digest"), str) else None
        return self._store(ref.repository, ref.name, str(chosen), lambda: self._get(url), digest)

    def _index(self, repository: str) -> dict[str, Any]:
        with self._lock:
            found = self._indexes.get(repository)
        if found is not None:
            return found
        data = self._get(repository.rstrip("/") + "/index.yaml", limit=MAX_INDEX_BYTES)
        try:
            docs = yamlnodes.compose_all(
                data.decode("utf-8"), source=f"{repository}/index.yaml", error=GitopsReleaseError
            )
        except (GitopsReleaseError, UnicodeDecodeError):
            raise ChartFetchError(
                f"{repository}/index.yaml is not a chart repository index"
            ) from None
        index = yamlnodes.to_python(docs[0]) if docs else None
        if not isinstance(index, dict):
            raise ChartFetchError(f"{repository}/index.yaml is not a chart repository index")
        with self._lock:
            self._indexes[repository] = index
        return index

    # -- OCI registries ------------------------------------------------------------------------

    def _fetch_oci(self, ref: ChartRef) -> Path:
        host, _, path = ref.repository.removeprefix("oci://").strip("/").partition("/")
        repo = f"{path}/{ref.name}" if path else ref.name
        scheme = "http" if urlsplit(f"//{host}").hostname in _LOOPBACK else "https"
        base = f"{scheme}://{host}/v2/{repo}"
        exact = _exact(ref.version)
        if exact is None:
            tags = self._json(f"{base}/tags/list").get("tags") or []
            versions = {v: v for t in tags if (v := _version(t))}
            exact = _select(ref, versions)
        cached = self._cached(ref.repository, ref.name, exact)
        if cached.is_file():  # a constraint resolved to a version already cached
            return cached
        tag = str(exact)
        manifest = self._json(f"{base}/manifests/{tag}", accept=_MANIFEST_TYPES)
        layers = [
            layer
            for layer in manifest.get("layers") or []
            if isinstance(layer, dict) and layer.get("mediaType") == _HELM_LAYER
        ]
        if not layers:
            raise ChartFetchError(f"{ref.describe()}: {host}/{repo}:{tag} is not a Helm chart")
        digest = str(layers[0].get("digest") or "")
        return self._store(
            ref.repository,
            ref.name,
            tag,
            lambda: self._get(f"{base}/blobs/{digest}"),
            digest.removeprefix("sha256:") or None,
        )

    def _json(
        self, url: str, *, accept: str = "application/json", authenticate: bool = True
    ) -> dict[str, Any]:
        import json  # noqa: PLC0415  (only registries answer JSON)

        try:
            data = json.loads(
                self._get(url, accept=accept, limit=4 << 20, authenticate=authenticate)
            )
        except ValueError:
            raise ChartFetchError(f"{url} did not answer JSON") from None
        return data if isinstance(data, dict) else {}

    # -- transport and cache -------------------------------------------------------------------

    def _get(
        self,
        url: str,
        *,
        accept: str | None = None,
        limit: int = MAX_CHART_BYTES,
        authenticate: bool = True,
    ) -> bytes:
        headers = {"Accept": accept} if accept else {}
        response = self._session.get(url, headers=headers, timeout=TIMEOUT, stream=True)
        challenge = response.headers.get("WWW-Authenticate", "")
        if authenticate and response.status_code == 401 and "Bearer" in challenge:
            token = self._anonymous_token(response.headers["WWW-Authenticate"])
            response.close()
            headers["Authorization"] = f"Bearer {token}"
            response = self._session.get(url, headers=headers, timeout=TIMEOUT, stream=True)
        with response:
            if response.status_code != 200:
                raise ChartFetchError(
                    f"GET {_without_query(url)} answered {response.status_code} {response.reason}",
                    hint="a private repository needs credentials, which rendering does not "
                    "have: vendor the chart (`helm dependency build`, commit charts/*.tgz)",
                )
            chunks: list[bytes] = []
            size = 0
            deadline = time.monotonic() + DEADLINE
            for chunk in response.iter_content(1 << 16):
                size += len(chunk)
                if size > limit:
                    raise ChartFetchError(f"GET {_without_query(url)}: more than {limit} bytes")
                if time.monotonic() > deadline:  # a server trickling bytes never times out
                    raise ChartFetchError(
                        f"GET {_without_query(url)}: not complete after {DEADLINE:g} s"
                    )
                chunks.append(chunk)
        return b"".join(chunks)

    def _anonymous_token(self, challenge: str) -> str:
        params = dict(_BEARER.findall(challenge))
        realm = params.pop("realm", "")
        if not realm:
            raise ChartFetchError("the registry asked for a token without naming where to get it")
        query = urlencode(params)
        url = f"{realm}{'&' if '?' in realm else '?'}{query}" if query else realm
        # Size-limited and with a deadline like every download; never a second token dance.
        body = self._json(url, authenticate=False)
        return str(body.get("token") or body.get("access_token") or "")

    def _cached(self, repository: str, name: str, version: semantic_version.Version) -> Path:
        key = hashlib.sha256(f"{repository.rstrip('/')}\0{name}\0{version}".encode()).hexdigest()
        return self.cache / key[:2] / f"{key}-{_safe(name)}-{_safe(str(version))}.tgz"

    def _store(
        self,
        repository: str,
        name: str,
        version: str,
        download: Any,
        digest: str | None,
    ) -> Path:
        target = self._cached(repository, name, semantic_version.Version(version))
        with self._lock:
            lock = self._key_locks.setdefault(str(target), threading.Lock())
        with lock:  # one download per chart version, however many roots need it
            if target.is_file():
                return target
            data: bytes = download()
            if digest and hashlib.sha256(data).hexdigest() != digest:
                raise ChartFetchError(
                    f"chart {name} {version} from {repository}: the download does not match "
                    f"the digest the repository publishes (sha256:{digest[:12]}…)"
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            Path(tmp).replace(target)
        return target


def _select(
    ref: ChartRef, versions: dict[semantic_version.Version, Any]
) -> semantic_version.Version:
    spec = constraint(ref.version)
    chosen = spec.select(versions) if versions else None
    if chosen is None:
        shown = ", ".join(str(v) for v in sorted(versions, reverse=True)[:8]) or "none"
        raise ChartFetchError(
            f"{ref.describe()}: no version satisfies {ref.version!r} (available: {shown})",
            hint="change the version (constraint) in Chart.yaml / the Application",
        )
    return chosen


def constraint(text: str) -> semantic_version.NpmSpec:
    """A Helm version constraint (Masterminds: `,` means AND like a space does)."""
    cleaned = text.strip() or "*"
    cleaned = re.sub(r"\s*,\s*", " ", cleaned)
    cleaned = re.sub(r"(?<![\w.])v(?=\d)", "", cleaned)  # `v1.2.3` is 1.2.3
    try:
        return semantic_version.NpmSpec(cleaned)
    except ValueError:
        raise ChartFetchError(
            f"{text!r} is not a version constraint Helm understands",
            hint="write a version (1.2.3) or a range (^1.2, ~1.2.3, >=1.0.0 <2.0.0)",
        ) from None


def _exact(text: str) -> semantic_version.Version | None:
    version = _version(text)
    return version if version is not None and str(version) == text.strip().lstrip("v") else None


def _version(value: Any) -> semantic_version.Version | None:
    if not isinstance(value, str):
        return None
    try:
        return semantic_version.Version(value.strip().removeprefix("v"))
    except ValueError:
        return None


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)[:64]


def _without_query(url: str) -> str:
    return url.split("?", 1)[0]


def _reason(exc: requests.RequestException) -> str:
    text = str(exc)
    return text if len(text) < 300 else text[:300] + " …"
