"""Planning the splices for each kind of target: kustomize images:, Helm values, raw manifests.

Each planner is pure: it takes a parsed file, the app and the new image, and returns the splices,
the expectations the re-parse must confirm, and the user-facing edit records.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from gitops_release.config import App, Target
from gitops_release.edit.document import YamlFile
from gitops_release.edit.model import Edit, Expect, KeyPath, Splice, StrategyEdit
from gitops_release.errors import ImageRefError, ManifestError
from gitops_release.image import ImageRef, normalize_repository, parse
from gitops_release.yamlio import nodes as yamlnodes
from gitops_release.yamlio.podspec import CONTAINER_LISTS, POD_SPEC_PATHS, pod_spec_path


@dataclass
class FilePlan:
    """Accumulated splices for one file (several targets may share a file)."""

    file: YamlFile
    splices: list[Splice] = field(default_factory=list)
    expects: list[Expect] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    strategy_edits: list[StrategyEdit] = field(default_factory=list)

    def change(self, doc: int, path: KeyPath, node: ScalarNode, value: str, edit: Edit) -> None:
        """Set an existing scalar to `value`, if it differs."""
        if node.tag != yamlnodes.NULL and str(node.value) == value:
            return
        splice = self.file.replace_scalar(node, value, what=edit.key)
        self.splices.append(splice)
        # The re-parse must find exactly what the written text means (43 stays an int).
        self.expects.append(Expect(doc, path, "set", yamlnodes.scalar_value(splice.text)))
        self.edits.append(edit)


# -- kustomize ---------------------------------------------------------------------------------


def plan_kustomize(plan: FilePlan, target: Target, app: App, ref: ImageRef) -> None:
    file = plan.file
    if not file.docs or not isinstance(file.docs[0], MappingNode):
        raise ManifestError(
            f"{file.name}: not a kustomization (expected a mapping at the top)",
            hint=f"check the path of target kustomize: {target.path} in .gitops-release.yaml",
        )
    root = file.docs[0]
    images = yamlnodes.get(root, "images")
    wanted = target.name or app.image
    if images is None or (isinstance(images, ScalarNode) and images.tag == yamlnodes.NULL):
        _add_image_entry(plan, root, images, wanted, ref, target)
        return
    if not isinstance(images, SequenceNode):
        raise ManifestError(
            f"{file.where(images)}: images: must be a list of entries",
            hint="see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/",
        )
    matches = [
        (i, entry)
        for i, entry in enumerate(images.value)
        if isinstance(entry, MappingNode)
        and _entry_matches(entry, wanted, by_name=bool(target.name))
    ]
    if len(matches) > 1:
        lines = ", ".join(str(file.line(e)) for _, e in matches)
        raise ManifestError(
            f"{file.name}: {len(matches)} images: entries match {wanted} (lines {lines})",
            hint="keep one entry per image, or set `name:` on the target to pick one",
        )
    if not matches:
        _add_image_entry(plan, root, images, wanted, ref, target)
        return
    index, entry = matches[0]
    file.ensure_plain_path(0, [images, entry], "this images: entry")
    _update_entry(plan, index, entry, ref, target, app)


def _entry_matches(entry: MappingNode, wanted: str, *, by_name: bool) -> bool:
    name = yamlnodes.scalar_str(yamlnodes.get(entry, "name"))
    if by_name:
        return name == wanted
    new_name = yamlnodes.scalar_str(yamlnodes.get(entry, "newName"))
    return any(
        candidate is not None and _same_repo(candidate, wanted) for candidate in (name, new_name)
    )


def _same_repo(a: str, b: str) -> bool:
    try:
        return normalize_repository(a) == normalize_repository(b)
    except Exception:
        return a == b


def _update_entry(
    plan: FilePlan, index: int, entry: MappingNode, ref: ImageRef, target: Target, app: App
) -> None:
    file = plan.file
    path: KeyPath = ("images", index)
    old_tag = yamlnodes.get(entry, "newTag")
    old_digest = yamlnodes.get(entry, "digest")
    name = (
        yamlnodes.scalar_str(yamlnodes.get(entry, "newName"))
        or yamlnodes.scalar_str(yamlnodes.get(entry, "name"))
        or app.image
    )
    old_image = name + _suffix(yamlnodes.scalar_str(old_tag), yamlnodes.scalar_str(old_digest))
    new_image = name + ref.suffix
    for key, node, value in (("newTag", old_tag, ref.tag), ("digest", old_digest, ref.digest)):
        edit = Edit(
            file=file.name,
            line=file.line(node) if node is not None else file.line(entry),
            old=yamlnodes.scalar_str(node),
            new=value,
            target=target.label,
            key=f"images[{index}].{key}",
            old_image=old_image,
            new_image=new_image,
        )
        if node is not None and not isinstance(node, ScalarNode):
            raise ManifestError(f"{file.where(node)}: {key} must be a plain value")
        if value is None:
            if node is not None:
                # A stale tag or digest left beside the new one would win (digest) or
                # mislead (tag), so it goes.
                plan.splices.append(file.delete_key(entry, key))
                plan.expects.append(Expect(0, (*path, key), "delete"))
                plan.edits.append(edit)
            continue
        if node is None:
            style = old_tag if isinstance(old_tag, ScalarNode) else None
            plan.splices.append(file.insert_path(0, (*path, key), value, style_of=style))
            plan.expects.append(Expect(0, (*path, key), "set", value))
            plan.edits.append(edit)
            continue
        file.ensure_plain_path(0, [node], f"images[{index}].{key}")
        plan.change(0, (*path, key), node, value, edit)


def _add_image_entry(
    plan: FilePlan,
    root: MappingNode,
    images: Node | None,
    name: str,
    ref: ImageRef,
    target: Target,
) -> None:
    """Append an entry for the image to `images:`, creating the list when there is none.

    New lines follow the file: its list indentation, its line endings. The edit's line is the
    line of the new entry.
    """
    file = plan.file
    item = {"name": name}
    if ref.tag:
        item["newTag"] = ref.tag
    if ref.digest:
        item["digest"] = ref.digest
    lines = [f"{k}: {_render_new(v)}" for k, v in item.items()]
    if isinstance(images, SequenceNode) and images.value and not images.flow_style:
        splice = file.append_item(images, lines)
        plan.splices.append(splice)
        line = _first_line(file.text, splice)
        plan.expects.append(Expect(0, ("images",), "append", item))
    elif isinstance(images, SequenceNode):
        entry = "{" + ", ".join(lines) + "}"
        close = file.text.rfind("]", 0, images.end_mark.index)
        sep = ", " if images.value else ""
        plan.splices.append(Splice(close, close, sep + entry))
        line = file.text.count("\n", 0, close) + 1
        plan.expects.append(Expect(0, ("images",), "append", item))
    elif root.flow_style or not root.value:
        flow = "[{" + ", ".join(lines) + "}]"
        splice = _add_flow_key(file, root, images, "images", flow)
        plan.splices.append(splice)
        line = file.text.count("\n", 0, splice.start) + 1
        plan.expects.append(Expect(0, ("images",), "set", [item]))
    else:  # no `images:`, or `images:` with no value
        splices, line = file.add_list(root, "images", lines)
        plan.splices.extend(splices)
        plan.expects.append(Expect(0, ("images",), "set", [item]))
    plan.edits.append(
        Edit(
            file=file.name,
            line=line,
            old=None,
            new=ref.version,
            target=target.label,
            key="images[+]",
            old_image=None,
            new_image=name + ref.suffix,
        )
    )


def _first_line(text: str, splice: Splice) -> int:
    """The line of the first non-empty line an inserted splice adds (1-based, edited text)."""
    inserted = splice.text
    leading = inserted[: len(inserted) - len(inserted.lstrip("\r\n"))]
    return text.count("\n", 0, splice.start) + leading.count("\n") + 1


def _add_flow_key(
    file: YamlFile, root: MappingNode, current: Node | None, key: str, value: str
) -> Splice:
    """`key: value` in a flow mapping (`{resources: [a]}`) that lacks the key or its value."""
    if isinstance(current, ScalarNode):  # `{images: ~}`
        start, end = file.value_span(current)
        return Splice(start, end, value if start != end else " " + value)
    if not root.value:
        start, end = root.start_mark.index, root.end_mark.index
        if file.text[start:end].strip() != "{}":
            raise ManifestError(f"{file.where(root)}: unexpected empty mapping syntax")
        return Splice(start, end, "{" + f"{key}: {value}" + "}")
    close = file.text.rfind("}", 0, root.end_mark.index)
    return Splice(close, close, f", {key}: {value}")


def _render_new(value: str) -> str:
    from gitops_release.edit.scalars import plain_ok, quote  # noqa: PLC0415

    return value if plain_ok(value) else quote(value, '"')


def _suffix(tag: str | None, digest: str | None) -> str:
    return (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")


# -- helm ----------------------------------------------------------------------------------------


def plan_helm(plan: FilePlan, target: Target, app: App, ref: ImageRef) -> None:
    file = plan.file
    if len(file.docs) > 1:
        raise ManifestError(
            f"{file.name}: a Helm values file has one YAML document, found {len(file.docs)}",
            hint="split the documents or point the helm target at the right file",
        )
    top = file.docs[0] if file.docs else None
    empty = isinstance(top, ScalarNode) and top.tag == yamlnodes.NULL
    if top is not None and not isinstance(top, MappingNode) and not empty:
        raise ManifestError(f"{file.name}: a Helm values file must be a mapping at the top")
    if target.digest_key:
        tag_value = ref.tag or ""
        _set_helm(plan, target, target.key, tag_value, app, ref)
        _set_helm(plan, target, target.digest_key, ref.digest or "", app, ref)
    else:
        _set_helm(plan, target, target.key, ref.version, app, ref)


def _set_helm(
    plan: FilePlan, target: Target, key: str, value: str, app: App, ref: ImageRef
) -> None:
    file = plan.file
    path: KeyPath = tuple(key.split("."))
    root = file.docs[0] if file.docs else None
    chain: list[Node] = []
    node: Node | None = root
    for step in path:
        if node is None or not isinstance(node, MappingNode):
            node = None
            break
        node = yamlnodes.get(node, str(step))
        if node is not None:
            chain.append(node)
    if node is None:
        if value == "":
            return
        plan.splices.append(file.insert_path(0, path, value))
        plan.expects.append(Expect(0, path, "set", value))
        plan.edits.append(
            Edit(
                file.name,
                file.line(root) if root is not None else 1,
                None,
                value,
                target.label,
                key,
                None,
                app.image + ref.suffix,
            )
        )
        return
    if not isinstance(node, ScalarNode):
        shape = "list" if isinstance(node, SequenceNode) else "mapping"
        raise ManifestError(
            f"{file.where(node)}: {key} is a {shape}, not a single value",
            hint=f"point `key:` of the helm target at the tag itself, e.g. {key}.tag",
        )
    file.ensure_plain_path(0, chain, key)
    old = None if node.tag == yamlnodes.NULL else str(node.value)
    plan.change(
        0,
        path,
        node,
        value,
        Edit(
            file.name,
            file.line(node),
            old,
            value,
            target.label,
            key,
            f"{app.image}:{old}" if old else None,
            app.image + ref.suffix,
        ),
    )


# -- raw manifests -------------------------------------------------------------------------------

# The workloads whose container images are edited: every kind with a pod spec but a
# ReplicationController.
_IMAGE_KINDS = frozenset(POD_SPEC_PATHS) - {"ReplicationController"}


@dataclass(frozen=True)
class ContainerImage:
    doc: int
    path: KeyPath
    node: ScalarNode
    chain: tuple[Node, ...]
    container: str | None
    resource: str


def find_container_images(file: YamlFile) -> Iterator[ContainerImage]:
    """Every container/initContainer `image:` scalar in the workloads of a manifest file."""
    for doc_index, doc in enumerate(file.docs):
        kind = yamlnodes.scalar_str(yamlnodes.get(doc, "kind"))
        api = yamlnodes.scalar_str(yamlnodes.get(doc, "apiVersion")) or ""
        spec_path = pod_spec_path(kind, api, _IMAGE_KINDS)
        if spec_path is None:
            continue
        pod_spec = yamlnodes.walk(doc, spec_path)
        if pod_spec is None:
            continue
        name = yamlnodes.scalar_str(yamlnodes.walk(doc, ("metadata", "name"))) or "?"
        for list_key in CONTAINER_LISTS:
            containers = yamlnodes.get(pod_spec, list_key)
            if not isinstance(containers, SequenceNode):
                continue
            for i, container in enumerate(containers.value):
                image = yamlnodes.get(container, "image")
                if isinstance(image, ScalarNode) and image.tag != yamlnodes.NULL:
                    yield ContainerImage(
                        doc=doc_index,
                        path=(*spec_path, list_key, i, "image"),
                        node=image,
                        chain=(containers, container, image),
                        container=yamlnodes.scalar_str(yamlnodes.get(container, "name")),
                        resource=f"{kind}/{name}",
                    )


def plan_manifest(plan: FilePlan, target: Target, app: App, ref: ImageRef) -> int:
    """Edit every matching container image in one manifest file; returns how many matched."""
    file = plan.file
    matched = 0
    for found in find_container_images(file):
        if target.container and found.container != target.container:
            continue
        current = str(found.node.value)
        try:
            old_ref = parse(current, require_version=False)
        except ImageRefError:
            continue
        if not old_ref.same_repository(app.image):
            continue
        matched += 1
        file.ensure_plain_path(found.doc, list(found.chain), f"the image of {found.resource}")
        # Keep the repository exactly as the file spells it; replace only tag and digest.
        new_value = old_ref.repository + ref.suffix
        key = f"{found.resource}/{found.container or '?'}"
        plan.change(
            found.doc,
            found.path,
            found.node,
            new_value,
            Edit(
                file.name,
                file.line(found.node),
                current,
                new_value,
                target.label,
                key,
                current,
                new_value,
            ),
        )
    return matched


def describe_images(file: YamlFile) -> str:
    seen = sorted({f"{c.container}={c.node.value}" for c in find_container_images(file)})
    return ", ".join(seen) if seen else "no container images"
