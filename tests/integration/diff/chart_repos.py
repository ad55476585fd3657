"""Chart repositories for tests: packaged charts served over HTTP, or pushed to an OCI registry."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import textwrap
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests


def package(name: str, version: str, files: Mapping[str, str]) -> bytes:
    """A packaged chart (`helm package`): `<name>/…` in a gzipped tar, Chart.yaml included."""
    members = {
        "Chart.yaml": f"apiVersion: v2\nname: {name}\nversion: {version}\n",
        **{k: textwrap.dedent(v).lstrip() for k, v in files.items()},
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, text in sorted(members.items()):
            data = text.encode()
            info = tarfile.TarInfo(f"{name}/{path}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@dataclass
class ChartRepo:
    """A directory with index.yaml and packages, served on 127.0.0.1 (requests are logged)."""

    root: Path
    url: str = ""
    requests: list[str] = field(default_factory=list)
    authorizations: list[str | None] = field(default_factory=list)
    charts: dict[str, list[dict[str, object]]] = field(default_factory=dict)

    def add(
        self, name: str, version: str, files: Mapping[str, str], *, digest: bool = True
    ) -> bytes:
        data = package(name, version, files)
        filename = f"{name}-{version}.tgz"
        (self.root / filename).write_bytes(data)
        entry: dict[str, object] = {"name": name, "version": version, "urls": [filename]}
        if digest:
            entry["digest"] = hashlib.sha256(data).hexdigest()
        self.charts.setdefault(name, []).append(entry)
        index = {"apiVersion": "v1", "entries": self.charts}
        (self.root / "index.yaml").write_text(json.dumps(index), encoding="utf-8")
        return data


@contextmanager
def serve_charts(root: Path) -> Iterator[ChartRepo]:
    root.mkdir(parents=True, exist_ok=True)
    repo = ChartRepo(root)

    class Handler(SimpleHTTPRequestHandler):
        def log_message(self, *_: object) -> None:
            repo.requests.append(self.path)
            repo.authorizations.append(self.headers.get("Authorization"))

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    repo.url = f"http://127.0.0.1:{server.server_address[1]}/charts"
    # The handler serves `root` at `/`; a repository URL with a path is the common case.
    (root / "charts").symlink_to(".")
    try:
        yield repo
    finally:
        server.shutdown()
        server.server_close()


def push_oci(host: str, repository: str, version: str, chart: bytes) -> None:
    """Push a packaged chart as `helm push` does: a config blob, the chart layer, a manifest."""
    config = json.dumps({"name": repository.rsplit("/", 1)[-1], "version": version}).encode()
    blobs = {"config": config, "chart": chart}
    digests = {k: "sha256:" + hashlib.sha256(v).hexdigest() for k, v in blobs.items()}
    base = f"http://{host}/v2/{repository}"
    for key, data in blobs.items():
        start = requests.post(f"{base}/blobs/uploads/", timeout=10)
        start.raise_for_status()
        location = start.headers["Location"]
        if location.startswith("/"):
            location = f"http://{host}{location}"
        sep = "&" if "?" in location else "?"
        requests.put(
            f"{location}{sep}digest={digests[key]}",
            data=data,
            headers={"Content-Type": "application/octet-stream"},
            timeout=10,
        ).raise_for_status()
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.cncf.helm.config.v1+json",
            "digest": digests["config"],
            "size": len(config),
        },
        "layers": [
            {
                "mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
                "digest": digests["chart"],
                "size": len(chart),
            }
        ],
    }
    requests.put(
        f"{base}/manifests/{version}",
        data=json.dumps(manifest),
        headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"},
        timeout=10,
    ).raise_for_status()
