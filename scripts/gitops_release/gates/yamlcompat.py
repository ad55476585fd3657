"""YAML loading that reads scalars the way the Go tools do.

Pluto and Polaris decode manifests with `gopkg.in/yaml.v3` (YAML 1.2-like: `yes`/`on` stay
strings, timestamps stay strings, `010` is still octal), while Polaris reads its config, Pods and
rendered check schemas through `sigs.k8s.io/yaml` (yaml.v2: `yes`/`on`/`y` are booleans).
Python's YAML libraries follow neither exactly, and the difference decides check verdicts
(a label value re-parsed as a boolean no longer matches), so plain scalars are resolved here with
the Go rules. ruamel.yaml does the parsing (its C parser when `ruamel.yaml.clib` is installed).

Documents are built from the composed node trees directly when the trees hold nothing but
untagged scalars, sequences and mappings (rendered manifests), and by ruamel's constructor with
the same rules otherwise; both give the same values (tests compare them). The node trees are not
changed by that, so a file composed once can serve the deprecated-API gate (which reads the
nodes) and the Polaris gate (which reads the documents).
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

from gitops_release.yamlnodes import is_flow_colon_error

Flavour = Literal["v3", "v2"]
Duplicates = Literal["error", "last"]

_PLAIN_TAG = "tag:gitops-release,2024:plain"
_MERGE_TAG = "tag:yaml.org,2002:merge"

_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_GO_INT = re.compile(r"[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)")
_PLAIN = Tag(suffix=_PLAIN_TAG)
_MERGE = Tag(suffix=_MERGE_TAG)
_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1

_COMMON: dict[str, Any] = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    ".nan": math.nan,
    ".NaN": math.nan,
    ".NAN": math.nan,
    ".inf": math.inf,
    ".Inf": math.inf,
    ".INF": math.inf,
    "+.inf": math.inf,
    "+.Inf": math.inf,
    "+.INF": math.inf,
    "-.inf": -math.inf,
    "-.Inf": -math.inf,
    "-.INF": -math.inf,
}
_V2_ONLY: dict[str, Any] = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "off", "Off", "OFF"), False),
}
_TABLES: dict[str, dict[str, Any]] = {"v3": _COMMON, "v2": {**_COMMON, **_V2_ONLY}}


def _go_parse_int(text: str) -> int | None:
    """`strconv.ParseInt(text, 0, 64)` then ParseUint, as the Go resolvers try them."""
    if not _GO_INT.fullmatch(text):
        return None
    sign = -1 if text[0] == "-" else 1
    body = text.lstrip("+-").lower()
    if body.startswith("0x"):
        value = int(body[2:], 16)
    elif body.startswith("0o"):
        value = int(body[2:], 8)
    elif body.startswith("0b"):
        value = int(body[2:], 2)
    elif body.startswith("0") and len(body) > 1:
        value = int(body[1:], 8)
    else:
        value = int(body)
    value *= sign
    if _INT64_MIN <= value <= _UINT64_MAX:
        return value
    return None


def resolve_plain(text: str, flavour: Flavour = "v3") -> Any:
    """The value a Go YAML decoder gives an unquoted scalar when decoding into `interface{}`."""
    table = _TABLES[flavour]
    if text in table:
        return table[text]
    first = text[0]
    if first == ".":
        return _parse_float(text, text)
    if first.isdigit() or first in "+-":
        plain = text.replace("_", "")
        as_int = _go_parse_int(plain)
        if as_int is not None:
            return as_int
        if _YAML_STYLE_FLOAT.fullmatch(plain):
            return _parse_float(plain, text)
    return text


def _parse_float(text: str, original: str) -> Any:
    try:
        return float(text)
    except ValueError:
        return original


class _PlainResolver(VersionedResolver):
    """Tags every plain scalar for the Go-rules constructor; `<<` keeps its merge meaning."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            return _MERGE if value == "<<" else _PLAIN
        return super().resolve(kind, value, implicit)


def _stringify_key(key: Any) -> Any:
    if isinstance(key, str):
        return key
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int | float):
        return go_number_text(key)
    return key


