"""Go text/template semantics the Polaris checks rely on (GATES.md §2.5.3)."""

from __future__ import annotations

import pytest

from gitops_release.gates.gocompat.template import TemplateError, compile_template


def render(source: str, data: object) -> str:
    return compile_template(source).render(data)


def test_missing_keys_chain_silently_and_print_no_value() -> None:
    assert render("{{ .a.b.c }}|{{ if .a }}x{{ else }}y{{ end }}", {}) == "<no value>|y"


def test_explicit_null_in_a_chain_is_an_error() -> None:
    with pytest.raises(TemplateError, match="nil pointer evaluating interface {}.b"):
        render("{{ .a.b }}", {"a": None})


def test_eq_rules() -> None:
    assert render('{{ eq .missing "x" }}', {}) == "false"
    assert render("{{ eq .n 1 2 }}", {"n": 2}) == "true"
    with pytest.raises(TemplateError, match="incompatible types"):
        render("{{ eq .n 1.0 }}", {"n": 1})
    with pytest.raises(TemplateError, match="incompatible types"):
        render("{{ eq .s true }}", {"s": "true"})


def test_and_or_short_circuit() -> None:
    # `eq` on a string and a bool would fail; `or` never evaluates it.
    assert render("{{ or (not .x) (eq .x true) }}", {"x": ""}) == "true"
    assert render('{{ and 1 0 2 }}|{{ or 0 "" 3 }}', {}) == "0|3"


def test_range_sorted_keys_variables_and_assignment() -> None:
    source = "{{ $seen := false }}{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ $seen = true }}{{ end }}{{ $seen }}"
    assert render(source, {"m": {"b": 2, "a": 1}}) == "a=1;b=2;true"
    assert render("{{ range .none }}x{{ else }}empty{{ end }}", {}) == "empty"
    assert render("{{ range $i, $v := .l }}{{ $i }}{{ $v }}{{ end }}", {"l": ["x", "y"]}) == "0x1y"


def test_print_and_number_formatting() -> None:
    assert render('{{ print "a" 1 2 "b" }}', {}) == "a1 2b"
    assert (
        render("{{ .f }} {{ .g }} {{ .i }}", {"f": 2.0, "g": 1e6, "i": 1000000})
        == "2 1e+06 1000000"
    )
    assert render('{{ printf "%s-%d" "x" 3 }}', {}) == "x-3"


def test_trim_markers_and_comments() -> None:
    assert render("a  {{- /* note */ -}}  b {{- .x }}", {"x": "!"}) == "ab!"


def test_functions() -> None:
    data = {"m": {"k": "v"}, "name": "system:x"}
    assert (
        render(
            '{{ index .m "k" }}|{{ len .m }}|{{ hasPrefix .name "system:" }}|{{ hasSuffix .name "y" }}',
            data,
        )
        == "v|1|true|false"
    )
    with pytest.raises(TemplateError, match="index of untyped nil"):
        render('{{ index .missing "k" }}', {})
    with pytest.raises(TemplateError, match="expected string"):
        render('{{ hasPrefix .missing "x" }}', {})


@pytest.mark.parametrize(
    "source",
    [
        '{{ template "x" }}',
        '{{ define "x" }}{{ end }}',
        "{{ html .x }}",
        "{{ call .f }}",
        "{{ .x 'c' }}",
        "{{ nosuchfunc .x }}",
        "{{ if .x }}",
        "{{ end }}",
        "{{ .x",
    ],
)
def test_unsupported_or_invalid_syntax_is_rejected_at_compile_time(source: str) -> None:
    with pytest.raises(TemplateError):
        compile_template(source)
