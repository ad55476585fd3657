"""Running our workflows under act, as users run them, against the emulator and a registry.

`Act` runs `act` in host mode (no containers) in a repository made in a temp dir; the workflows
there refer to this checkout exactly as users refer to a release of it
(`gitops-release/gitops-release/.github/workflows/…@v1`), and `--local-repository` maps that
name to this work tree. Results come from `act --json`: job results, step outputs, summaries.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from gitops_release import proc

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOLKIT = "gitops-release/gitops-release"
TOOLKIT_REFS = ("v1",)
MANIFEST_TOKEN = "ghp_e2eManifestToken0123456789abcdefABCDEF"  # long: act masks by substring
ACCEPT_MANIFEST = ", ".join(
    [
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    ]
)


def venv_tool(name: str) -> Path:
    """A console script installed next to the running Python (act, uv, ...)."""
    path = Path(sys.executable).parent / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            raise FileNotFoundError(f"{name} is not installed (pip install the test extras)")
        return Path(found)
    return path


def toolkit_snapshot(target: Path) -> Path:
    """This checkout's files as a release would have them (tracked and new files, nothing that
    git ignores: no virtualenvs or caches); act copies the tree for every action it runs."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO_ROOT)
    for name in filter(None, listed.split("\0")):
        source = REPO_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def build_wheelhouse(target: Path) -> Path:
    """Wheels of the toolkit's dependencies (and its build backend), so the actions install
    offline in about a second, as they do from a warm cache on a runner."""
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--disable-pip-version-check",
            "--wheel-dir",
            str(target),
            f"{REPO_ROOT}[render]",
            "setuptools>=68",
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    for built in target.glob("gitops_release-*.whl"):
        built.unlink()  # the actions install the toolkit from the source tree
    return target


def runner_environment(root: Path, wheelhouse: Path) -> dict[str, str]:
    """The environment act and its host-mode steps run in: uv on PATH with an offline
    wheelhouse, and buildah without a daemon, root or network setup (vfs, chroot)."""
    missing = [t for t in ("git", "buildah", "docker-registry") if shutil.which(t) is None]
    if missing:
        raise FileNotFoundError(f"missing for the e2e tests: {', '.join(missing)} (see .ci/run)")
    tools = root / "bin"
    tools.mkdir(parents=True, exist_ok=True)
    if not (tools / "uv").exists():
        (tools / "uv").symlink_to(venv_tool("uv"))
    storage = root / "storage.conf"
    storage.write_text(
        '[storage]\ndriver = "vfs"\n'
        f'graphroot = "{root / "containers" / "graph"}"\n'
        f'runroot = "{root / "containers" / "run"}"\n',
        encoding="utf-8",
    )
    registries = root / "registries.conf"
    registries.write_text("unqualified-search-registries = []\n", encoding="utf-8")
    return {
        "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "LANG": "C.UTF-8",
        "UV_CACHE_DIR": str(root / "uv-cache"),
        "UV_OFFLINE": "1",
        "UV_FIND_LINKS": str(wheelhouse),
        "UV_PYTHON_DOWNLOADS": "never",
        "STORAGE_DRIVER": "vfs",
        "BUILDAH_ISOLATION": "chroot",
        "CONTAINERS_STORAGE_CONF": str(storage),
        "CONTAINERS_REGISTRIES_CONF": str(registries),
    }


