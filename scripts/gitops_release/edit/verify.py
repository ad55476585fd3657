"""Re-parse every edited file and prove the edit did exactly what was planned and nothing else."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Sequence
from typing import Any

from ruamel.yaml.nodes import Node

from gitops_release.edit.model import Expect, Splice
from gitops_release.errors import ManifestError
from gitops_release.yamlio import nodes as yamlnodes


def apply_splices(text: str, splices: Sequence[Splice]) -> str:
    ordered = sorted(splices, key=lambda s: (s.start, s.end))
    for before, after in itertools.pairwise(ordered):
        if after.start < before.end:
            raise ManifestError("internal error: overlapping edits planned; nothing was written")
    out: list[str] = []
    pos = 0
    for splice in ordered:
        out.append(text[pos : splice.start])
        out.append(splice.text)
        pos = splice.end
    out.append(text[pos:])
    return "".join(out)


def verify(
    name: str,
    docs: Sequence[Node],
    old_text: str,
    splices: Sequence[Splice],
    expects: Sequence[Expect],
) -> None:
    """Check each touched document of the new text parses to the old data plus the expectations.

    Only the documents a splice touches are re-parsed: a one-line scalar splice cannot move a
    document boundary, so the others are byte-identical.
    """
    touched = sorted({e.doc for e in expects})
    for doc_index in touched:
        if doc_index < len(docs):
            start, end = _doc_span(old_text, docs[doc_index])
            inner = [s for s in splices if start <= s.start and s.end <= end]
            outside = [s for s in splices if s not in inner and s.start < end and s.end > start]
            if outside:
                _verify_whole(name, docs, old_text, splices, expects)
                return
            old_data = yamlnodes.to_python(docs[doc_index])
            shifted = [Splice(s.start - start, s.end - start, s.text) for s in inner]
            new_text = apply_splices(old_text[start:end], shifted)
        else:
            old_data = None
            new_text = apply_splices(old_text, splices)
        new_docs = yamlnodes.compose_all(new_text, source=name, error=ManifestError)
        if len(new_docs) != 1:
            _verify_whole(name, docs, old_text, splices, expects)
            return
        expected = _expected(old_data, [e for e in expects if e.doc == doc_index])
        actual = yamlnodes.to_python(new_docs[0])
        if actual != expected:
            raise _mismatch(name)


def _verify_whole(
    name: str,
    docs: Sequence[Node],
    old_text: str,
    splices: Sequence[Splice],
    expects: Sequence[Expect],
) -> None:
    new_docs = yamlnodes.compose_all(
        apply_splices(old_text, splices), source=name, error=ManifestError
    )
    old_data = [yamlnodes.to_python(d) for d in docs]
    new_data = [yamlnodes.to_python(d) for d in new_docs]
    if not old_data and expects:
        old_data = [None]
    for index in range(len(old_data)):
        old_data[index] = _expected(old_data[index], [e for e in expects if e.doc == index])
    if new_data != old_data:
        raise _mismatch(name)


def _doc_span(text: str, doc: Node) -> tuple[int, int]:
    # From the start of the document's first line, so indentation is kept.
    start = text.rfind("\n", 0, doc.start_mark.index) + 1
    return start, doc.end_mark.index


def _expected(data: Any, expects: Sequence[Expect]) -> Any:
    result = copy.deepcopy(data)
    for expect in expects:
        result = _apply(result, list(expect.path), expect)
    return result


def _apply(data: Any, path: list[str | int], expect: Expect) -> Any:
    if not path:
        if expect.op == "append":
            return [*(data or []), expect.value]
        return expect.value
    head, rest = path[0], path[1:]
    container: Any = {} if data is None else data
    if expect.op == "delete" and not rest:
        del container[head]
        return container
    child = container[head] if _has(container, head) else None
    container[head] = _apply(child, rest, expect)
    return container


def _has(container: Any, key: str | int) -> bool:
    if isinstance(container, dict):
        return key in container
    return isinstance(key, int) and key < len(container)


def _mismatch(name: str) -> ManifestError:
    return ManifestError(
        f"{name}: the edit did not re-parse to the expected document; nothing was written",
        hint="this is a bug in gitops-release: please report it with the file's content",
    )
