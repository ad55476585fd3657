"""`check`: run the gates over rendered manifests — files given, a revision of a repository
(rendered from git objects), or its working tree as it is. Nothing to publish: the command
renders the report."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from gitops_release.config import Config
from gitops_release.config.defaults import DEFAULT_RENDER_TIMEOUT
from gitops_release.gates import GateReport, Problem, run_gates
from gitops_release.git import Git
from gitops_release.render.checkout import Revision, render_commits
from gitops_release.render.discover import ConfigRoots, RepoIndex, config_at
from gitops_release.render.run import render_roots
from gitops_release.render.tree import tree_from_worktree
from gitops_release.steps.gating import (
    CheckOptions,
    apply_policy,
    gate_renders,
    settings_for,
    with_polaris_from_git,
    with_polaris_from_worktree,
)
from gitops_release.steps.rendered_diff import HEAD, DiffRequest, head_renders, plan_diff
from gitops_release.steps.session import config_at_commit

__all__ = ["WORKTREE_NOTE", "CheckOptions", "check_paths", "check_repo", "check_worktree"]


def check_paths(
    paths: Sequence[Path], options: CheckOptions, config: Config | None = None
) -> GateReport:
    report = run_gates(paths, settings_for(options, config))
    return apply_policy(report, config)


def check_repo(
    repo: Path,
    *,
    ref: str,
    base: str | None,
    all_roots: bool,
    options: CheckOptions,
    timeout: float | None = None,
) -> GateReport:
    """Render the roots of `ref` (those a change since `base` affects, or all) and gate them."""
    request = DiffRequest(
        repo=repo, base=base or ref, head=ref, all_roots=all_roots or base is None, timeout=timeout
    )
    plan = plan_diff(request)
    heads = tuple(p.head for p in plan.roots if p.head is not None)
    revision = Revision(HEAD, plan.head_commit, heads, plan.head_tree)
    rendered = render_commits(repo, [revision], timeout=plan.timeout)
    git = Git(repo)
    config = config_at_commit(git, plan.head_commit)
    with tempfile.TemporaryDirectory(prefix="gitops-release-check-") as scratch:
        options = with_polaris_from_git(options, config, git, plan.head_commit, Path(scratch))
        return gate_renders(head_renders(rendered), {r.key: r for r in heads}, options, config)


WORKTREE_NOTE = (
    "checked the working tree as it is (uncommitted changes and the working tree's "
    ".gitops-release.yaml included); pass --ref REV to check a commit instead"
)


def check_worktree(
    repo: Path,
    *,
    base: str | None,
    all_roots: bool,
    options: CheckOptions,
    timeout: float | None = None,
) -> GateReport:
    """Render the roots of the working tree of `repo` in place (those a change since `base`
    affects, or all) and gate them; the report says that the working tree was checked."""
    repo = repo.resolve()  # renderers run in a scratch directory
    tree = tree_from_worktree(repo)
    config = config_at(tree)
    index = RepoIndex(tree, config_roots=ConfigRoots.from_config(config))
    if base is None or all_roots:
        keys = index.all_keys()
    else:
        keys = index.affected(Git(repo).worktree_changes(base))
    roots = index.roots(keys)
    limit = timeout or (config.render_timeout if config else DEFAULT_RENDER_TIMEOUT)
    with tempfile.TemporaryDirectory(prefix="gitops-release-check-") as scratch:
        rendered = render_roots(repo, roots, timeout=limit, scratch=Path(scratch))
        options = with_polaris_from_worktree(options, config, repo)
        report = gate_renders(rendered, {r.key: r for r in roots}, options, config)
    return replace(report, warnings=(*report.warnings, Problem(WORKTREE_NOTE)))
