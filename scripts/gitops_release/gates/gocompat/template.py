"""The subset of Go `text/template` that Polaris check schemas use, with Go's semantics.

Polaris renders every check schema as a Go template before parsing it, and the verdicts depend on
Go's evaluation rules: a missing map key is "no value" (prints `<no value>`, is falsy, chains
silently) while an explicit null in the middle of a chain is an error; `eq` between different
basic kinds is an error; `and`/`or` short-circuit; `range` over a map visits sorted keys;
`print` only puts spaces between operands when neither is a string; floats print as `%v`.

Supported: text, comments, trim markers, `if`/`else if`/`else`, `range` (one or two variables,
`else`, `break`, `continue`), `with`, variables (`:=`, `=`), pipelines, parenthesised pipelines,
field chains, and the functions and, or, not, eq, ne, lt, le, gt, ge, index, len, print, printf,
println, hasPrefix, hasSuffix. Anything else (define/template/block, methods, html/js/urlquery,
slice, call, char constants) is rejected when the template is compiled, with a message saying so,
rather than being evaluated differently from Polaris.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gitops_release.yamlio.goscalars import go_number_text


class TemplateError(Exception):
    """A template that cannot be compiled, or that fails at run time like Go's would."""


class _Missing:
    """Go's invalid reflect.Value: a missing map key (prints `<no value>`)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


# --- lexing -----------------------------------------------------------------------------------

_ACTION_OPEN = "{{"
_ACTION_CLOSE = "}}"
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<declare>:=)
  | (?P<assign>=)
  | (?P<pipe>\|)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<char>'(?:[^'\\\n]|\\.)*')
  | (?P<number>[+-]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+
        |(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?)(?![A-Za-z0-9_.]))
  | (?P<variable>\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<field>(?:\.[A-Za-z_][A-Za-z0-9_]*)+)
  | (?P<dot>\.)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE,
)

_KEYWORDS = {"if", "else", "end", "range", "with", "break", "continue"}
_REJECTED_KEYWORDS = {"define", "template", "block"}


@dataclass(frozen=True)
class _Tok:
    kind: str
    value: str
    spaced: bool  # whitespace before this token


def _lex_action(body: str, line: int) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    spaced = True
    while pos < len(body):
        m = _TOKEN.match(body, pos)
        if m is None:
            raise TemplateError(f"line {line}: unexpected {body[pos]!r} in action {{{{{body}}}}}")
        kind = m.lastgroup or ""
        pos = m.end()
        if kind == "space":
            spaced = True
            continue
        if kind == "char":
            raise TemplateError(f"line {line}: character constants are not supported")
        tokens.append(_Tok(kind, m.group(), spaced))
        spaced = False
    return tokens


# --- syntax tree ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    names: tuple[str, ...]


@dataclass(frozen=True)
class _Variable:
    name: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class _Dot:
    pass


@dataclass(frozen=True)
class _Literal:
    value: Any


@dataclass(frozen=True)
class _Nil:
    pass


@dataclass(frozen=True)
class _Ident:
    name: str


@dataclass(frozen=True)
class _Chain:
    operand: Any
    names: tuple[str, ...]


@dataclass(frozen=True)
class _Command:
    args: tuple[Any, ...]


@dataclass(frozen=True)
class _Pipe:
    decls: tuple[str, ...]
    assign: bool  # `=` rather than `:=`
    commands: tuple[_Command, ...]
    line: int


@dataclass
class _Text:
    text: str


@dataclass(frozen=True)
class _Print:
    pipe: _Pipe


@dataclass
class _Branch:
    kind: str  # if | range | with
    pipe: _Pipe
    body: list[Any] = field(default_factory=list)
    otherwise: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class _LoopControl:
    kind: str  # break | continue
    line: int


FUNCTIONS = frozenset(
    {
        "and",
        "or",
        "not",
        "eq",
        "ne",
        "lt",
        "le",
        "gt",
        "ge",
        "index",
        "len",
        "print",
        "printf",
        "println",
        "hasPrefix",
        "hasSuffix",
    }
)
_REJECTED_FUNCTIONS = {"html", "js", "urlquery", "slice", "call"}


class _Parser:
    def __init__(self, tokens: list[_Tok], line: int) -> None:
        self.tokens = tokens
        self.pos = 0
        self.line = line

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise TemplateError(f"line {self.line}: unexpected end of action")
        self.pos += 1
        return tok

    def at_end(self) -> bool:
        return self.pos >= len(self.tokens)

    def pipeline(self, *, allow_decl: bool = True, allow_two: bool = False) -> _Pipe:
        decls: tuple[str, ...] = ()
        assign = False
        if allow_decl:
            decls, assign = self._decls(allow_two=allow_two)
        commands = [self.command()]
        while (tok := self.peek()) is not None and tok.kind == "pipe":
            self.take()
            commands.append(self.command())
        return _Pipe(decls, assign, tuple(commands), self.line)

    def _decls(self, *, allow_two: bool) -> tuple[tuple[str, ...], bool]:
        toks = self.tokens[self.pos :]
        names: list[str] = []
        i = 0
        while i < len(toks) and toks[i].kind == "variable" and "." not in toks[i].value:
            names.append(toks[i].value)
            if i + 1 < len(toks) and toks[i + 1].kind == "comma" and allow_two and not i:
                i += 2
                continue
            break
        if names and len(toks) > len(names) * 2 - 1:
            op = toks[len(names) * 2 - 1]
            if op.kind in ("declare", "assign"):
                self.pos += len(names) * 2
                return tuple(names), op.kind == "assign"
        return (), False

    def command(self) -> _Command:
        args: list[Any] = []
        while (tok := self.peek()) is not None and tok.kind not in ("pipe", "rparen"):
            args.append(self.operand())
        if not args:
            raise TemplateError(f"line {self.line}: missing value for command")
        return _Command(tuple(args))

    def operand(self) -> Any:
        tok = self.take()
        node: Any
        if tok.kind == "lparen":
            inner = self.pipeline(allow_decl=True)
            close = self.take()
            if close.kind != "rparen":
                raise TemplateError(f"line {self.line}: unclosed left paren")
            node = inner
        elif tok.kind == "field":
            return _Field(tuple(tok.value.split(".")[1:]))
        elif tok.kind == "variable":
            name, *names = tok.value.split(".")
            return _Variable(name, tuple(names))
        elif tok.kind == "dot":
            node = _Dot()
        elif tok.kind == "string":
            node = _Literal(_unquote(tok.value, self.line))
        elif tok.kind == "raw":
            node = _Literal(tok.value[1:-1])
        elif tok.kind == "number":
            node = _Literal(_number(tok.value, self.line))
        elif tok.kind == "ident":
            node = self._ident(tok.value)
        else:
            raise TemplateError(f"line {self.line}: unexpected {tok.value!r} in operand")
        nxt = self.peek()
        if nxt is not None and nxt.kind == "field" and not nxt.spaced:
            self.take()
            return _Chain(node, tuple(nxt.value.split(".")[1:]))
        return node

    def _ident(self, name: str) -> Any:
        if name in ("true", "false"):
            return _Literal(name == "true")
        if name == "nil":
            return _Nil()
        if name in _REJECTED_FUNCTIONS:
            raise TemplateError(
                f"line {self.line}: function {name!r} is not supported by the built-in engine"
            )
        if name not in FUNCTIONS:
            raise TemplateError(f'line {self.line}: function "{name}" not defined')
        return _Ident(name)


def _unquote(text: str, line: int) -> str:
    body = text[1:-1]
    if "\\" not in body:
        return body
    try:
        return body.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError as exc:
        raise TemplateError(f"line {line}: bad string literal {text}: {exc}") from None


def _number(text: str, line: int) -> int | float:
    plain = text.replace("_", "")
    body = plain.lstrip("+-").lower()
    sign = -1 if plain.startswith("-") else 1
    try:
        if body.startswith("0x"):
            return sign * int(body[2:], 16)
        if body.startswith("0b"):
            return sign * int(body[2:], 2)
        if body.startswith("0o"):
            return sign * int(body[2:], 8)
        if any(c in body for c in ".e"):
            return float(plain)
        if body.startswith("0") and len(body) > 1:
            return sign * int(body[1:], 8)
        return int(plain)
    except ValueError:
        raise TemplateError(f"line {line}: bad number syntax: {text!r}") from None


# --- template compilation ---------------------------------------------------------------------


def _split(source: str) -> Iterator[tuple[str, str, int]]:
    """Yield ("text", text, line) and ("action", body, line) with trim markers applied."""
    pos = 0
    pending_trim = False
    while True:
        start = source.find(_ACTION_OPEN, pos)
        text = source[pos:] if start < 0 else source[pos:start]
        line = source.count("\n", 0, pos) + 1
        if start < 0:
            yield ("text", text.lstrip() if pending_trim else text, line)
            return
        body_start = start + 2
        trim_left = source.startswith("- ", body_start) or any(
            source.startswith("-" + ws, body_start) for ws in "\t\r\n"
        )
        if trim_left:
            text = text.rstrip()
            body_start += 1
        if pending_trim:
            text = text.lstrip()
        yield ("text", text, line)
        action_line = source.count("\n", 0, start) + 1
        stripped = source[body_start:].lstrip()
        if stripped.startswith("/*"):
            comment_start = body_start + (len(source[body_start:]) - len(stripped))
            end = source.find("*/", comment_start + 2)
            if end < 0:
                raise TemplateError(f"line {action_line}: unclosed comment")
            rest = source[end + 2 :]
            close_rel = rest.find(_ACTION_CLOSE)
            between = rest[:close_rel] if close_rel >= 0 else ""
            if close_rel < 0 or between.strip() not in ("", "-"):
                raise TemplateError(f"line {action_line}: comment ends before closing delimiter")
            pending_trim = between.strip() == "-"
            pos = end + 2 + close_rel + 2
            continue
        end = _find_close(source, body_start, action_line)
        body = source[body_start:end]
        pending_trim = False
        if body.endswith((" -", "\t-", "\n-", "\r-")):
            body = body[:-1]
            pending_trim = True
        yield ("action", body, action_line)
        pos = end + 2


def _find_close(source: str, start: int, line: int) -> int:
    """The `}}` closing an action, skipping over quoted strings."""
    i = start
    while i < len(source):
        ch = source[i]
        if ch in "\"'`":
            j = i + 1
            while j < len(source) and source[j] != ch:
                j += 2 if source[j] == "\\" and ch != "`" else 1
            i = j + 1
            continue
        if source.startswith(_ACTION_CLOSE, i):
            return i
        i += 1
    raise TemplateError(f"line {line}: unclosed action")


@dataclass
class _Frame:
    branch: _Branch
    in_else: bool = False
    chained_ifs: int = 0  # `else if` opens a nested if closed by the same `end`


def _compile(source: str) -> list[Any]:  # noqa: PLR0912 - one branch per action keyword
    root: list[Any] = []
    stack: list[_Frame] = []

    def current() -> list[Any]:
        if not stack:
            return root
        top = stack[-1]
        return top.branch.otherwise if top.in_else else top.branch.body

    for kind, value, line in _split(source):
        if kind == "text":
            if value:
                current().append(_Text(value))
            continue
        tokens = _lex_action(value, line)
        if not tokens:
            raise TemplateError(f"line {line}: missing value for command")
        head = tokens[0]
        word = head.value if head.kind == "ident" else ""
        if word in _REJECTED_KEYWORDS:
            raise TemplateError(
                f"line {line}: {{{{{word}}}}} is not supported by the built-in engine"
            )
        parser = _Parser(tokens[1:] if word in _KEYWORDS else tokens, line)
        if word in ("if", "range", "with"):
            branch = _Branch(word, parser.pipeline(allow_two=word == "range"))
            current().append(branch)
            stack.append(_Frame(branch))
        elif word == "else":
            if not stack or stack[-1].in_else:
                raise TemplateError(f"line {line}: unexpected {{{{else}}}}")
            frame = stack[-1]
            frame.in_else = True
            if not parser.at_end():
                nxt = parser.take()
                if nxt.value not in ("if", "with") or nxt.kind != "ident":
                    raise TemplateError(f"line {line}: unexpected {nxt.value!r} after else")
                nested = _Branch(nxt.value, parser.pipeline())
                frame.branch.otherwise.append(nested)
                stack.append(_Frame(nested, chained_ifs=frame.chained_ifs + 1))
                stack[-2].chained_ifs = 0
        elif word == "end":
            if not stack:
                raise TemplateError(f"line {line}: unexpected {{{{end}}}}")
            for _ in range(stack[-1].chained_ifs + 1):
                stack.pop()
        elif word in ("break", "continue"):
            if not any(f.branch.kind == "range" for f in stack):
                raise TemplateError(f"line {line}: {{{{{word}}}}} outside {{{{range}}}}")
            current().append(_LoopControl(word, line))
            continue
        else:
            current().append(_Print(parser.pipeline()))
        if not parser.at_end():
            raise TemplateError(f"line {line}: unexpected {parser.peek()!r} in action")
    if stack:
        raise TemplateError(f"unexpected EOF: {{{{{stack[-1].branch.kind}}}}} without {{{{end}}}}")
    return root


# --- evaluation -------------------------------------------------------------------------------


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def go_type(value: Any) -> str:
    if value is MISSING or value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "map[string]interface {}"
    if isinstance(value, list | tuple):
        return "[]interface {}"
    return type(value).__name__


def go_format(value: Any) -> str:
    """fmt's `%v`."""
    if value is MISSING or value is None:
        return "<nil>"
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return go_number_text(value)
    if isinstance(value, Mapping):
        inner = " ".join(f"{go_format(k)}:{go_format(value[k])}" for k in sorted(value))
        return f"map[{inner}]"
    if isinstance(value, list | tuple):
        return "[" + " ".join(go_format(v) for v in value) + "]"
    return str(value)


