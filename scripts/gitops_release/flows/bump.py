"""`bump`: open or update the one pull request per (environment, app) that sets an image.

plan   — read the config from the base branch, plan the edit on a sparse partial clone;
apply  — commit the change on a branch rebuilt from the current base;
publish — push (only when the tree differs, with a lease) and create or update the PR.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from gitops_release import image as images
from gitops_release import trailers
from gitops_release.config import Config
from gitops_release.edit import FileChange, resolve_app, write_atomically
from gitops_release.edit.model import Edit
from gitops_release.errors import GitError, GitHubError
from gitops_release.flows.branches import config_on_branch, require_branch
from gitops_release.flows.set_image import plan_for_checkout, unified_diff
from gitops_release.git import BOT, Git, Identity, auth_env
from gitops_release.github import Forge, PullRequest, upsert_pull

Action = Literal["created", "updated", "unchanged"]
MARKER = "<!-- gitops-release:bump -->"
MAX_ATTEMPTS = 4


@dataclass(frozen=True)
class Source:
    """Where the image came from: the app repo commit and PR, for links and trailers."""

    repo: str | None = None
    sha: str | None = None
    pr: int | None = None
    server_url: str = "https://github.com"

    def trailer(self) -> str | None:
        if not self.repo and not self.sha:
            return None
        text = f"{self.repo or '?'}@{self.sha or '?'}"
        return text + (f" (#{self.pr})" if self.pr else "")

    def links(self) -> list[str]:
        out = []
        if self.repo and self.sha:
            out.append(
                f"[{self.repo}@{self.sha[:7]}]({self.server_url}/{self.repo}/commit/{self.sha})"
            )
        if self.repo and self.pr:
            out.append(f"[{self.repo}#{self.pr}]({self.server_url}/{self.repo}/pull/{self.pr})")
        return out


@dataclass(frozen=True)
class BumpRequest:
    manifest_repo: str
    env: str
    image: str
    git_url: str
    app: str | None = None
    base: str | None = None
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    auto_merge: bool = False
    source: Source = field(default_factory=Source)
    allow_downgrade: bool = False
    dry_run: bool = False
    identity: Identity = BOT
    token: str = field(default="", repr=False)
    workdir: Path | None = None  # keep the clone here (debugging, tests); default: a temp dir


@dataclass(frozen=True)
class BumpResult:
    action: Action
    app: str
    env: str
    image: str
    base: str
    branch: str
    previous_image: str | None
    edits: tuple[Edit, ...]
    pull_request: PullRequest | None
    commit: str | None
    pushed: bool
    dry_run: bool
    reason: str = ""
    warnings: tuple[str, ...] = ()
    diff: str = ""


def branch_name(env: str, app: str) -> str:
    return f"gitops-release/{env}/{app}"


def bump(request: BumpRequest, forge: Forge) -> BumpResult:
    images.parse(request.image)  # fail fast on a bad reference, before any network call
    default_branch = forge.check_write_access()
    with tempfile.TemporaryDirectory(prefix="gitops-release-bump-") as tmp:
        where = request.workdir or Path(tmp) / "repo"
        git = Git.init(where, request.git_url, auth_env(request.token))
        config, base = _config_and_base(git, request, default_branch)
        return _bump_in(git, config, base, request, forge)


def _config_and_base(git: Git, request: BumpRequest, default_branch: str) -> tuple[Config, str]:
    """The config as it is on the environment's branch, and that branch."""
    heads = git.remote_heads()
    probe = request.base or default_branch
    config = config_on_branch(git, heads, probe, request.manifest_repo)
    env = config.environment(request.env)
    base = request.base or env.branch or default_branch
    if base != probe:
        config = config_on_branch(git, heads, base, request.manifest_repo)
        config.environment(request.env)
    return config, base


