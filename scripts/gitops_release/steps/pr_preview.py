"""The pull-request preview: the rendered diff of a manifest PR and its gate results, as one
sticky comment and a commit status. The `preview` flow runs it for one PR; `promote` for each
production PR it opened (PRs opened with a workflow's token trigger no other workflow).

plan    — fetch the PR's base and head (blobless), compute the merge result of head into base,
          so changes that landed on the base meanwhile do not show as reverts;
apply   — render the affected roots at base and at the merge result, diff them, gate the head;
publish — create or edit the one comment found by its marker (untouched when nothing changed),
          and set a commit status.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from gitops_release.config import Config
from gitops_release.diff.model import DiffResult
from gitops_release.errors import ConfigError, GitError
from gitops_release.gates import GateReport
from gitops_release.git import Git, credentials_for
from gitops_release.github import Comment, Forge, PullRequest
from gitops_release.github.sticky import upsert_sticky
from gitops_release.render.revisions import merge_result
from gitops_release.render.run import Rendered
from gitops_release.reporting import gates as reporters
from gitops_release.reporting.diff.markdown import MARKER, build_comment, build_job_summary
from gitops_release.rollouts import rollouts_in, strategy_lines, strategy_markdown
from gitops_release.steps.gating import CheckOptions, gate_renders, with_polaris_from_git
from gitops_release.steps.rendered_diff import (
    BASE,
    HEAD,
    DiffRequest,
    compare,
    head_renders,
    plan_diff,
    render_plan,
)
from gitops_release.steps.session import config_at_commit, open_checkout

CommentAction = Literal["created", "updated", "unchanged", "skipped"]
State = Literal["success", "failure", "error"]
STATUS_CONTEXT = "gitops-release/preview"
GATES_BUDGET = 20_000


@dataclass(frozen=True)
class PreviewRequest:
    manifest_repo: str
    git_url: str
    pr: int
    gates: bool = True
    status: bool = True
    max_chars: int = 65_536
    check: CheckOptions = field(default_factory=CheckOptions)
    dry_run: bool = False
    token: str = field(default="", repr=False)


@dataclass(frozen=True)
class PreviewResult:
    pull_request: PullRequest
    action: CommentAction
    comment: Comment | None
    diff: DiffResult
    gates: GateReport | None
    body: str
    summary: str
    state: State
    description: str
    merged_cleanly: bool


@dataclass(frozen=True)
class PreviewOutcome:
    """What a preview did, in short (for flows that run it on pull requests they opened)."""

    action: CommentAction
    state: State
    url: str  # the comment's, or "" when there is none

    @classmethod
    def of(cls, result: PreviewResult) -> PreviewOutcome:
        return cls(result.action, result.state, result.comment.url if result.comment else "")


def preview(request: PreviewRequest, forge: Forge) -> PreviewResult:
    pull = forge.get_pull(request.pr)
    with open_checkout(
        request.manifest_repo, request.git_url, request.token, forge,
        purpose="preview", write=False,
    ) as session:  # fmt: skip
        git = session.git
        git.fetch(f"+refs/heads/{pull.base}:refs/remotes/origin/{pull.base}", depth=None)
        git.fetch(pull.head_sha, depth=None)
        with credentials_for(git.cwd, request.token):
            diff, gates, clean, strategies = _render(git, pull, request)
    gates_md = reporters.render_markdown(gates, budget=GATES_BUDGET) if gates else None
    if strategies:
        gates_md = strategies + "\n\n" + (gates_md or "")
    if not clean:
        note = (
            "> [!WARNING]\n> This pull request does not merge cleanly into "
            f"`{pull.base}`: the diff is against the merge base. Update the branch.\n"
        )
        gates_md = note + "\n" + (gates_md or "")
    body = build_comment(diff, max_chars=request.max_chars, gates_markdown=gates_md)
    summary = build_job_summary(diff, gates_markdown=gates_md)
    state, description = _verdict(diff, gates)
    if request.dry_run:
        return PreviewResult(
            pull, "skipped", None, diff, gates, body, summary, state, description, clean
        )
    action, comment = publish_comment(forge, pull.number, body)
    if request.status:
        forge.set_status(
            pull.head_sha,
            state=state,
            context=STATUS_CONTEXT,
            description=description,
            target_url=comment.url if comment else None,
        )
    return PreviewResult(
        pull, action, comment, diff, gates, body, summary, state, description, clean
    )


def _render(
    git: Git, pull: PullRequest, request: PreviewRequest
) -> tuple[DiffResult, GateReport | None, bool, str]:
    base = git.rev_parse(f"refs/remotes/origin/{pull.base}")
    clean = True
    try:
        head = merge_result(git.cwd, base, pull.head_sha)
    except GitError:
        clean = False
        base = git.merge_base(base, pull.head_sha)
        head = pull.head_sha
    plan = plan_diff(DiffRequest(repo=git.cwd, base=base, head=head))
    rendered = render_plan(plan)
    diff = compare(plan, rendered, salt=os.urandom(16))
    gates = None
    if request.gates:
        roots = {p.head.key: p.head for p in plan.roots if p.head is not None}
        config = _config(git, head)
        options = with_polaris_from_git(request.check, config, git, head, git.cwd.parent)
        gates = gate_renders(head_renders(rendered), roots, options, config)
    return diff, gates, clean, release_strategies(rendered)


def release_strategies(rendered: Mapping[tuple[str, str], Rendered]) -> str:
    """The "Release strategy" section: each Rollout of every changed root, base → head."""
    lines = []
    for (label, key), result in sorted(rendered.items()):
        base = rendered.get((BASE, key))
        if label != HEAD or base is None or not result.ok or not base.ok:
            continue  # a root without a base render is unchanged (or failed: the diff says so)
        lines += strategy_lines(
            rollouts_in(base.text, source=f"{result.name} (base)"),
            rollouts_in(result.text, source=result.name),
            root=result.name,
        )
    return strategy_markdown(lines)


def _config(git: Git, commit: str) -> Config | None:
    try:
        return config_at_commit(git, commit)
    except ConfigError:
        return None  # the diff already reports it; the gates use their defaults


def _verdict(diff: DiffResult, gates: GateReport | None) -> tuple[State, str]:
    changed = len(diff.changed)
    rendered = f"{changed} root{'s' if changed != 1 else ''} changed"
    if diff.failed:
        return "error", f"{len(diff.failed)} render error(s); {rendered}"
    if gates is None:
        return "success", rendered
    if gates.errors:
        return "error", f"gates could not check everything; {rendered}"
    failures = sum(1 for f in gates.findings if f.severity == "failure")
    warnings = sum(1 for f in gates.findings if f.severity == "warning")
    if failures:
        return "failure", f"gates failed: {failures} failure(s), {warnings} warning(s)"
    return "success", f"{rendered}; gates passed ({warnings} warning(s))"


_FINGERPRINT = re.compile(r"<secret sha256:[0-9a-f]{8}>")


def _stable(body: str) -> str:
    # Secret fingerprints are salted per run; they alone must not make the comment "changed".
    return _FINGERPRINT.sub("<secret>", body)


def publish_comment(forge: Forge, number: int, body: str) -> tuple[CommentAction, Comment]:
    """Create or edit the one comment carrying our marker; leave it alone when unchanged."""
    return upsert_sticky(
        forge, number, body, marker=MARKER, same=lambda old, new: _stable(old) == _stable(new)
    )
