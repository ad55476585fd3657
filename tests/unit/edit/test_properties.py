"""Property: whatever the surrounding YAML looks like, only the target line changes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_release.yamlio import nodes as yamlnodes
from tests.unit.edit.helpers import edit

TAG = st.from_regex(r"\A[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}\Z")
KEY = st.from_regex(r"\A[a-z][a-zA-Z0-9_]{0,8}\Z").filter(lambda k: k not in ("image", "tag"))
COMMENT = st.one_of(st.just(""), st.from_regex(r"\A  # [ -~]{0,20}\Z"))
QUOTE = st.sampled_from(["", "'", '"'])
PLAIN_SCALAR = st.from_regex(r"\A[a-z][a-z0-9 ]{0,12}[a-z0-9]\Z")
NEWLINE = st.sampled_from(["\n", "\r\n"])


@st.composite
def values_file(draw: st.DrawFn) -> tuple[str, int]:
    """A values file with random siblings around `image.tag`; returns (text, tag line index)."""
    nl = draw(NEWLINE)
    indent = " " * draw(st.sampled_from([2, 4]))
    lines: list[str] = []
    lines += [f"# {draw(PLAIN_SCALAR)}"] * draw(st.integers(0, 1))
    for key in draw(st.lists(KEY, max_size=3, unique=True)):
        lines.append(f"{key}: {draw(PLAIN_SCALAR)}{draw(COMMENT)}")
    lines.append("image:" + draw(COMMENT))
    siblings = draw(st.lists(KEY, max_size=3, unique=True))
    before = draw(st.integers(0, len(siblings)))
    for key in siblings[:before]:
        lines.append(f"{indent}{key}: {draw(PLAIN_SCALAR)}{draw(COMMENT)}")
        if draw(st.booleans()):
            lines.append("")
    quote = draw(QUOTE)
    old = draw(TAG)
    tag_line = len(lines)
    lines.append(f"{indent}tag: {quote}{old}{quote}{draw(COMMENT)}")
    for key in siblings[before:]:
        lines.append(f"{indent}{key}: {draw(PLAIN_SCALAR)}{draw(COMMENT)}")
    lines.append(f"tail: {draw(PLAIN_SCALAR)}")
    text = nl.join(lines) + nl
    # Only keep files where the old tag reads back as a string (otherwise the engine refuses).
    doc = yamlnodes.to_python(yamlnodes.compose_all(text, source="x")[0])
    if not isinstance(doc["image"]["tag"], str):
        text = text.replace(f"tag: {old}", f'tag: "{old}"', 1)
    return text, tag_line


@settings(max_examples=300, deadline=None)
@given(values_file(), TAG)
def test_only_the_tag_line_changes(file: tuple[str, int], new_tag: str) -> None:
    text, tag_line = file
    after = edit("helm", text, f"ghcr.io/acme/web:{new_tag}")
    old_lines = text.splitlines(keepends=True)
    new_lines = after.splitlines(keepends=True)
    assert len(old_lines) == len(new_lines)
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert changed in ([], [tag_line])
    if changed:
        # Within the line, only the value token differs: same prefix and suffix around it.
        a, b = old_lines[tag_line], new_lines[tag_line]
        assert a.split("tag:")[0] == b.split("tag:")[0]
        assert a.partition("#")[2] == b.partition("#")[2]  # the trailing comment is kept
        assert a[len(a.rstrip("\r\n")) :] == b[len(b.rstrip("\r\n")) :]
    doc = yamlnodes.to_python(yamlnodes.compose_all(after, source="x")[0])
    assert doc["image"]["tag"] == new_tag
    before_doc = yamlnodes.to_python(yamlnodes.compose_all(text, source="x")[0])
    before_doc["image"]["tag"] = new_tag
    assert doc == before_doc