def _bump_in(git: Git, config: Config, base: str, request: BumpRequest, forge: Forge) -> BumpResult:
    ref = images.parse(request.image)
    warnings: list[str] = []
    wanted = resolve_app(config, ref, request.app)
    # Only the config and this app's targets are checked out (and so fetched).
    paths = [".gitops-release.yaml", *(t.path for t in wanted.targets_for(request.env))]
    branch = branch_name(request.env, wanted.name)
    for _attempt in range(MAX_ATTEMPTS):
        heads = git.remote_heads()
        base_sha = require_branch(heads, base, request.manifest_repo)
        remote = heads.get(branch)
        git.fetch_branches(base, *([branch] if remote else []))
        git.sparse_checkout(base_sha, paths)
        changes, app = plan_for_checkout(
            git.cwd,
            config,
            env=request.env,
            image_ref=request.image,
            app_name=request.app,
            allow_downgrade=request.allow_downgrade,
        )
        edits = tuple(e for c in changes for e in c.edits)
        previous = next((e.old_image for e in edits if e.old_image), None)
        result = _Outcome(request, app.name, base, branch, previous, edits, tuple(changes)).result
        existing = forge.find_open_pull(branch, base)
        if not any(c.changed for c in changes):
            return result(
                "unchanged",
                existing,
                None,
                pushed=False,
                reason=f"{request.env} already runs {request.image}",
            )
        write_atomically(git.cwd, changes)
        commit = git.commit_all(
            commit_message(app.name, request.env, str(ref), previous, edits, request.source),
            request.identity,
        )
        newer = _newer_on_branch(git, remote, ref) if remote is not None else None
        if newer is not None and remote is not None:
            return result(
                "unchanged",
                _describe_head(git, forge, existing, branch, remote, request, base),
                None,
                pushed=False,
                reason=f"{branch} already carries the newer {newer}",
            )
        same_tree = remote is not None and git.tree_of(remote) == git.tree_of(commit)
        if request.dry_run:
            return result(
                "unchanged" if same_tree and existing else ("updated" if existing else "created"),
                existing,
                commit,
                pushed=False,
                reason="dry run: nothing published",
            )
        pushed = False
        if not same_tree:
            if not git.push_with_lease(branch, remote):
                continue  # someone moved the branch: rebuild from the current base and retry
            pushed = True
        title = pr_title(app.name, request.env, str(ref))
        body = pr_body(app.name, request.env, str(ref), previous, edits, request.source, base)
        if pushed and git.remote_heads().get(branch) != commit:
            continue  # a concurrent bump pushed after us: its commit decides (newer wins)
        try:
            pull, action = upsert_pull(forge, existing, branch, base, title, body, pushed)
        except GitHubError as exc:
            if pushed and remote is None:
                _delete_stray_branch(git, branch, commit, exc)
            raise
        head = git.remote_heads().get(branch)
        if head is not None and head != (commit if pushed else remote):
            # A concurrent bump pushed while we opened or edited the pull request: the title
            # and body must describe the branch's head, not us.
            pull = _describe_head(git, forge, pull, branch, head, request, base) or pull
        forge.add_labels(pull.number, request.labels)
        warnings += forge.request_reviewers(pull.number, request.reviewers)
        if request.auto_merge:
            forge.enable_auto_merge(pull.number)
        return result(
            action, pull, commit if pushed else remote, pushed=pushed, warnings=tuple(warnings)
        )
    raise GitError(
        f"gave up after {MAX_ATTEMPTS} attempts: the branch kept moving while pushing",
        hint="another bump of the same app is running; run again",
    )


def _describe_head(
    git: Git,
    forge: Forge,
    pull: PullRequest | None,
    branch: str,
    head: str,
    request: BumpRequest,
    base: str,
) -> PullRequest | None:
    """The pull request, its title and body made to describe `head` (the branch's commit): a
    concurrent, older run may have titled it after itself."""
    if pull is None:
        return None
    git.fetch_branches(branch)
    message = git.message(head)
    described = describe_commit(message, base, request.source.server_url)
    if described is None or (pull.title, pull.body) == described:
        return pull
    return forge.update_pull(pull.number, title=described[0], body=described[1])


def _delete_stray_branch(git: Git, branch: str, commit: str, exc: GitHubError) -> None:
    """Remove the branch we pushed for a pull request that could not be opened; when that is
    refused too, the error says so and how to remove it (the next run adopts it otherwise)."""
    git.delete_remote_branch(branch, commit)
    if git.remote_heads().get(branch) == commit:
        exc.hint = (
            f"{exc.hint + '; ' if exc.hint else ''}the branch {branch} was pushed and could not "
            f"be deleted: delete it with `git push origin --delete {branch}`, or run again "
            "(the next run reuses it)"
        )


_EDIT_LINE = re.compile(r"^- (?P<file>.+):(?P<line>\d+) (?P<old>\S+) → (?P<new>\S+)$")
_SOURCE_TRAILER = re.compile(r"^(?P<repo>[^@]+)@(?P<sha>\S+)(?: \(#(?P<pr>\d+)\))?$")


