"""The package's shape holds: flows compose steps and never import each other, steps never
import a flow, formatting never runs a flow, and only `git/` starts git (the emulator in
`testing/` serves git on GitHub's side of the wire)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "scripts" / "gitops_release"


def modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        yield name.removesuffix(".__init__"), ast.parse(path.read_text(encoding="utf-8"))


def imports(tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def flow_of(module: str) -> str | None:
    """`gitops_release.flows.promote.changes` → `promote`."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "flows" else None


def test_no_flow_imports_another_flow() -> None:
    crossing = [
        (name, target)
        for name, tree in modules()
        if (mine := flow_of(name))
        for target in imports(tree)
        if (theirs := flow_of(target)) and theirs != mine
    ]
    assert crossing == []


def test_steps_and_reporting_never_run_a_flow() -> None:
    upward = [
        (name, target)
        for name, tree in modules()
        if name.startswith(("gitops_release.steps", "gitops_release.reporting"))
        for target in imports(tree)
        if target.startswith(("gitops_release.flows", "gitops_release.commands"))
        and not _type_checking_only(tree, target)
    ]
    assert upward == []


def _type_checking_only(tree: ast.Module, target: str) -> bool:
    """Whether every import of `target` sits under `if TYPE_CHECKING:` (names for annotations)."""
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            continue
        if any(found == target for found in imports(ast.Module(body=[node], type_ignores=[]))):
            return False
    return True


def test_only_the_git_package_starts_git() -> None:
    starters = []
    for name, tree in modules():
        if name.startswith(("gitops_release.git", "gitops_release.testing")):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.List | ast.Tuple) and node.elts:
                first = node.elts[0]
                if isinstance(first, ast.Constant) and first.value == "git":
                    starters.append(f"{name}:{node.lineno}")
    assert starters == []