def go_number_text(value: float) -> str:
    """Go's `%v` for a number: ints plainly; floats shortest, `e+06` from 1e6 and below 1e-4."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    if value == 0:
        return sign + "0"
    text = repr(abs(value))
    if "e" in text:
        mantissa, _, exp_text = text.partition("e")
        exponent = int(exp_text)
        digits = mantissa.replace(".", "")
    else:
        whole, _, frac = text.partition(".")
        frac = "" if frac == "0" else frac
        if whole != "0":
            exponent = len(whole) - 1
            digits = whole + frac
        else:
            stripped = frac.lstrip("0")
            exponent = -(len(frac) - len(stripped) + 1)
            digits = stripped
    digits = digits.rstrip("0") or "0"
    if exponent < -4 or exponent >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if exponent >= 0:
        whole = digits[: exponent + 1].ljust(exponent + 1, "0")
        frac = digits[exponent + 1 :]
    else:
        whole, frac = "0", "0" * (-exponent - 1) + digits
    return sign + whole + ("." + frac if frac else "")


class _GoConstructor(SafeConstructor):
    flavour: Flavour = "v3"

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:  # noqa: FBT001, FBT002
        mapping = super().construct_mapping(node, deep=deep)
        if all(isinstance(k, str) for k in mapping):
            return mapping
        return {_stringify_key(k): v for k, v in mapping.items()}


def _construct_plain(self: _GoConstructor, node: Any) -> Any:
    return resolve_plain(node.value, self.flavour)


def _construct_text(self: _GoConstructor, node: Any) -> Any:  # noqa: ARG001
    # Go keeps timestamps (and anything else it cannot place in interface{}) as the text.
    return node.value


def _construct_binary(self: _GoConstructor, node: Any) -> Any:  # noqa: ARG001
    try:
        return base64.b64decode("".join(node.value.split())).decode("utf-8", "replace")
    except ValueError:
        return node.value


def _construct_any(self: _GoConstructor, node: Any) -> Any:
    """Unknown tags (`!Ref`, `!foo`): Go decodes the node by its shape."""
    if isinstance(node, MappingNode):
        return _GoConstructor.construct_mapping(self, node, deep=True)
    if isinstance(node, SequenceNode):
        return self.construct_sequence(node, deep=True)
    return node.value


for _ctor in (_GoConstructor,):
    _ctor.add_constructor(_PLAIN_TAG, _construct_plain)
    _ctor.add_constructor(_MERGE_TAG, _construct_text)
    _ctor.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)
    _ctor.add_constructor("tag:yaml.org,2002:value", _construct_text)
    _ctor.add_constructor("tag:yaml.org,2002:binary", _construct_binary)
    _ctor.add_constructor(None, _construct_any)


class _GoConstructorV2(_GoConstructor):
    flavour: Flavour = "v2"


@dataclass(frozen=True)
class YamlSyntaxError(Exception):
    """A document that no YAML decoder would accept; `line` is 1-based when known."""

    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def _make(flavour: Flavour, *, pure: bool = False) -> YAML:
    yaml = YAML(typ="safe", pure=pure)
    yaml.Resolver = _PlainResolver
    yaml.Constructor = _GoConstructorV2 if flavour == "v2" else _GoConstructor
    yaml.allow_duplicate_keys = False
    return yaml


def _syntax_error(exc: YAMLError, line_offset: int) -> YamlSyntaxError:
    line = None
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if isinstance(exc, MarkedYAMLError) and mark is not None:
        line = mark.line + 1 + line_offset
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    text = f"{context}: {problem}" if context else str(problem)
    return YamlSyntaxError(text.strip(), line)


class _Unusual(Exception):
    """A node the direct construction below leaves to ruamel's constructor."""


_IN_PROGRESS = object()
_MISSING = object()
_STR = VersionedResolver.DEFAULT_SCALAR_TAG
_SEQ = VersionedResolver.DEFAULT_SEQUENCE_TAG
_MAP = VersionedResolver.DEFAULT_MAPPING_TAG


def _construct_fast(
    node: Node,
    table: dict[str, Any],
    flavour: Flavour,
    memo: dict[int, Any],
    last_wins: bool = False,  # noqa: FBT001, FBT002 - positional in this hot recursion
) -> Any:
    """What `_GoConstructor.construct_document` gives for a node tree made only of untagged
    scalars, sequences and mappings with scalar keys (what rendered manifests are); anything
    else (tags, merge keys, duplicate keys, complex keys, recursive aliases) raises _Unusual.

    Tags are compared by identity: the resolver hands out these Tag objects for every untagged
    node, and the composer keeps them. Aliased nodes give the same object, as in ruamel.
    """
    cls = node.__class__
    if cls is ScalarNode:
        return _scalar_fast(node, table, flavour)
    key = id(node)
    done = memo.get(key, _IN_PROGRESS)
    if done is not _IN_PROGRESS:
        return done
    if key in memo:
        raise _Unusual  # a collection that contains itself
    memo[key] = _IN_PROGRESS
    result: Any
    if cls is MappingNode and node.ctag is _MAP:
        mapping: dict[Any, Any] = {}
        str_keys = True
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                raise _Unusual
            name = _scalar_fast(key_node, table, flavour)  # `<<` (a merge) raises
            if name in mapping:
                _repeated(mapping, name, last_wins=last_wins)
            if name.__class__ is not str:
                str_keys = False
            if value_node.__class__ is ScalarNode:
                mapping[name] = _scalar_fast(value_node, table, flavour)
            else:
                mapping[name] = _construct_fast(value_node, table, flavour, memo, last_wins)
        result = mapping if str_keys else {_stringify_key(k): v for k, v in mapping.items()}
    elif cls is SequenceNode and node.ctag is _SEQ:
        result = [_construct_fast(child, table, flavour, memo, last_wins) for child in node.value]
    else:
        raise _Unusual
    memo[key] = result
    return result