def is_true(value: Any) -> bool:
    """Go template truth: zero values (and no value) are false."""
    if value is MISSING or value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str | list | tuple | Mapping):
        return len(value) > 0
    return True


def field_of(receiver: Any, name: str) -> Any:
    """Go's evalField on `map[string]interface{}` data."""
    if receiver is MISSING:
        return MISSING
    if receiver is None:
        raise TemplateError(f"nil pointer evaluating interface {{}}.{name}")
    if isinstance(receiver, Mapping):
        return receiver.get(name, MISSING)
    raise TemplateError(f"can't evaluate field {name} in type {go_type(receiver)}")


def lookup(data: Any, *names: str) -> Any:
    """`.a.b.c` evaluated against `data`."""
    value = data
    for name in names:
        value = field_of(value, name)
    return value


def unwrap(value: Any) -> Any:
    """A pipeline's result: an explicit nil becomes "no value" (Go unwraps the interface)."""
    return MISSING if value is None else value


_BOOL, _INT, _FLOAT, _STRING, _INVALID = "bool", "int", "float", "string", "invalid"


def _basic_kind(value: Any) -> str:
    if value is MISSING or value is None:
        return _INVALID
    if isinstance(value, bool):
        return _BOOL
    if isinstance(value, int):
        return _INT
    if isinstance(value, float):
        return _FLOAT
    if isinstance(value, str):
        return _STRING
    return "other"


