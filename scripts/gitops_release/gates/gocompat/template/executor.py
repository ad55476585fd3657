"""Running a compiled template: the evaluation state (variables, output), pipelines and commands,
`if`/`with` branches and `range` over maps, slices and integers, and `GoTemplate`, the compiled
template that `compile_template` returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gitops_release.gates.gocompat.template.errors import TemplateError
from gitops_release.gates.gocompat.template.formatting import go_format
from gitops_release.gates.gocompat.template.functions import call_function
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
from gitops_release.gates.gocompat.template.parser import compile_nodes
from gitops_release.gates.gocompat.template.values import MISSING, is_true, lookup, unwrap


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


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
            return call_function(node.name, [final] if has_final else [], lambda v: v)
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
            return call_function(head.name, args, lambda n: self.arg(n, dot))
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
    return GoTemplate(source, tuple(compile_nodes(source)))
