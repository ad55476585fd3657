"""The `gitops-release` console script: `--version` answers without loading the command line
(click alone is most of a start); everything else goes to `cli.main`."""

from __future__ import annotations

import sys

from gitops_release import __version__


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        # The text click's version option prints (`cli` keeps the option for `-h` and tests).
        sys.stdout.write(f"gitops-release, version {__version__}\n")
        sys.exit(0)
    from gitops_release.cli import main as cli_main  # noqa: PLC0415

    cli_main()