def describe_commit(message: str, base: str, server_url: str) -> tuple[str, str] | None:
    """The pull request title and body for a bump commit, from its message (None when the
    commit is not a bump's: no trailers)."""
    found = trailers.parse_trailers(message)
    app, env, image = (
        found.get(k, [None])[-1] for k in (trailers.APP, trailers.ENV, trailers.IMAGE)
    )
    if not app or not env or not image:
        return None
    edits = []
    for line in message.splitlines():
        match = _EDIT_LINE.match(line)
        if match:
            old, new = match["old"], match["new"]
            edits.append(
                Edit(
                    file=match["file"],
                    line=int(match["line"]),
                    old=None if old == "(none)" else old,
                    new=None if new == "(removed)" else new,
                    target="",
                    key="",
                )
            )
    source = Source(server_url=server_url)
    origin = _SOURCE_TRAILER.match(found.get(trailers.SOURCE, [""])[-1])
    if origin:
        source = Source(
            repo=None if origin["repo"] == "?" else origin["repo"],
            sha=None if origin["sha"] == "?" else origin["sha"],
            pr=int(origin["pr"]) if origin["pr"] else None,
            server_url=server_url,
        )
    previous = found.get(trailers.PREVIOUS, [None])[-1]
    title = pr_title(app, env, image)
    return title, pr_body(app, env, image, previous, edits, source, base)


def _newer_on_branch(git: Git, remote: str, ref: images.ImageRef) -> str | None:
    """The image on the PR branch when it is a strictly newer semver than ours."""
    message = git.message(remote)
    found = trailers.parse_trailers(message).get(trailers.IMAGE, [])
    if not found:
        return None
    try:
        theirs = images.parse(found[-1])
    except Exception:
        return None
    mine, other = images.semver_of(ref.tag), images.semver_of(theirs.tag)
    if mine is not None and other is not None and other > mine:
        return str(theirs)
    return None


@dataclass(frozen=True)
class _Outcome:
    """What is known once the edit is planned; `result()` adds how it was published."""

    request: BumpRequest
    app: str
    base: str
    branch: str
    previous: str | None
    edits: tuple[Edit, ...]
    changes: tuple[FileChange, ...]

    def result(
        self,
        action: Action,
        pull: PullRequest | None,
        commit: str | None,
        *,
        pushed: bool,
        reason: str = "",
        warnings: tuple[str, ...] = (),
    ) -> BumpResult:
        return BumpResult(
            action=action,
            app=self.app,
            env=self.request.env,
            image=self.request.image,
            base=self.base,
            branch=self.branch,
            previous_image=self.previous,
            edits=self.edits,
            pull_request=pull,
            commit=commit,
            pushed=pushed,
            dry_run=self.request.dry_run,
            reason=reason,
            warnings=warnings,
            diff=unified_diff(self.changes),
        )


def commit_message(
    app: str, env: str, image: str, previous: str | None, edits: Sequence[Edit], source: Source
) -> str:
    lines = [pr_title(app, env, image), ""]
    lines += [f"- {e.file}:{e.line} {e.old or '(none)'} → {e.new or '(removed)'}" for e in edits]
    lines.append("")
    lines.append(
        trailers.format_trailers(
            [
                (trailers.APP, app),
                (trailers.ENV, env),
                (trailers.IMAGE, image),
                (trailers.PREVIOUS, previous),
                (trailers.SOURCE, source.trailer()),
            ]
        )
    )
    return "\n".join(lines) + "\n"


def pr_title(app: str, env: str, image: str) -> str:
    return f"deploy({app}): {env} → {image}"


def pr_body(
    app: str,
    env: str,
    image: str,
    previous: str | None,
    edits: Sequence[Edit],
    source: Source,
    base: str,
) -> str:
    was = f" (was `{previous}`)" if previous else ""
    rows = "\n".join(
        f"| `{e.file}` | {e.line} | `{e.old or '—'}` | `{e.new or '(removed)'}` |" for e in edits
    )
    links = source.links()
    source_line = f"\n\nSource: {' · '.join(links)}" if links else ""
    return (
        f"{MARKER}\n"
        f"Deploys **`{image}`** to **{env}** (`{base}`){was}.\n\n"
        f"| file | line | old | new |\n| --- | --- | --- | --- |\n{rows}"
        f"{source_line}\n\n"
        f"<sub>Opened by gitops-release for app `{app}`. A newer image for the same app and "
        "environment updates this pull request.</sub>\n"
    )
