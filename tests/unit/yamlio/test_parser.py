"""One parser front end: both readings compose the same way and report the same syntax error,
each in its own words."""

from __future__ import annotations

import pytest

from gitops_release.errors import ConfigError
from gitops_release.yamlio import godocs, nodes

HINT = "fix the YAML syntax at that position (check indentation, quotes and colons)"


def test_a_syntax_error_names_the_place_in_each_reading() -> None:
    text = "a: 1\nb: [\n"
    with pytest.raises(ConfigError) as raised:
        nodes.compose_all(text, source="c.yaml", error=ConfigError)
    assert raised.value.message == (
        "c.yaml:3:1: not valid YAML: did not find expected node content (while parsing a flow node)"
    )
    assert raised.value.hint == HINT
    error = godocs.compose_documents(text, line_offset=10).error
    assert error is not None
    assert str(error) == "line 13: while parsing a flow node: did not find expected node content"
    assert error.located("c.yaml") == (
        "c.yaml:13:1: not valid YAML: "
        "did not find expected node content (while parsing a flow node)"
    )


@pytest.mark.parametrize("text", ["a: {image: busybox:1.36}\n", "args: [--addr=0.0.0.0:8080]\n"])
def test_a_colon_in_a_flow_collection_is_read_as_yaml_1_2_reads_it(text: str) -> None:
    (doc,) = nodes.compose_all(text, source="f.yaml")
    assert nodes.to_python(doc) == godocs.load_one(text)


def test_when_the_retry_fails_too_each_reading_keeps_its_error() -> None:
    text = "a: {image: busybox:1.36}\n---\nb: [\n"
    with pytest.raises(ConfigError, match=r"f\.yaml:1:19: not valid YAML: found unexpected ':'"):
        nodes.compose_all(text, source="f.yaml", error=ConfigError)
    composed = godocs.compose_documents(text)  # the pure-Python reading got further: kept
    assert len(composed.nodes) == 1
    assert str(composed.error) == (
        "line 4: while parsing a flow node: expected the node content, but found '<stream end>'"
    )


def test_a_byte_order_mark_counts_in_the_offsets() -> None:
    (doc,) = nodes.compose_all("\ufeffa: b\n", source="bom.yaml")
    value = nodes.get(doc, "a")
    assert value is not None
    assert value.start_mark.index == 4