def _repeated(mapping: dict[Any, Any], name: Any, *, last_wins: bool) -> None:
    if not last_wins:
        raise _Unusual  # ruamel reports duplicate keys
    del mapping[name]  # yaml.v2, non-strict: the last value is the one used


def _scalar_fast(node: Node, table: dict[str, Any], flavour: Flavour) -> Any:
    ctag = node.ctag
    if ctag is _PLAIN:
        value = node.value
        found = table.get(value, _MISSING)
        if found is not _MISSING:
            return found
        first = value[0]  # "" is in the table
        if first in "+-." or first.isdigit():
            return resolve_plain(value, flavour)
        return value  # what resolve_plain gives any other text
    if ctag is _STR:
        return node.value
    raise _Unusual


def _construct_all(
    nodes: list[Node | None], flavour: Flavour, *, last_wins: bool = False
) -> list[Any]:
    """Documents for composed nodes (None stays None); raises _Unusual as `_construct_fast`."""
    table = _TABLES[flavour]
    try:
        return [
            None if node is None else _construct_fast(node, table, flavour, {}, last_wins)
            for node in nodes
        ]
    except RecursionError:
        raise _Unusual from None


@dataclass(frozen=True)
class Composed:
    """A stream's node trees (with source lines and the scalars' original text) and the syntax
    error that ended it early, if any. Constructing documents from them changes nothing in the
    nodes, so one composition can serve several readings."""

    nodes: list[Node | None]
    error: YamlSyntaxError | None


@lru_cache(maxsize=1)
def _c_loader_class() -> Any:
    """ruamel's combined C reader/scanner/parser class with this module's resolver, or None
    without the C extension. `YAML.get_constructor_parser` builds that class (and the YAML
    object scans for plug-ins) on every call; the class depends on nothing but the settings
    of `_make`, so one is kept and instantiated per text."""
    loader, parser = _make("v3").get_constructor_parser("")
    parser.dispose()
    if loader is not parser:
        return None
    vars(loader).clear()  # see compose_documents
    return type(loader)


def _parser_for(text: str) -> tuple[Any, Any]:
    cls = _c_loader_class()
    if cls is None:
        constructor, parser = _make("v3").get_constructor_parser(text)
        return constructor, parser
    loader = cls(text)
    return loader, loader


def compose_documents(text: str, *, line_offset: int = 0) -> Composed:
    """Every document's node tree up to the first syntax error, and that error (or None).

    ruamel's C scanner rejects a plain scalar holding `:` inside a flow collection
    (`{image: busybox:1.36}`, `[--addr=0.0.0.0:8080]`), which YAML 1.2, yaml.v2/v3 and kubectl
    accept; the pure-Python scanner (slower, used only then) reads it as they do.
    """
    composed = _compose(text, line_offset, *_parser_for(text))
    if composed.error is None or _c_loader_class() is None:
        return composed
    if not is_flow_colon_error(composed.error.message):
        return composed
    constructor, parser = _make("v3", pure=True).get_constructor_parser(text)
    retried = _compose(text, line_offset, constructor, parser)
    if retried.error is None or len(retried.nodes) > len(composed.nodes):
        return retried
    return composed


def _compose(text: str, line_offset: int, constructor: Any, parser: Any) -> Composed:
    del text  # the parser holds it
    nodes: list[Node | None] = []
    composer = constructor.composer
    try:
        while composer.check_node():
            nodes.append(composer.get_node())
    except YAMLError as exc:
        return Composed(nodes, _syntax_error(exc, line_offset))
    except (ValueError, TypeError, RecursionError) as exc:
        return Composed(nodes, YamlSyntaxError(f"cannot decode YAML: {exc}"))
    finally:
        parser.dispose()
        if constructor is parser:
            # The combined loader refers to itself (as its own parser, composer, constructor
            # and resolver); dropping those references frees it, and the C parser's buffers,
            # now rather than at the next garbage collection.
            vars(parser).clear()
    return Composed(nodes, None)


def load_all(text: str, flavour: Flavour = "v3", *, line_offset: int = 0) -> list[Any]:
    """Every document of a stream; raises YamlSyntaxError (line numbers shifted by offset)."""
    composed = compose_documents(text, line_offset=line_offset)
    try:
        docs = _construct_all(composed.nodes, flavour)
    except _Unusual:
        return _load_all_slow(text, flavour, line_offset)
    if composed.error is not None:
        raise composed.error
    return docs


