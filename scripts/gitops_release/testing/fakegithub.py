"""Run the GitHub emulator as a process.

    python -m gitops_release.testing.fakegithub --port PORT --data DIR \\
        [--token TOKEN[:LOGIN[:ROLE]]]...

Prints `api: <REST base URL>` and `git: <base URL of OWNER/NAME.git>` once it listens, then
serves until SIGINT or SIGTERM and exits 0. This command line is a public interface: scripts and
CI jobs parse those two lines. Pull requests, comments, labels and statuses are kept in
`DATA/.fakegithub-state.json` when it stops, and served again by the next run on DATA (e.g. the
state `gitops-release demo --keep` leaves).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from gitops_release.testing.auth import DEFAULT_LOGIN, Token, parse_token_option
from gitops_release.testing.server import FakeGitHub


def _token(text: str) -> tuple[str, Token]:
    try:
        return parse_token_option(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m gitops_release.testing.fakegithub",
        description="Serve a GitHub emulator (REST, GraphQL auto-merge, git over HTTP) on "
        "127.0.0.1 over the bare repositories in DIR/OWNER/NAME.git.",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port to listen on; 0 picks a free one (default)"
    )
    parser.add_argument(
        "--data", type=Path, required=True, help="directory holding OWNER/NAME.git repositories"
    )
    parser.add_argument(
        "--token",
        type=_token,
        action="append",
        default=[],
        metavar="TOKEN[:LOGIN[:ROLE]]",
        help=f"accept TOKEN as LOGIN (default {DEFAULT_LOGIN}) with the rights of ROLE on every "
        "repository: read, triage, write, maintain or admin (default); repeatable",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with FakeGitHub(args.data, tokens=dict(args.token), port=args.port, persist=True) as github:
        sys.stdout.write(f"api: {github.api_url}\ngit: {github.git_url}\n")
        sys.stdout.flush()
        while not stop.wait(0.2):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
