"""The one YAML parser front end: ruamel.yaml composing a stream into node trees.

The C parser from `ruamel.yaml.clib` is used when installed, the pure-Python one otherwise. The C
scanner rejects a plain scalar holding `:` inside a flow collection (`{image: busybox:1.36}`,
`[--addr=0.0.0.0:8080]`), which YAML 1.2, yaml.v2/v3 and kubectl accept; the pure-Python scanner
(slower, used only then) reads it as they do, so such a stream is composed again with it.

How plain scalars are tagged is the caller's: each view passes its resolver class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import Node
from ruamel.yaml.resolver import BaseResolver

from gitops_release.yamlio.errors import YamlSyntaxError, decode_error, syntax_error

Resolver = type[BaseResolver]


def new_yaml(resolver: Resolver, constructor: Any = None, *, pure: bool = False) -> YAML:
    """A fresh `YAML(typ="safe")` with `resolver` (and `constructor`, when given); duplicate
    mapping keys are an error when constructing. A fresh one per use: ruamel.yaml's YAML objects
    are not thread-safe."""
    yaml = YAML(typ="safe", pure=pure)
    yaml.Resolver = resolver
    if constructor is not None:
        yaml.Constructor = constructor
    yaml.allow_duplicate_keys = False
    return yaml


def is_flow_colon_error(message: str) -> bool:
    """Whether ruamel's C scanner refused a plain scalar holding `:` inside a flow collection
    (`{image: busybox:1.36}`, `[--addr=0.0.0.0:8080]`), which YAML 1.2, yaml.v2/v3 and kubectl
    accept: the pure-Python scanner (slower, used only then) reads it as they do."""
    return "while scanning a plain scalar" in message and "found unexpected ':'" in message


@dataclass(frozen=True)
class Composed:
    """A stream's node trees (with source lines and the scalars' original text) and the syntax
    error that ended it early, if any. Constructing documents from them changes nothing in the
    nodes, so one composition can serve several readings."""

    nodes: list[Node | None]
    error: YamlSyntaxError | None


_C_LOADERS: dict[Resolver, Any] = {}


def _c_loader_class(resolver: Resolver) -> Any:
    """ruamel's combined C reader/scanner/parser class with `resolver`, or None without the C
    extension. `YAML.get_constructor_parser` builds that class (and the YAML object scans for
    plug-ins) on every call; the class depends on nothing but the settings of `new_yaml`, so one
    is kept per resolver and instantiated per text."""
    if resolver in _C_LOADERS:
        return _C_LOADERS[resolver]
    loader, parser = new_yaml(resolver).get_constructor_parser("")
    parser.dispose()
    cls = None
    if loader is parser:
        vars(loader).clear()  # see _compose_once
        cls = type(loader)
    _C_LOADERS[resolver] = cls
    return cls


def compose(
    text: str,
    resolver: Resolver,
    *,
    line_offset: int = 0,
    pure: bool = False,
    after_retry: Literal["furthest", "first"] = "furthest",
) -> Composed:
    """Every document's node tree up to the first syntax error, and that error (or None); line
    numbers in the error are shifted by `line_offset`.

    A stream the C scanner refuses for a colon in a flow collection is composed again with the
    pure-Python scanner. When that fails too, `after_retry` says which reading is kept: the one
    that got further ("furthest"), or the first one ("first", its error names the colon).
    """
    composed = _compose_once(text, resolver, line_offset, pure=pure)
    if composed.error is None or pure or _c_loader_class(resolver) is None:
        return composed
    if not is_flow_colon_error(composed.error.message):
        return composed
    retried = _compose_once(text, resolver, line_offset, pure=True)
    if retried.error is None:
        return retried
    if after_retry == "furthest" and len(retried.nodes) > len(composed.nodes):
        return retried
    return composed


def _compose_once(text: str, resolver: Resolver, line_offset: int, *, pure: bool) -> Composed:
    cls = None if pure else _c_loader_class(resolver)
    if cls is None:
        constructor, parser = new_yaml(resolver, pure=pure).get_constructor_parser(text)
    else:
        constructor = parser = cls(text)
    nodes: list[Node | None] = []
    composer = constructor.composer
    try:
        while composer.check_node():
            nodes.append(composer.get_node())
    except YAMLError as exc:
        return Composed(nodes, syntax_error(exc, line_offset))
    except (ValueError, TypeError, RecursionError) as exc:
        return Composed(nodes, decode_error(exc))
    finally:
        parser.dispose()
        if constructor is parser:
            # The combined loader refers to itself (as its own parser, composer, constructor
            # and resolver); dropping those references frees it, and the C parser's buffers,
            # now rather than at the next garbage collection.
            vars(parser).clear()
    return Composed(nodes, None)