def go_eq(arg1: Any, *others: Any) -> bool:
    if not others:
        raise TemplateError("missing argument for comparison")
    k1 = _basic_kind(arg1)
    for arg in others:
        k2 = _basic_kind(arg)
        if k1 == _INVALID and k2 == _INVALID:
            return True
        if k1 != k2:
            if _INVALID not in (k1, k2):
                raise TemplateError("incompatible types for comparison")
            if "other" in (k1, k2):
                raise TemplateError(f"non-comparable types {go_type(arg1)} and {go_type(arg)}")
            continue
        if k1 == "other":
            raise TemplateError(f"non-comparable type {go_type(arg)}")
        if arg1 == arg:
            return True
    return False


def _ordered(a: Any, b: Any) -> tuple[Any, Any]:
    ka, kb = _basic_kind(a), _basic_kind(b)
    if ka in (_INVALID, "other", _BOOL) or kb in (_INVALID, "other", _BOOL):
        raise TemplateError("invalid type for comparison")
    if ka != kb:
        raise TemplateError("incompatible types for comparison")
    return a, b


def go_lt(a: Any, b: Any) -> bool:
    x, y = _ordered(a, b)
    return bool(x < y)


def go_le(a: Any, b: Any) -> bool:
    x, y = _ordered(a, b)
    return bool(x <= y)


