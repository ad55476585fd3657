"""The one exception the template engine raises: a template that cannot be compiled, or one that
fails at run time where Go's `text/template` would fail too, with a message in Go's words."""

from __future__ import annotations


class TemplateError(Exception):
    """A template that cannot be compiled, or that fails at run time like Go's would."""
