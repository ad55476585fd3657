"""Pinned, checksum-verified kustomize, helm, pluto and polaris for the `setup` action.

    python tools.py plan      validate inputs; outputs missing, dir, key (for actions/cache)
    python tools.py install   download what is missing, verify its SHA-256, unpack onto PATH

Standard library only. A tool already on PATH is left alone. Nothing is run or unpacked before
its archive's SHA-256 matches the `<tool>-sha256` input.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_VERSION = re.compile(r"^v?[0-9]+\.[0-9]+\.[0-9]+$")
_ARCH = {"X64": "amd64", "ARM64": "arm64"}


class InputError(Exception):
    pass


@dataclass(frozen=True)
class Tool:
    name: str
    version: str
    sha256: str
    arch: str

    @property
    def url(self) -> str:
        v, a = self.version.removeprefix("v"), self.arch
        return {
            "kustomize": "https://github.com/kubernetes-sigs/kustomize/releases/download/"
            f"kustomize%2Fv{v}/kustomize_v{v}_linux_{a}.tar.gz",
            "helm": f"https://get.helm.sh/helm-v{v}-linux-{a}.tar.gz",
            "pluto": "https://github.com/FairwindsOps/pluto/releases/download/"
            f"v{v}/pluto_{v}_linux_{a}.tar.gz",
            "polaris": "https://github.com/FairwindsOps/polaris/releases/download/"
            f"{v}/polaris_linux_{a}.tar.gz",
        }[self.name]

    @property
    def member(self) -> str:
        return f"linux-{self.arch}/helm" if self.name == "helm" else self.name


def _input(name: str) -> str:
    return os.environ.get("INPUT_" + name.upper().replace("-", "_"), "").strip()


def requested() -> list[Tool]:
    names = [n.strip() for n in re.split(r"[\s,]+", _input("tools")) if n.strip()]
    arch = _ARCH.get(os.environ.get("RUNNER_ARCH", "X64"))
    if arch is None or os.environ.get("RUNNER_OS", "Linux") != "Linux":
        raise InputError("input 'tools': binaries are installed on Linux x64/arm64 runners only")
    tools = []
    for name in dict.fromkeys(names):
        if name not in {"kustomize", "helm", "pluto", "polaris"}:
            raise InputError(
                f"input 'tools': unknown tool '{name}' (known: kustomize, helm, pluto, polaris)"
            )
        version, sha = _input(f"{name}-version"), _input(f"{name}-sha256").lower()
        if not _VERSION.match(version):
            raise InputError(f"input '{name}-version' must look like 1.2.3, got '{version}'")
        if not _HEX64.match(sha):
            raise InputError(
                f"input '{name}-sha256' must be the 64-hex SHA-256 of the {name} {version} "
                "archive (see the release's checksums); refusing to install it unverified"
            )
        tools.append(Tool(name, version, sha, arch))
    return tools


def tools_dir() -> Path:
    return Path(os.environ["RUNNER_TEMP"]) / "gitops-release" / "tools"


def _outputs(text: str) -> None:
    with Path(os.environ["GITHUB_OUTPUT"]).open("a", encoding="utf-8") as handle:
        handle.write(text)


def plan() -> None:
    missing = [t for t in requested() if shutil.which(t.name) is None]
    identity = ";".join(f"{t.name}={t.version}={t.sha256}" for t in missing)
    key = hashlib.sha256(identity.encode()).hexdigest()[:16]
    arch = os.environ.get("RUNNER_ARCH", "X64")
    _outputs(
        f"missing={' '.join(t.name for t in missing)}\ndir={tools_dir()}\n"
        f"key=gitops-release-tools-{arch}-{key}\n"
    )
    for tool in requested():
        if tool not in missing:
            sys.stdout.write(f"{tool.name}: already on PATH at {shutil.which(tool.name)}\n")


def install() -> None:
    target = tools_dir()
    target.mkdir(parents=True, exist_ok=True)
    for tool in requested():
        found = shutil.which(tool.name)
        if found is not None and found != str(target / tool.name):
            continue  # on the runner already
        marker = target / f".{tool.name}.sha256"
        cached = marker.is_file() and marker.read_text(encoding="utf-8").strip() == tool.sha256
        if cached and (target / tool.name).is_file():
            sys.stdout.write(f"{tool.name} {tool.version}: from the cache\n")
            continue
        _download(tool, target)
        marker.write_text(tool.sha256 + "\n", encoding="utf-8")
        sys.stdout.write(f"{tool.name} {tool.version}: installed, sha256 verified\n")
    with Path(os.environ["GITHUB_PATH"]).open("a", encoding="utf-8") as handle:
        handle.write(f"{target}\n")


def _download(tool: Tool, target: Path) -> None:
    if not tool.url.startswith("https://"):
        raise InputError(f"refusing a non-HTTPS download: {tool.url}")
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / "archive.tar.gz"
        with urllib.request.urlopen(tool.url, timeout=120) as response:  # noqa: S310 - https only
            archive.write_bytes(response.read())
        actual = hashlib.sha256(archive.read_bytes()).hexdigest()
        if actual != tool.sha256:
            raise InputError(
                f"{tool.url}: SHA-256 is {actual}, expected {tool.sha256} "
                f"(input '{tool.name}-sha256'); not installed"
            )
        with tarfile.open(archive) as tar:
            member = tar.getmember(tool.member)
            source = tar.extractfile(member)
            if source is None:
                raise InputError(f"{tool.url} has no file {tool.member}")
            binary = target / tool.name
            binary.write_bytes(source.read())
            binary.chmod(0o755)


def main(argv: list[str]) -> int:
    try:
        if argv == ["plan"]:
            plan()
        elif argv == ["install"]:
            install()
        else:
            sys.stderr.write("usage: tools.py plan|install\n")
            return 2
    except InputError as error:
        sys.stdout.write(f"::error title=gitops-release setup::{error}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