def make_act(
    root: Path, *, api_url: str, server_url: str, env: Mapping[str, str], toolkit: Path
) -> Act:
    home = root / "act-home"
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text(
        "[user]\n\tname = E2E\n\temail = e2e@example.com\n[init]\n\tdefaultBranch = master\n",
        encoding="utf-8",
    )
    return Act(
        home=home,
        toolkit=toolkit,
        stubs=root / "action-stubs",
        api_url=api_url,
        server_url=server_url,
        env={**env, "GIT_CONFIG_GLOBAL": str(home / ".gitconfig")},
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def git(*args: str | os.PathLike[str], cwd: Path, env: Mapping[str, str] | None = None) -> str:
    return proc.run(["git", *args], cwd=cwd, env=env, timeout=60).out.strip()


# -- registry ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Registry:
    host: str  # 127.0.0.1:PORT

    def manifest(self, repository: str, reference: str) -> requests.Response:
        return requests.get(
            f"http://{self.host}/v2/{repository}/manifests/{reference}",
            headers={"Accept": ACCEPT_MANIFEST},
            timeout=10,
        )

    def labels(self, repository: str, reference: str) -> dict[str, str]:
        """The image config's labels (manifest → config blob)."""
        manifest = self.manifest(repository, reference)
        manifest.raise_for_status()
        digest = manifest.json()["config"]["digest"]
        blob = requests.get(f"http://{self.host}/v2/{repository}/blobs/{digest}", timeout=10)
        blob.raise_for_status()
        labels: dict[str, str] = blob.json().get("config", {}).get("Labels") or {}
        return labels

    def tags(self, repository: str) -> list[str]:
        answer = requests.get(f"http://{self.host}/v2/{repository}/tags/list", timeout=10)
        answer.raise_for_status()
        return sorted(answer.json().get("tags") or [])


@contextmanager
def run_registry(workdir: Path) -> Iterator[Registry]:
    """Debian's docker-registry on 127.0.0.1 with its own config; stopped on exit."""
    binary = shutil.which("docker-registry")
    if binary is None:
        raise FileNotFoundError(
            "docker-registry is not installed (apt-get install docker-registry)"
        )
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "config.yml"
    config.write_text(
        "version: 0.1\n"
        "log:\n  level: warn\n"
        f"storage:\n  filesystem:\n    rootdirectory: {workdir / 'data'}\n"
        f"http:\n  addr: 127.0.0.1:{port}\n",
        encoding="utf-8",
    )
    log = (workdir / "registry.log").open("wb")
    server = subprocess.Popen([binary, "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/v2/", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "docker-registry did not start: "
                    + (workdir / "registry.log").read_text(errors="replace")
                )
            time.sleep(0.05)
        yield Registry(f"127.0.0.1:{port}")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


# -- act ---------------------------------------------------------------------------------------
_PINNED = re.compile(r"uses:\s*([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)(?:/[^@\s]*)?@([0-9a-f]{40})")


def third_party_pins() -> set[tuple[str, str]]:
    """(owner/repo, sha) of every third-party action our workflows and actions pin.

    act prepares every action of a job before running it, even those behind a false `if:`;
    with no network the ones these tests never run (registry login, binary cache) are stubbed.
    `actions/checkout` is handled by act itself (it copies the work tree) unless it is given a
    `ref:`; then a stand-in fetches that ref from the emulator (`write_checkout`).
    """
    files = [REPO_ROOT / "action.yml", *REPO_ROOT.glob("actions/*/action.yml")]
    files += REPO_ROOT.glob(".github/workflows/*.yml")
    pins = set()
    for path in files:
        for repo, sha in _PINNED.findall(path.read_text(encoding="utf-8")):
            if repo != "actions/checkout":
                pins.add((repo, sha))
    return pins


def write_stub(path: Path, repo: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "action.yml").write_text(
        f"name: {repo} (offline stand-in)\n"
        "description: Fails if run; the end-to-end tests never run this action.\n"
        "runs:\n  using: composite\n  steps:\n"
        f"    - run: echo '{repo} is not available offline' >&2; exit 1\n      shell: bash\n",
        encoding="utf-8",
    )
    return path


CHECKOUT_STAND_IN = """\
name: actions/checkout (offline stand-in)
description: >-
  What actions/checkout does for this repository with `ref:`, from $GITHUB_SERVER_URL (act
  replaces only a checkout without `ref:` by a copy of the work tree).
inputs:
  ref: {description: Commit, branch or tag., required: false, default: ""}
  repository: {description: OWNER/NAME., required: false, default: ""}
  token: {description: Token to fetch with., required: false, default: "${{ github.token }}"}
  persist-credentials: {description: Keep the token in git config., required: false, default: "true"}
runs:
  using: composite
  steps:
    - shell: bash
      env:
        REF: ${{ inputs.ref }}
        REPOSITORY: ${{ inputs.repository || github.repository }}
        TOKEN: ${{ inputs.token }}
        PERSIST: ${{ inputs.persist-credentials }}
      run: |
        set -euo pipefail
        cd "$GITHUB_WORKSPACE"
        find . -mindepth 1 -delete
        git init -q .
        git remote add origin "$GITHUB_SERVER_URL/$REPOSITORY.git"
        auth="AUTHORIZATION: basic $(printf 'x-access-token:%s' "$TOKEN" | base64 -w0)"
        git -c http.extraheader="$auth" fetch -q --depth=1 origin "${REF:-$GITHUB_SHA}"
        git checkout -q --detach FETCH_HEAD
        if [ "$PERSIST" = true ]; then git config http.extraheader "$auth"; fi
"""


def checkout_pins() -> set[str]:
    """The SHAs our workflows pin `actions/checkout` to."""
    files = [*REPO_ROOT.glob(".github/workflows/*.yml"), *REPO_ROOT.glob("actions/*/action.yml")]
    return {
        sha
        for path in files
        for repo, sha in _PINNED.findall(path.read_text(encoding="utf-8"))
        if repo == "actions/checkout"
    }


def write_checkout(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "action.yml").write_text(CHECKOUT_STAND_IN, encoding="utf-8")
    return path


@dataclass
class ActResult:
    returncode: int
    events: list[dict[str, Any]]
    seconds: float
    log: str = field(repr=False, default="")

    def outputs(self, step: str | None = None) -> dict[str, str]:
        """Step outputs (`set-output` events), optionally of the steps with id `step`."""
        found: dict[str, str] = {}
        for event in self.events:
            if event.get("command") != "set-output":
                continue
            if step is None or (event.get("stepID") or [None])[0] == step:
                found[str(event["name"])] = str(event.get("arg", ""))
        return found

    def summaries(self) -> list[str]:
        return [str(e["content"]) for e in self.events if e.get("command") == "summary"]

    def job_results(self) -> dict[str, str]:
        return {str(e["job"]): str(e["jobResult"]) for e in self.events if "jobResult" in e}

    def job_ids(self) -> dict[str, str]:
        """Result by job id (`caller/job` for a called workflow's jobs); job names may repeat."""
        return {str(e["jobID"]): str(e["jobResult"]) for e in self.events if "jobResult" in e}

    def text(self) -> str:
        """The run's log lines, for failure messages."""
        return "\n".join(str(e.get("msg", "")).rstrip() for e in self.events) or self.log

    def check(self) -> ActResult:
        results = self.job_results()
        if self.returncode != 0 or not results or set(results.values()) != {"success"}:
            raise AssertionError(
                f"act failed (exit {self.returncode}, jobs {results}):\n{self.text()[-12000:]}"
            )
        return self


@dataclass(frozen=True)
class Act:
    """act in host mode with our checkout standing in for the released toolkit."""

    home: Path
    toolkit: Path
    stubs: Path
    api_url: str
    server_url: str
    env: Mapping[str, str]

    def run(
        self,
        repo: Path,
        event_name: str,
        payload: Mapping[str, Any],
        *,
        secrets: Mapping[str, str] | None = None,
        timeout: float = 300,
    ) -> ActResult:
        event = repo.parent / f"{repo.name}-{event_name}-event.json"
        event.write_text(json.dumps(payload), encoding="utf-8")
        args: list[str] = [
            str(venv_tool("act")),
            event_name,
            "-e",
            str(event),
            "-P",
            "ubuntu-latest=-self-hosted",
            "--no-cache-server",
            "--json",
            "--env",
            f"GITHUB_API_URL={self.api_url}",
            "--env",
            f"GITHUB_SERVER_URL={self.server_url}",
        ]
        for key, value in sorted(self.env.items()):
            if key not in {"PATH", "HOME"}:  # act gives host-mode steps only some of its env
                args += ["--env", f"{key}={value}"]
        for ref in TOOLKIT_REFS:
            args += ["--local-repository", f"{TOOLKIT}@{ref}={self.toolkit}"]
        for action, sha in sorted(third_party_pins()):
            stub = write_stub(self.stubs / action, action)
            args += ["--local-repository", f"{action}@{sha}={stub}"]
        for sha in sorted(checkout_pins()):  # only a checkout with `ref:` gets here
            stand_in = write_checkout(self.stubs / "actions/checkout")
            args += ["--local-repository", f"actions/checkout@{sha}={stand_in}"]
        for name, value in (secrets or {}).items():
            args += ["-s", f"{name}={value}"]
        env = {**self.env, "HOME": str(self.home), "GIT_PAGER": "cat"}
        started = time.monotonic()
        done = subprocess.run(
            args, cwd=repo, env=env, capture_output=True, timeout=timeout, check=False
        )
        seconds = time.monotonic() - started
        events = []
        for line in done.stdout.decode("utf-8", errors="replace").splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict):
                events.append(item)
        log = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        return ActResult(done.returncode, events, seconds, log)