def _load_all_slow(text: str, flavour: Flavour, line_offset: int) -> list[Any]:
    try:
        return list(_make(flavour).load_all(text))
    except YAMLError as exc:
        if not is_flow_colon_error(str(exc)):
            raise _syntax_error(exc, line_offset) from None
        try:  # see compose_documents: the pure scanner reads what the C one refuses
            return list(_make(flavour, pure=True).load_all(text))
        except YAMLError:
            raise _syntax_error(exc, line_offset) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise YamlSyntaxError(f"cannot decode YAML: {exc}") from None


def load_one(text: str, flavour: Flavour = "v3", *, line_offset: int = 0) -> Any:
    """The first document (None when empty)."""
    docs = load_all(text, flavour, line_offset=line_offset)
    return docs[0] if docs else None


def compose_all(text: str) -> Iterator[Node | None]:
    """Node trees (with source lines and the scalars' original text), one per document."""
    composed = compose_documents(text)
    yield from composed.nodes
    if composed.error is not None:
        raise composed.error


def scalar_text(node: Node) -> str | None:
    """What yaml.v3 stores in a Go `string` field: the scalar's text; null becomes ""."""
    if not isinstance(node, ScalarNode):
        return None
    ctag = node.ctag
    if ctag is _PLAIN:  # the common cases first, without building the tag's text
        return "" if node.value in _COMMON and _COMMON[node.value] is None else str(node.value)
    if ctag is _STR:
        return str(node.value)
    raw_tag: Any = node.tag
    tag = str(getattr(raw_tag, "value", raw_tag))
    if tag == _PLAIN_TAG and resolve_plain(node.value) is None:
        return ""
    if tag == "tag:yaml.org,2002:null":
        return ""
    return str(node.value)


def _drop_earlier_duplicates(node: Node, seen: set[int]) -> None:
    """Keep only the last of each repeated scalar key of every mapping (a fresh node tree)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, MappingNode):
        last = {k.value: i for i, (k, _) in enumerate(node.value) if isinstance(k, ScalarNode)}
        node.value = [
            (k, v)
            for i, (k, v) in enumerate(node.value)
            if not isinstance(k, ScalarNode) or last[k.value] == i
        ]
    if isinstance(node, MappingNode | SequenceNode):
        for child in node.value:
            for item in child if isinstance(child, tuple) else (child,):
                _drop_earlier_duplicates(item, seen)


def read_documents(
    text: str, composed: Composed | None = None, *, duplicates: Duplicates = "error"
) -> tuple[list[tuple[Any, int]], YamlSyntaxError | None]:
    """(document, 1-based start line) for each document before the first error, and that error:
    what `iter_documents` yields before it raises. `composed` (from `compose_documents(text)`)
    saves composing the text again. A duplicate mapping key is an error as in yaml.v3 (Pluto),
    or with `duplicates="last"` the last value is used, as yaml.v2's non-strict decoding does
    (Polaris, through sigs.k8s.io/yaml)."""
    if composed is None:
        composed = compose_documents(text)
    last_wins = duplicates == "last"
    try:
        docs = _construct_all(composed.nodes, "v3", last_wins=last_wins)
    except _Unusual:
        return _read_documents_slow(text, last_wins=last_wins)
    read = [
        (doc, node.start_mark.line + 1)
        for doc, node in zip(docs, composed.nodes, strict=True)
        if node is not None
    ]
    return read, composed.error


def _read_documents_slow(
    text: str, *, last_wins: bool = False
) -> tuple[list[tuple[Any, int]], YamlSyntaxError | None]:
    docs: list[tuple[Any, int]] = []
    try:
        for doc in _iter_documents_slow(text, "v3", last_wins=last_wins):
            docs.append(doc)
    except YamlSyntaxError as exc:
        return docs, exc
    return docs, None


def iter_documents(text: str, flavour: Flavour = "v3") -> Iterator[tuple[Any, int]]:
    """(document, 1-based start line) for each document; a syntax error raises where it occurs,
    after the documents before it were yielded."""
    if flavour == "v3":
        docs, error = read_documents(text)
        yield from docs
        if error is not None:
            raise error
        return
    yield from _iter_documents_slow(text, flavour)


def _iter_documents_slow(
    text: str, flavour: Flavour, *, last_wins: bool = False
) -> Iterator[tuple[Any, int]]:
    yaml = _make(flavour)
    constructor, parser = yaml.get_constructor_parser(text)
    composer = constructor.composer
    try:
        while composer.check_node():
            node = composer.get_node()
            if node is None:
                continue
            if last_wins:
                _drop_earlier_duplicates(node, set())
            yield constructor.construct_document(node), node.start_mark.line + 1
    except YAMLError as exc:
        raise _syntax_error(exc, 0) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise YamlSyntaxError(f"cannot decode YAML: {exc}") from None
    finally:
        parser.dispose()
