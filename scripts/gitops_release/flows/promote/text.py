"""What a promotion says: the production pull request's title and body, the commands to
promote a conflicted change by hand, and the comment on the source pull request. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from gitops_release.flows.promote.changes import Change, ImageChange
from gitops_release.github import PullRequest

PROMOTION_LABEL = "promotion"
CONFLICT_LABEL = "promotion-conflict"
MARKER = "<!-- gitops-release:promote -->"


def title_for(
    to_env: str,
    change: Change,
    source: PullRequest | None,
    images: Sequence[ImageChange] = (),
) -> str:
    """`deploy(web): production → IMAGE` for an image bump (as bump titles its PRs), else the
    source pull request's title (or the commit subject) marked with the environment."""
    if len(images) == 1:
        strategy = f" ({images[0].strategy})" if images[0].strategy else ""
        return f"deploy({images[0].app}): {to_env} → {images[0].image}{strategy}"
    if images:
        apps = ", ".join(i.app for i in images)
        return f"deploy({apps}): {to_env} → " + ", ".join(i.image for i in images)
    return f"[{to_env}] {source.title if source else change.subject}"


def body_for(
    *,
    from_env: str,
    to_env: str,
    change: Change,
    source: PullRequest | None,
    images: Sequence[ImageChange],
    semantic: bool,
    conflict_files: Sequence[str] = (),
    commands: str = "",
) -> str:
    origin = f"#{source.number} ({source.title})" if source else f"commit {change.short}"
    lines = [MARKER, f"Promotes {origin} from **{from_env}** to **{to_env}**."]
    commits = ", ".join(c[:7] for c in change.commits)
    how = "cherry-picked with `-x -m 1`" if change.mainline else "cherry-picked with `-x`"
    lines.append(f"\nCommits: {commits} ({how}).")
    if images:
        # `previous` is what the target environment runs now (not the source's previous image).
        lines += ["", f"| app | {to_env} runs now | after the merge |", "| --- | --- | --- |"]
        lines += [f"| {i.app} | `{i.previous or '—'}` | `{i.image}` |" for i in images]
        lines += [
            f"\n**Release strategy: `{i.strategy}`** ({i.app}): the same named strategy is "
            f"applied to {to_env}'s Rollouts."
            for i in images
            if i.strategy
        ]
    if semantic:
        lines.append(
            f"\n> [!NOTE]\n> The cherry-pick conflicted with {to_env}. Because this change is an "
            f"image bump made by gitops-release, it was re-applied with the edit engine on the "
            f"{to_env} targets instead: only the image tokens changed."
        )
    if conflict_files:
        listing = "\n".join(f"> - `{f}`" for f in conflict_files)
        lines.append(
            f"\n> [!WARNING]\n> **Draft: the cherry-pick conflicted** in:\n{listing}\n>\n"
            "> This pull request contains the commits that applied cleanly (possibly none). "
            "Resolve the rest by hand:\n\n```sh\n" + commands + "```"
        )
    lines.append(
        "\n<sub>Opened by gitops-release: one production pull request per staging change.</sub>"
    )
    return "\n".join(lines) + "\n"


def manual_commands(
    change: Change, to_branch: str, branch: str, conflict_files: Sequence[str]
) -> str:
    pick = " ".join(change.commits)
    mainline = " -m 1" if change.mainline else ""
    files = " ".join(conflict_files)
    return (
        f"git fetch origin {to_branch} {change.head}\n"
        f"git switch -c {branch} origin/{to_branch}\n"
        f"git cherry-pick -x{mainline} {pick}\n"
        f"# resolve the conflicts in: {files}\n"
        f"git add {files} && git cherry-pick --continue\n"
        f"git push origin {branch}\n"
    )


def conflict_comment(
    to_env: str, to_branch: str, change: Change, conflict_files: Sequence[str], commands: str
) -> str:
    listing = "\n".join(f"- `{f}`" for f in conflict_files)
    return (
        f"{MARKER}\n**gitops-release could not promote this change to {to_env}**: cherry-picking "
        f"{change.short} onto `{to_branch}` conflicts in:\n\n{listing}\n\n"
        "Nothing was pushed. To promote it by hand:\n\n"
        f"```sh\n{commands}```\n\nthen open a pull request to `{to_branch}`.\n"
    )