def go_index(item: Any, *keys: Any) -> Any:
    value = item
    for key in keys:
        if value is MISSING or value is None:
            raise TemplateError("index of untyped nil")
        if isinstance(value, Mapping):
            if not isinstance(key, str):
                raise TemplateError(f"value has type {go_type(key)}; should be string")
            value = value.get(key, MISSING)
        elif isinstance(value, list | tuple | str):
            if isinstance(key, bool) or not isinstance(key, int):
                raise TemplateError(f"cannot index slice/array with type {go_type(key)}")
            if not 0 <= key < len(value):
                raise TemplateError(f"index out of range: {key}")
            value = value[key] if not isinstance(value, str) else ord(value[key])
        else:
            raise TemplateError(f"can't index item of type {go_type(value)}")
    return value


def go_len(item: Any) -> int:
    if isinstance(item, str | list | tuple | Mapping):
        return len(item)
    if item is MISSING or item is None:
        raise TemplateError("len of nil pointer")
    raise TemplateError(f"len of type {go_type(item)}")


def go_sprint(*args: Any) -> str:
    """fmt.Sprint: a space between operands when neither side is a string."""
    out: list[str] = []
    for i, arg in enumerate(args):
        if i and not isinstance(arg, str) and not isinstance(args[i - 1], str):
            out.append(" ")
        out.append(go_format(arg))
    return "".join(out)


