"""From source to syntax tree: the parser for one action's tokens (pipelines, declarations,
operands) and the compiler that nests actions into `if`/`range`/`with` branches, rejecting the Go
template features the built-in engine does not support."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gitops_release.gates.gocompat.template.errors import TemplateError
from gitops_release.gates.gocompat.template.functions import FUNCTIONS
from gitops_release.gates.gocompat.template.lexer import (
    _Tok,
    lex_action,
    parse_number,
    split_actions,
    unquote,
)
from gitops_release.gates.gocompat.template.nodes import (
    _Branch,
    _Chain,
    _Command,
    _Dot,
    _Field,
    _Ident,
    _Literal,
    _LoopControl,
    _Nil,
    _Pipe,
    _Print,
    _Text,
    _Variable,
)

_KEYWORDS = {"if", "else", "end", "range", "with", "break", "continue"}
_REJECTED_KEYWORDS = {"define", "template", "block"}

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
            node = _Literal(unquote(tok.value, self.line))
        elif tok.kind == "raw":
            node = _Literal(tok.value[1:-1])
        elif tok.kind == "number":
            node = _Literal(parse_number(tok.value, self.line))
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


@dataclass
class _Frame:
    branch: _Branch
    in_else: bool = False
    chained_ifs: int = 0  # `else if` opens a nested if closed by the same `end`


def compile_nodes(source: str) -> list[Any]:  # noqa: PLR0912 - one branch per action keyword
    root: list[Any] = []
    stack: list[_Frame] = []

    def current() -> list[Any]:
        if not stack:
            return root
        top = stack[-1]
        return top.branch.otherwise if top.in_else else top.branch.body

    for kind, value, line in split_actions(source):
        if kind == "text":
            if value:
                current().append(_Text(value))
            continue
        tokens = lex_action(value, line)
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
