"""The GitHub Actions runtime: step outputs, job summary, annotations, masking, groups.

Everything is a no-op outside Actions, so flows and the CLI can call it unconditionally.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


def in_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(
    name: str, message: str, stream: TextIO | None = None, **props: str | int | None
) -> None:
    """Print a workflow command such as `::error file=a.yaml,line=3::message`."""
    given = {k: str(v) for k, v in props.items() if v is not None}
    rendered = ",".join(f"{k}={escape_property(v)}" for k, v in given.items())
    out = stream or sys.stdout
    out.write(f"::{name}{' ' + rendered if rendered else ''}::{escape_data(message)}\n")
    out.flush()


def mask(secret: str | None) -> None:
    """Ask the runner to mask `secret` in logs (only inside Actions)."""
    if secret and in_actions():
        command("add-mask", secret)


def set_outputs(outputs: Mapping[str, str]) -> None:
    """Append step outputs to $GITHUB_OUTPUT, using heredoc delimiters for multi-line values."""
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        return
    with Path(path).open("a", encoding="utf-8") as handle:
        for key, value in outputs.items():
            delimiter = f"ghadelim_{uuid.uuid4().hex}"
            handle.write(f"{key}<<{delimiter}\n{value}\n{delimiter}\n")


def set_json_output(key: str, value: object) -> None:
    set_outputs({key: json.dumps(value, sort_keys=True)})


def append_summary(markdown: str) -> None:
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    with Path(path).open("a", encoding="utf-8") as handle:
        handle.write(markdown.rstrip("\n") + "\n")


@contextmanager
def group(title: str) -> Iterator[None]:
    if not in_actions():
        yield
        return
    sys.stdout.write(f"::group::{escape_data(title)}\n")
    sys.stdout.flush()
    try:
        yield
    finally:
        sys.stdout.write("::endgroup::\n")
        sys.stdout.flush()