_VERB = re.compile(r"%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


def go_sprintf(fmt: Any, *args: Any) -> str:
    if not isinstance(fmt, str):
        raise TemplateError("printf format must be a string")
    values = list(args)
    out: list[str] = []
    pos = 0
    for m in _VERB.finditer(fmt):
        out.append(fmt[pos : m.start()])
        pos = m.end()
        verb = m.group(4)
        if verb == "%":
            out.append("%")
            continue
        if not values:
            out.append(f"%!{verb}(MISSING)")
            continue
        value = values.pop(0)
        out.append(_format_verb(verb, m.group(3), value))
    out.append(fmt[pos:])
    if values:
        out.append("%!(EXTRA " + ", ".join(f"{go_type(v)}={go_format(v)}" for v in values) + ")")
    return "".join(out)


def _format_verb(verb: str, precision: str | None, value: Any) -> str:
    if verb in "vs":
        return go_format(value)
    if verb == "d" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if verb == "t" and isinstance(value, bool):
        return "true" if value else "false"
    if verb == "q" and isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if verb == "f" and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{float(value):.{int(precision) if precision else 6}f}"
    if verb in "dtqf":
        return f"%!{verb}({go_type(value)}={go_format(value)})"
    raise TemplateError(f"printf verb %{verb} is not supported by the built-in engine")


def _string_arg(value: Any, fn: str) -> str:
    if value is MISSING:
        raise TemplateError(f"error calling {fn}: invalid value; expected string")
    if not isinstance(value, str):
        raise TemplateError(f"wrong type for value; expected string; got {go_type(value)}")
    return value


_Evaluate = Callable[[Any], Any]


def _call(name: str, args: Sequence[Any], evaluate: _Evaluate) -> Any:
    if name in ("and", "or"):
        if not args:
            raise TemplateError(f"wrong number of args for {name}: want at least 1 got 0")
        value: Any = MISSING
        for node in args:
            value = unwrap(evaluate(node))
            if is_true(value) != (name == "and"):
                return value
        return value
    values = [evaluate(a) for a in args]
    arity = {"not": 1, "len": 1, "hasPrefix": 2, "hasSuffix": 2, "lt": 2, "le": 2, "gt": 2}
    arity["ge"] = 2
    if name in arity and len(values) != arity[name]:
        raise TemplateError(
            f"wrong number of args for {name}: want {arity[name]} got {len(values)}"
        )
    simple: dict[str, Callable[[], Any]] = {
        "not": lambda: not is_true(values[0]),
        "eq": lambda: go_eq(*values),
        "ne": lambda: not go_eq(*values),
        "lt": lambda: go_lt(*values),
        "le": lambda: go_le(*values),
        "gt": lambda: not go_le(*values),
        "ge": lambda: not go_lt(*values),
        "index": lambda: go_index(*values),
        "len": lambda: go_len(values[0]),
        "print": lambda: go_sprint(*values),
        "println": lambda: " ".join(go_format(v) for v in values) + "\n",
        "printf": lambda: go_sprintf(*values),
        "hasPrefix": lambda: _string_arg(values[0], name).startswith(_string_arg(values[1], name)),
        "hasSuffix": lambda: _string_arg(values[0], name).endswith(_string_arg(values[1], name)),
    }
    if name in ("eq", "ne", "index", "printf") and not values:
        raise TemplateError(f"wrong number of args for {name}")
    return simple[name]()


class _State:
    def __init__(self, root: Any) -> None:
        self.root = root
        self.vars: list[tuple[str, Any]] = [("$", root)]
        self.out: list[str] = []

    def var(self, name: str) -> Any:
        for var_name, value in reversed(self.vars):
            if var_name == name:
                return value
        raise TemplateError(f'undefined variable "{name}"')

    def set_var(self, name: str, value: Any) -> None:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i] = (name, value)
                return
        raise TemplateError(f'undefined variable "{name}"')

    def operand(self, node: Any, dot: Any, final: Any = MISSING, *, has_final: bool = False) -> Any:
        if isinstance(node, _Field):
            if has_final:
                raise TemplateError(f"{'.'.join(node.names)} is not a method but has arguments")
            return lookup(dot, *node.names)
        if isinstance(node, _Variable):
            return lookup(self.var(node.name), *node.names)
        if isinstance(node, _Dot):
            return dot
        if isinstance(node, _Literal):
            return node.value
        if isinstance(node, _Nil):
            raise TemplateError("nil is not a command")
        if isinstance(node, _Pipe):
            return self.pipe(node, dot)
        if isinstance(node, _Chain):
            base = unwrap(self.operand(node.operand, dot))
            return lookup(base, *node.names)
        if isinstance(node, _Ident):
            return _call(node.name, [final] if has_final else [], lambda v: v)
        raise TemplateError(f"cannot evaluate {node!r}")

    def arg(self, node: Any, dot: Any) -> Any:
        if isinstance(node, _Nil):
            return None
        if isinstance(node, _Ident):
            raise TemplateError(f"function {node.name} used as an argument without parentheses")
        return self.operand(node, dot)

    def command(self, cmd: _Command, dot: Any, final: Any, *, has_final: bool) -> Any:
        head = cmd.args[0]
        if isinstance(head, _Ident):
            args: list[Any] = list(cmd.args[1:])
            if has_final:
                args.append(_Literal(final))
            return _call(head.name, args, lambda n: self.arg(n, dot))
        if len(cmd.args) > 1 or has_final:
            raise TemplateError("can't give argument to non-function")
        return self.operand(head, dot)

    def pipe(self, pipe: _Pipe, dot: Any) -> Any:
        value: Any = MISSING
        try:
            for i, cmd in enumerate(pipe.commands):
                value = unwrap(self.command(cmd, dot, value, has_final=i > 0))
        except TemplateError as exc:
            message = str(exc)
            if message.startswith("line "):
                raise
            raise TemplateError(f"line {pipe.line}: {message}") from None
        for name in pipe.decls:
            if pipe.assign:
                self.set_var(name, value)
            else:
                self.vars.append((name, value))
        return value

    def run(self, nodes: list[Any], dot: Any) -> None:
        for node in nodes:
            if isinstance(node, _Text):
                self.out.append(node.text)
            elif isinstance(node, _Print):
                value = self.pipe(node.pipe, dot)
                if not node.pipe.decls:
                    self.out.append("<no value>" if value is MISSING else go_format(value))
            elif isinstance(node, _Branch):
                self.branch(node, dot)
            elif isinstance(node, _LoopControl):
                raise _Break() if node.kind == "break" else _Continue()

    def branch(self, node: _Branch, dot: Any) -> None:
        mark = len(self.vars)
        try:
            if node.kind == "range":
                self.range(node, dot)
                return
            value = self.pipe(node.pipe, dot)
            if is_true(value):
                self.run(node.body, value if node.kind == "with" else dot)
            else:
                self.run(node.otherwise, dot)
        finally:
            del self.vars[mark:]

    def range(self, node: _Branch, dot: Any) -> None:
        decls = node.pipe.decls
        value = self.pipe(
            _Pipe((), assign=False, commands=node.pipe.commands, line=node.pipe.line), dot
        )
        items: list[tuple[Any, Any]]
        if value is MISSING or value is None:
            items = []
        elif isinstance(value, Mapping):
            items = [(k, value[k]) for k in sorted(value)]
        elif isinstance(value, list | tuple):
            items = list(enumerate(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            items = [(i, i) for i in range(value)]
        else:
            raise TemplateError(
                f"line {node.pipe.line}: range can't iterate over {go_format(value)}"
            )
        if not items:
            self.run(node.otherwise, dot)
            return
        for key, elem in items:
            mark = len(self.vars)
            if len(decls) == 1:
                self.vars.append((decls[0], elem))
            elif len(decls) == 2:
                self.vars.extend(((decls[0], key), (decls[1], elem)))
            try:
                self.run(node.body, elem)
            except _Break:
                break
            except _Continue:
                continue
            finally:
                del self.vars[mark:]


@dataclass(frozen=True)
class GoTemplate:
    """A compiled template; `render` may be called many times (once per resource)."""

    source: str
    nodes: tuple[Any, ...]

    @property
    def is_static(self) -> bool:
        """No actions at all: the text renders to itself, so it can be parsed once."""
        return all(isinstance(n, _Text) for n in self.nodes)

    def render(self, data: Any) -> str:
        state = _State(data)
        try:
            state.run(list(self.nodes), data)
        except (_Break, _Continue):  # pragma: no cover - rejected at compile time
            raise TemplateError("break/continue outside range") from None
        except RecursionError:
            raise TemplateError("template nests too deeply") from None
        return "".join(state.out)


def compile_template(source: str) -> GoTemplate:
    """Parse `source`; raises TemplateError for syntax errors and unsupported features."""
    return GoTemplate(source, tuple(_compile(source)))


def yaml_scalar_text(value: Any) -> str:
    """What `{{ $value }}` writes into a schema before it is re-parsed as YAML."""
    return "<no value>" if value is MISSING or value is None else go_format(value)
