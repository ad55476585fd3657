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

The engine is split by stage: `lexer` (actions and tokens), `nodes` (the syntax tree), `parser`
(tokens to tree), `executor` (running a tree), with Go's value rules in `values`, its printing in
`formatting` and the built-in functions in `functions`.
"""

from gitops_release.gates.gocompat.template.errors import TemplateError
from gitops_release.gates.gocompat.template.executor import GoTemplate, compile_template
from gitops_release.gates.gocompat.template.formatting import (
    go_format,
    go_sprint,
    go_sprintf,
    yaml_scalar_text,
)
from gitops_release.gates.gocompat.template.functions import FUNCTIONS
from gitops_release.gates.gocompat.template.values import (
    MISSING,
    field_of,
    go_eq,
    go_index,
    go_le,
    go_len,
    go_lt,
    go_type,
    is_true,
    lookup,
    unwrap,
)

__all__ = [
    "FUNCTIONS",
    "MISSING",
    "GoTemplate",
    "TemplateError",
    "compile_template",
    "field_of",
    "go_eq",
    "go_format",
    "go_index",
    "go_le",
    "go_len",
    "go_lt",
    "go_sprint",
    "go_sprintf",
    "go_type",
    "is_true",
    "lookup",
    "unwrap",
    "yaml_scalar_text",
]
