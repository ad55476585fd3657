"""Build an image and push it under the tags `gitops-release tags` computes for this build.

    python build_push.py        (inputs as INPUT_* environment variables, see build-push/action.yml)

Builders: `docker buildx build` (default) or `buildah`. The image gets the OCI labels
org.opencontainers.image.source, .revision, .created and .version; `created` is the commit time,
and the build timestamp is pinned to it, so building the same commit twice gives the same digest.
Outputs: image (REPOSITORY:TAG@DIGEST), digest, tag, tags, images.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gitops_release import actions_io, cli, proc
from gitops_release.commands.tags import build_request
from gitops_release.errors import ExitCode, GitopsReleaseError, UsageError
from gitops_release.flows.tags import TagsResult, compute
from gitops_release.image import parse_repository

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
_PLATFORM = re.compile(r"^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def _value(name: str) -> str:
    return os.environ.get("INPUT_" + name.upper().replace("-", "_"), "").strip()


def _one_line(name: str) -> str:
    text = _value(name)
    if "\n" in text or "\r" in text:
        raise UsageError(f"input '{name}' must be a single line")
    return text


def _bool(name: str, *, default: bool) -> bool:
    text = _value(name).lower() or ("true" if default else "false")
    if text not in {"true", "false"}:
        raise UsageError(f"input '{name}' must be true or false, got '{_value(name)}'")
    return text == "true"


def _pairs(name: str, key: re.Pattern[str]) -> list[str]:
    """KEY=VALUE lines (values may hold commas and `=`)."""
    out = []
    for line in _value(name).splitlines():
        if not line.strip():
            continue
        k, sep, _ = line.strip().partition("=")
        if not sep or not key.match(k):
            raise UsageError(f"input '{name}': '{line.strip()}' is not KEY=VALUE")
        out.append(line.strip())
    return out


@dataclass(frozen=True)
class Build:
    repository: str
    context: Path
    file: Path
    builder: str
    platforms: tuple[str, ...]
    build_args: tuple[str, ...]
    labels: tuple[str, ...]
    push: bool
    tls_verify: bool


def read_inputs() -> Build:
    repository = parse_repository(_value("image"), what="input 'image'")
    builder = _value("builder") or "buildx"
    if builder not in {"buildx", "buildah"}:
        raise UsageError(f"input 'builder' must be buildx or buildah, got '{builder}'")
    context = Path(_value("context") or ".")
    if not context.is_dir():
        raise UsageError(f"input 'context': {context} is not a directory")
    file = Path(_value("file")) if _value("file") else context / "Dockerfile"
    if not file.is_file():
        raise UsageError(
            f"input 'file': {file} does not exist", hint="set 'file' to the Dockerfile"
        )
    platforms = tuple(p.strip() for p in re.split(r"[\n,]", _value("platforms")) if p.strip())
    for platform in platforms:
        if not _PLATFORM.match(platform):
            raise UsageError(f"input 'platforms': '{platform}' is not OS/ARCH[/VARIANT]")
    if builder == "buildah" and len(platforms) > 1:
        raise UsageError("input 'platforms': buildah builds one platform here; use buildx")
    return Build(
        repository=repository,
        context=context,
        file=file,
        builder=builder,
        platforms=platforms,
        build_args=tuple(_pairs("build-args", _KEY)),
        labels=tuple(_pairs("labels", _LABEL)),
        push=_bool("push", default=True),
        tls_verify=_bool("tls-verify", default=True),
    )


def oci_labels(tags: TagsResult, created: datetime) -> list[str]:
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repo = os.environ.get("GITHUB_REPOSITORY", "")
    labels = [
        f"org.opencontainers.image.revision={tags.sha}",
        f"org.opencontainers.image.created={created.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"org.opencontainers.image.version={tags.primary}",
    ]
    if repo:
        labels.insert(0, f"org.opencontainers.image.source={server}/{repo}")
    return labels


def _show(title: str, result: proc.Completed) -> None:
    with actions_io.group(title):
        sys.stdout.write(proc.mask(result.out + result.err))
        sys.stdout.flush()


def build_with_buildah(build: Build, tags: TagsResult, labels: list[str], epoch: int) -> str:
    local = f"{build.repository}:{tags.primary}"
    args = ["buildah", "bud", "--timestamp", str(epoch), "-f", str(build.file), "-t", local]
    args += [a for label in labels for a in ("--label", label)]
    args += [a for arg in build.build_args for a in ("--build-arg", arg)]
    args += [a for p in build.platforms for a in ("--platform", p)]
    _show("buildah bud", proc.run([*args, str(build.context)], summary="buildah bud failed"))
    if not build.push:
        return ""
    digest = ""
    with tempfile.TemporaryDirectory(prefix="gitops-release-push-") as scratch:
        for tag in tags.tags:
            digestfile = Path(scratch) / f"{tag}.digest"
            push = [
                "buildah",
                "push",
                f"--tls-verify={str(build.tls_verify).lower()}",
                "--digestfile",
                str(digestfile),
                local,
                f"docker://{build.repository}:{tag}",
            ]
            _show(f"push {tag}", proc.run(push, summary=f"pushing {build.repository}:{tag} failed"))
            digest = digest or digestfile.read_text(encoding="utf-8").strip()
    return digest


def build_with_buildx(build: Build, tags: TagsResult, labels: list[str], epoch: int) -> str:
    with tempfile.TemporaryDirectory(prefix="gitops-release-build-") as scratch:
        metadata = Path(scratch) / "metadata.json"
        args = ["docker", "buildx", "build", "--file", str(build.file)]
        args += [a for tag in tags.tags for a in ("--tag", f"{build.repository}:{tag}")]
        args += [a for label in labels for a in ("--label", label)]
        args += [a for arg in build.build_args for a in ("--build-arg", arg)]
        if build.platforms:
            args += ["--platform", ",".join(build.platforms)]
        output = "type=image,push=true" if build.push else "type=image,push=false"
        if build.push and not build.tls_verify:
            output += ",registry.insecure=true"
        args += ["--output", output, "--metadata-file", str(metadata), str(build.context)]
        env = {"SOURCE_DATE_EPOCH": str(epoch)}
        _show("docker buildx build", proc.run(args, env=env, summary="docker buildx failed"))
        data = json.loads(metadata.read_text(encoding="utf-8"))
    return str(data.get("containerimage.digest", "")) if build.push else ""


def run() -> dict[str, str]:
    build = read_inputs()
    tags = compute(
        build_request(
            (build.repository,),
            latest=_bool("latest", default=False),
            default_branch=_value("default-branch") or None,
            ref=_one_line("ref") or None,
            sha=_one_line("sha") or None,
        )
    )
    created = tags.created or datetime.now(UTC)
    labels = oci_labels(tags, created) + list(build.labels)
    builder = build_with_buildah if build.builder == "buildah" else build_with_buildx
    digest = builder(build, tags, labels, int(created.timestamp()))
    if digest and not _DIGEST.match(digest):
        raise GitopsReleaseError(f"the builder reported '{digest}', which is not a sha256 digest")
    reference = f"{build.repository}:{tags.primary}" + (f"@{digest}" if digest else "")
    return {
        "image": reference,
        "digest": digest,
        "tag": tags.primary,
        "tags": "\n".join(tags.tags),
        "images": "\n".join(tags.images),
    }


def main() -> int:
    try:
        outputs = run()
    except GitopsReleaseError as error:
        cli.report(error)
        return int(error.exit_code)
    actions_io.set_outputs(outputs)
    actions_io.append_summary(f"**gitops-release build-push**: `{outputs['image']}`")
    sys.stdout.write(f"pushed {outputs['image']}\n" if outputs["digest"] else "built\n")
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
