"""Rendering kustomizations with the real kustomize (`kustomize build` / `kubectl kustomize`).

Most of the cost of one render is starting the kustomize process, so roots that can safely share
one build are rendered together (`render_batch`): a generated kustomization includes each root
through a wrapper that labels its resources, and the output is split by that label. A root's
share of a batch is only used when it cannot have been influenced by the other roots (see
`batchable` and `_independent`); anything unexpected falls back to rendering roots one by one.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gitops_release.errors import RenderError
from gitops_release.render import tools
from gitops_release.render.model import RenderRoot

BATCH_LABEL = "gitops-release.io/batch-root"
_LABEL_LINE = re.compile(rf"    {re.escape(BATCH_LABEL)}: ['\"]?(r\d+)['\"]?")
# Fields whose effect is resolved at the top of a build (vars, origin annotations) or that need
# extra flags (Helm): roots using them are always rendered alone.
_UNBATCHABLE = frozenset({"vars", "buildMetadata", "helmCharts", "helmChartInflationGenerator"})
_HELM_FEATURES = frozenset({"helmCharts", "helmChartInflationGenerator"})


@dataclass(frozen=True)
class BatchOutcome:
    texts: dict[str, str]  # root key → rendered text
    retry: tuple[RenderRoot, ...]  # roots to render alone


class KustomizeRenderer:
    """Renders one kustomization root."""

    kind = "kustomize"

    def render(self, root: RenderRoot, checkout: Path, *, timeout: float, scratch: Path) -> str:
        target = checkout / root.path
        if root.images:
            target = _wrapper(scratch / f"images-{uuid.uuid4().hex[:8]}", target, root, None)
        return build(target, root, timeout=timeout, features=root.features, scratch=scratch)


def build(
    target: Path, root: RenderRoot, *, timeout: float, features: frozenset[str], scratch: Path
) -> str:
    """Run kustomize on one directory; failures and timeouts raise `RenderError`."""
    args = [*tools.kustomize_command(), str(target)]
    if features & _HELM_FEATURES:
        helm = tools.helm_binary()
        if helm is None:
            raise RenderError(
                f"{root.path}: uses helmCharts, which kustomize renders with a `helm` binary; "
                "none is installed",
                hint="install helm, or render the chart as an Argo CD Helm source instead",
            )
        args += ["--enable-helm", "--helm-command", helm]
    result = tools.run_tool(args, what=root.path or ".", timeout=timeout, scratch=scratch)
    if result.returncode != 0:
        why = tools.error_text(result.err.strip().removeprefix("Error: "))
        raise RenderError(f"kustomize build {root.path or '.'} failed: {why}")
    return result.out


def _wrapper(directory: Path, target: Path, root: RenderRoot, label: str | None) -> Path:
    """A kustomization that includes `target` (relative path: kustomize rejects absolute ones)."""
    directory.mkdir(parents=True, exist_ok=True)
    data: dict[str, object] = {"resources": [os.path.relpath(target, directory)]}
    if root.images:
        data["images"] = [parse_image_override(i) for i in root.images]
    if label is not None:
        data["labels"] = [{"pairs": {BATCH_LABEL: label}}]
    # JSON is YAML, and json.dumps quotes every string safely.
    (directory / "kustomization.yaml").write_text(json.dumps(data, indent=1), encoding="utf-8")
    return directory


def parse_image_override(text: str) -> dict[str, str]:
    """An Argo CD `kustomize.images` entry (`[old=]name[:tag][@digest]`) as a kustomize image."""
    old, _, new = text.rpartition("=")
    image, _, digest = new.partition("@")
    slash = image.rfind("/")
    colon = image.rfind(":")
    name, tag = (image[:colon], image[colon + 1 :]) if colon > slash else (image, "")
    entry = {"name": old or name}
    if old and name != old:
        entry["newName"] = name
    if tag:
        entry["newTag"] = tag
    if digest:
        entry["digest"] = digest
    return entry


def batchable(root: RenderRoot) -> bool:
    """Whether a root may share a build: a plain local kustomization that sets its namespace."""
    return (
        root.kind == "kustomize"
        and not root.remote
        and not root.problems
        and not root.escaping_links
        and root.namespace is not None
        and not (root.features & _UNBATCHABLE)
    )


def plan_batches(roots: Sequence[RenderRoot], size: int) -> list[tuple[RenderRoot, ...]]:
    """Group batchable roots into batches of at most `size`, never two with one namespace.

    Two roots that put resources into the same namespace could collide (the same generated
    ConfigMap name fails the whole build) or rewrite each other's name references.
    """
    batches: list[list[RenderRoot]] = []
    namespaces: list[set[str | None]] = []
    for root in roots:
        for batch, used in zip(batches, namespaces, strict=True):
            if len(batch) < size and root.namespace not in used:
                batch.append(root)
                used.add(root.namespace)
                break
        else:
            batches.append([root])
            namespaces.append({root.namespace})
    return [tuple(b) for b in batches]


def render_batch(
    roots: Sequence[RenderRoot], checkout: Path, *, timeout: float, scratch: Path
) -> BatchOutcome:
    """Render several roots with one kustomize process; see the module docstring."""
    directory = scratch / f"batch-{uuid.uuid4().hex[:8]}"
    labels = {f"r{i}": root for i, root in enumerate(roots)}
    for label, root in labels.items():
        _wrapper(directory / label, checkout / root.path, root, label)
    directory.mkdir(parents=True, exist_ok=True)
    top = {"resources": sorted(labels)}
    (directory / "kustomization.yaml").write_text(json.dumps(top), encoding="utf-8")
    probe = RenderRoot(key="batch", name="batch", kind="kustomize", path=str(directory))
    try:
        output = build(directory, probe, timeout=timeout, features=frozenset(), scratch=scratch)
    except RenderError:
        return BatchOutcome({}, tuple(roots))
    split = split_batch_output(output)
    if split is None or not set(split) <= set(labels):
        return BatchOutcome({}, tuple(roots))
    accepted = _independent(split)
    texts = {labels[label].key: "".join(split[label].docs) for label in accepted}
    retry = tuple(root for label, root in labels.items() if label not in accepted)
    return BatchOutcome(texts, retry)


@dataclass
class _Share:
    docs: list[str]
    namespaces: set[str]


def _independent(split: dict[str, _Share]) -> set[str]:
    """Labels whose resources all live in namespaces no other root of the batch uses.

    kustomize fixes name references (hash suffixes, prefixes) across everything it built, but
    only between resources of the same namespace; disjoint namespaces keep roots apart.
    """
    owners: dict[str, set[str]] = {}
    for label, share in split.items():
        for namespace in share.namespaces:
            owners.setdefault(namespace, set()).add(label)
    return {
        label
        for label, share in split.items()
        if "" not in share.namespaces and all(owners[ns] == {label} for ns in share.namespaces)
    }


def split_batch_output(output: str) -> dict[str, _Share] | None:
    """Split a batch build by the wrapper label and remove the label again (None: unexpected)."""
    shares: dict[str, _Share] = {}
    for doc in _documents(output):
        found = _unlabel(doc)
        if found is None:
            return None
        label, text, namespace = found
        share = shares.setdefault(label, _Share([], set()))
        share.docs.append(("---\n" if share.docs else "") + text)
        share.namespaces.add(namespace)
    return shares


def _documents(output: str) -> list[str]:
    docs: list[str] = []
    current: list[str] = []
    for line in output.splitlines(keepends=True):
        if line.rstrip("\n") == "---":
            docs.append("".join(current))
            current = []
        else:
            current.append(line)
    docs.append("".join(current))
    return [d for d in docs if d.strip()]


def _unlabel(doc: str) -> tuple[str, str, str] | None:
    """(label, document without the label, namespace) for one document of kustomize's output."""
    lines = doc.splitlines(keepends=True)
    section = ""
    sub = ""
    label_at = labels_at = -1
    label = namespace = ""
    entries = 0
    for i, line in enumerate(lines):
        bare = line.rstrip("\n")
        if bare and not bare.startswith(" "):
            section, sub = bare, ""
        elif section == "metadata:" and bare.startswith("  ") and bare[2:3] not in (" ", ""):
            sub = bare
            if bare == "  labels:":
                labels_at = i
            elif bare.startswith("  namespace: "):
                namespace = bare.removeprefix("  namespace: ").strip("'\"")
        elif sub == "  labels:" and bare.startswith("    ") and bare[4:5] != " ":
            entries += 1
            match = _LABEL_LINE.fullmatch(bare)
            if match:
                if label_at >= 0:
                    return None
                label_at, label = i, match.group(1)
    if label_at < 0:
        return None
    drop = {label_at} | ({labels_at} if entries == 1 else set())
    return label, "".join(x for i, x in enumerate(lines) if i not in drop), namespace
