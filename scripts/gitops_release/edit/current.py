"""Reading which image an app's targets currently deploy (for directory-per-environment
promotion: copy the staging image to production)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ruamel.yaml.nodes import MappingNode, SequenceNode

from gitops_release.config import App, Target
from gitops_release.edit.document import YamlFile
from gitops_release.edit.plan import TargetFiles
from gitops_release.edit.targets import find_container_images
from gitops_release.errors import ImageRefError, ManifestError
from gitops_release.image import ImageRef, normalize_repository, parse
from gitops_release.yamlio import nodes as yamlnodes


def current_image(app: App, targets: Sequence[TargetFiles], texts: Mapping[str, str]) -> ImageRef:
    """The one image the targets deploy; an error when they disagree or set none."""
    found: dict[str, str] = {}
    for entry in targets:
        for name in entry.files:
            file = YamlFile.parse(name, texts[name])
            for ref in _images_in(file, entry, app):
                found.setdefault(str(ref), f"{name} ({entry.target.label})")
    if not found:
        raise ManifestError(
            f"app '{app.name}': no image of {app.image} found in its targets",
            hint="set the image in that environment first (gitops-release bump)",
        )
    if len(found) > 1:
        listing = "; ".join(f"{image} in {where}" for image, where in found.items())
        raise ManifestError(
            f"app '{app.name}' deploys different images in one environment: {listing}",
            hint="make the targets agree, then promote",
        )
    return parse(next(iter(found)))


def _images_in(file: YamlFile, entry: TargetFiles, app: App) -> list[ImageRef]:
    readers = {"manifest": _manifest_images, "helm": _helm_images, "kustomize": _kustomize_images}
    return readers[entry.target.kind](file, entry.target, app)


def _manifest_images(file: YamlFile, target: Target, app: App) -> list[ImageRef]:
    out = []
    for found in find_container_images(file):
        if target.container and found.container != target.container:
            continue
        try:
            ref = parse(str(found.node.value), require_version=False)
        except ImageRefError:
            continue
        if ref.same_repository(app.image):
            out.append(ImageRef(app.image, ref.tag, ref.digest))
    return out


def _helm_images(file: YamlFile, target: Target, app: App) -> list[ImageRef]:
    root = file.docs[0] if file.docs else None
    tag = yamlnodes.scalar_str(yamlnodes.walk(root, target.key.split("."))) if root else None
    digest = None
    if root is not None and target.digest_key:
        digest = yamlnodes.scalar_str(yamlnodes.walk(root, target.digest_key.split(".")))
    if not tag and not digest:
        return []
    if tag and "@" in tag:
        tag, digest = tag.split("@", 1)
    if tag and tag.startswith("sha256:"):
        tag, digest = None, tag
    return [ImageRef(app.image, tag or None, digest or None)]


def _kustomize_images(file: YamlFile, target: Target, app: App) -> list[ImageRef]:
    root = file.docs[0] if file.docs else None
    images = yamlnodes.get(root, "images") if isinstance(root, MappingNode) else None
    wanted = normalize_repository(target.name or app.image) if not target.name else None
    out = []
    for item in images.value if isinstance(images, SequenceNode) else []:
        name = yamlnodes.scalar_str(yamlnodes.get(item, "name"))
        new_name = yamlnodes.scalar_str(yamlnodes.get(item, "newName"))
        matches = (
            (name == target.name)
            if target.name
            else any(n is not None and _norm(n) == wanted for n in (name, new_name))
        )
        if matches:
            tag = yamlnodes.scalar_str(yamlnodes.get(item, "newTag"))
            digest = yamlnodes.scalar_str(yamlnodes.get(item, "digest"))
            if tag or digest:
                out.append(ImageRef(app.image, tag, digest))
    return out


def _norm(name: str) -> str | None:
    try:
        return normalize_repository(name)
    except Exception:  # names that are not image references never match
        return None
