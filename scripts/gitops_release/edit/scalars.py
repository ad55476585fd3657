"""Writing a new scalar in the style of the one it replaces, without changing its YAML type."""

from __future__ import annotations

import re

from ruamel.yaml.nodes import ScalarNode

from gitops_release.errors import ManifestError
from gitops_release.yamlio import nodes as yamlnodes

# Characters that would end or alter a plain scalar somewhere inside it.
_PLAIN_UNSAFE = re.compile(r": |:$| #|[\r\n\t]|^[-?:,\[\]{}#&*!|>'\"%@`\s]|\s$")


def plain_ok(value: str) -> bool:
    """True when `value` written unquoted reads back as the same string (YAML 1.1 and 1.2)."""
    if not value or _PLAIN_UNSAFE.search(value):
        return False
    return yamlnodes.resolve_plain(value) == yamlnodes.STR and not _yaml11_special(value)


# YAML 1.1 readers (Helm's sigs.k8s.io/yaml, PyYAML) also read these plain scalars as non-strings.
_YAML11 = re.compile(
    r"^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF"
    r"|[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?"
    r"|[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?|\d{4}-\d\d?-\d\d?.*)$"
)


def _yaml11_special(value: str) -> bool:
    return bool(_YAML11.match(value))


def quote(value: str, style: str) -> str:
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render_like(old: ScalarNode | None, value: str, *, where: str) -> str:
    """Text for `value` in the style of `old` (quoted stays quoted; plain stays plain if safe).

    A plain value that YAML would read as another type (`1.20` is a float, `true` a boolean) is
    double-quoted so it stays a string. When the old value is itself not a string (an unquoted
    number), writing the new text would change its type or meaning, so we refuse.
    """
    style = old.style if old is not None else None
    if style in ("'", '"'):
        return quote(value, str(style))
    if style in ("|", ">"):
        raise ManifestError(
            f"{where}: the value is a block scalar ({style}); refusing to rewrite it",
            hint='write the value on one line, e.g. tag: "1.2.3", and run again',
        )
    if old is not None and old.tag not in (yamlnodes.STR, yamlnodes.NULL):
        kind = str(old.tag).rsplit(":", 1)[-1]
        new_tag = yamlnodes.resolve_plain(value) if plain_ok_syntax(value) else yamlnodes.STR
        if new_tag != old.tag or _reads_differently(value):
            raise ManifestError(
                f"{where}: the current value {old.value} is unquoted and YAML reads it as "
                f"{_an(kind)}; writing {value} there would change its type or meaning",
                hint=f'quote the current value in the file (e.g. "{old.value}") so it is a '
                "string, commit that, and run again",
            )
        return value
    return value if plain_ok(value) else quote(value, '"')


def plain_ok_syntax(value: str) -> bool:
    return bool(value) and not _PLAIN_UNSAFE.search(value)


def _reads_differently(value: str) -> bool:
    """True when a number written as `value` would not read back as the same text (1.20 → 1.2)."""
    tag = yamlnodes.resolve_plain(value)
    if tag == yamlnodes.FLOAT:
        try:
            return repr(float(value)) != value
        except ValueError:
            return True
    if tag == yamlnodes.INT:
        return str(int(value)) != value if value.lstrip("-+").isdigit() else True
    return False


def _an(kind: str) -> str:
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"
