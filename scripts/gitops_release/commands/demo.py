"""`gitops-release demo`."""

from __future__ import annotations

import click


@click.command("demo")
@click.option("--keep", is_flag=True, help="Keep the temporary copy and print its path.")
def demo_cmd(*, keep: bool) -> None:
    """Run gitops-release on a bundled example manifest repo (no GitHub needed)."""
    from gitops_release.demo import run_demo  # noqa: PLC0415

    run_demo(echo=click.echo, keep=keep)
