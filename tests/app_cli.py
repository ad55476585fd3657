"""`gitops-release branch-deploy parse|report` for tests, on a throwaway command tree (the real
`branch-deploy` group attaches the same command objects)."""

from __future__ import annotations

import click
import pytest

from gitops_release import cli as cli_module
from gitops_release.commands.branch_deploy_app import parse_cmd, report_cmd


def use_app_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `run_cli` (and `gitops_release.cli.main`) serve `branch-deploy parse|report`."""
    root = click.Group("gitops-release")
    group = click.Group("branch-deploy")
    group.add_command(parse_cmd)
    group.add_command(report_cmd)
    root.add_command(group)
    monkeypatch.setattr(cli_module, "cli", root)
