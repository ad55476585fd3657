"""The one YAML syntax error: what ruamel.yaml reported, and where.

Its text is read two ways: `str()` (`line N: <context>: <problem>`) in the gates' messages, and
`located(source)` (`<source>:<line>:<column>: not valid YAML: <problem> (<context>)`) where user
YAML (configuration, manifests to edit, rendered output) is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ruamel.yaml.error import MarkedYAMLError, YAMLError


@dataclass(frozen=True)
class YamlSyntaxError(Exception):
    """A document that no YAML decoder would accept; `line` is 1-based when known."""

    message: str
    line: int | None = None
    column: int | None = field(default=None, compare=False, repr=False)
    detail: str = field(default="", compare=False, repr=False)
    cause: BaseException | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message

    def located(self, source: str) -> str:
        """The message naming `source:line:column`."""
        where = f"{source}:{self.line}:{self.column}" if self.line is not None else source
        return f"{where}: not valid YAML: {self.detail}"

    @property
    def decoding_cause(self) -> BaseException | None:
        """What failed outside ruamel's own errors while composing (see `decode_error`)."""
        return None if isinstance(self.cause, YAMLError) else self.cause


def syntax_error(exc: YAMLError, line_offset: int = 0) -> YamlSyntaxError:
    """The error for what ruamel raised; line numbers are shifted by `line_offset`."""
    line = column = None
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if isinstance(exc, MarkedYAMLError):
        if mark is not None:
            line, column = mark.line + 1 + line_offset, mark.column + 1
        detail = problem or context or "invalid YAML"
        detail += f" ({context})" if context and problem else ""
    else:
        detail = str(exc)
    first = problem or (str(exc).splitlines() or [""])[0]
    text = f"{context}: {first}" if context else str(first)
    return YamlSyntaxError(text.strip(), line, column, detail, exc)


def decode_error(exc: Exception) -> YamlSyntaxError:
    """A failure while composing that is not a YAML error (a recursion too deep, say)."""
    return YamlSyntaxError(f"cannot decode YAML: {exc}", cause=exc)
