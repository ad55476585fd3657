"""Release notes: a comparison's first-parent commits as the pull requests they came from (each
once) or as commits, capped, and their Markdown."""

from __future__ import annotations

from gitops_release.github import AppCommit, AppPull, Comparison
from gitops_release.steps.release_notes import (
    HEADING,
    MAX_ENTRIES,
    Entry,
    entries_of,
    render,
)

REPO = "acme/web"
URL = f"https://github.com/{REPO}/compare/base...head"


def sha(name: str) -> str:
    return (name * 40)[:40]


def commit(name: str, parents: tuple[str, ...], subject: str = "") -> AppCommit:
    return AppCommit(
        sha(name), tuple(sha(p) for p in parents), subject or f"commit {name}", "dev",
        f"https://github.com/{REPO}/commit/{sha(name)}",
    )  # fmt: skip


def comparison(commits: list[AppCommit], total: int | None = None) -> Comparison:
    return Comparison(
        REPO, sha("0"), commits[-1].sha if commits else sha("0"), URL, status="ahead",
        ahead_by=len(commits), total_commits=len(commits) if total is None else total,
        commits=tuple(commits),
    )  # fmt: skip


def pull(number: int, title: str) -> AppPull:
    return AppPull(number, title, "alice", f"https://github.com/{REPO}/pull/{number}")


def test_merge_commits_and_squashes_become_their_pull_requests_newest_first() -> None:
    # base 0 ← a (feature, in PR 1) ← m1 (merge of PR 1) ← s (squash of PR 2) ← d (direct)
    commits = [
        commit("a", ("0",), "work on login"),
        commit("m", ("0", "a"), "Merge pull request #1 from acme/login"),
        commit("s", ("m",), "Add search (#2)"),
        commit("d", ("s",), "bump deps"),
    ]
    pulls = {sha("m"): pull(1, "Add login"), sha("s"): pull(2, "Add search")}
    entries = entries_of(comparison(commits), pulls.get, 51)
    assert [(e.number, e.title) for e in entries] == [
        (None, "bump deps"),
        (2, "Add search"),
        (1, "Add login"),
    ]
    # the feature commit the merge brought in is its pull request's, not a line of its own
    assert sha("a") not in [e.sha for e in entries]


def test_a_pull_request_is_listed_once_even_when_several_commits_map_to_it() -> None:
    commits = [commit("a", ("0",)), commit("b", ("a",))]  # a rebase merge: two commits, one PR
    entries = entries_of(comparison(commits), lambda _: pull(3, "Refactor"), 51)
    assert [e.number for e in entries] == [3]


def test_entries_stop_at_the_limit() -> None:
    commits, parent = [], "0"
    for index in range(60):
        name = f"{index:02d}"
        commits.append(AppCommit((name * 20)[:40], ((parent * 20)[:40],), f"c{name}", "dev", "u"))
        parent = name
    entries = entries_of(comparison(commits), lambda _: None, MAX_ENTRIES + 1)
    assert len(entries) == MAX_ENTRIES + 1
    assert entries[0].title == "c59"


def test_render_lists_pulls_and_commits_with_the_comparison_link() -> None:
    entries = [
        Entry(sha("s"), "Add search", "alice", f"https://github.com/{REPO}/pull/2", 2),
        Entry(sha("d"), "bump deps", "Dev Eloper", f"https://github.com/{REPO}/commit/d"),
    ]
    text = render(comparison([commit("s", ("0",)), commit("d", ("s",))]), entries)
    lines = text.splitlines()
    assert lines[0] == HEADING
    link = f"[`{sha('0')[:7]}...{sha('d')[:7]}`]({URL})"
    assert f"Changes in {REPO} since the running image ({link}, 2 commits, 1 pull request):" in (
        lines
    )
    assert f"- [#2](https://github.com/{REPO}/pull/2) Add search (@alice)" in lines
    assert f"- [`{sha('d')[:7]}`](https://github.com/{REPO}/commit/d) bump deps (Dev Eloper)" in (
        lines
    )
    assert "and more" not in text


def test_render_caps_the_list_and_links_the_full_comparison() -> None:
    entries = [Entry(sha("x"), f"change {n}", "dev", "u", n) for n in range(MAX_ENTRIES + 1)]
    text = render(comparison([commit("x", ("0",))], total=300), entries)
    assert sum(1 for line in text.splitlines() if line.startswith("- [#")) == MAX_ENTRIES
    assert f"- … and more: see the [full comparison]({URL})" in text


def test_render_says_so_when_there_are_no_changes() -> None:
    text = render(comparison([]), [])
    assert text.startswith(f"{HEADING}\n\nno app changes in {REPO}")


def test_an_older_image_says_which_changes_it_takes_out() -> None:
    entries = [Entry(sha("s"), "Add search", "alice", "u", 2)]
    text = render(comparison([commit("s", ("0",))]), entries, reverse=True)
    assert "This image is **older**: it takes out these changes" in text


def test_titles_are_plain_text() -> None:
    entries = [Entry(sha("s"), "<script> ping @team", "alice", "u", 2)]
    text = render(comparison([commit("s", ("0",))]), entries)
    assert "&lt;script&gt; ping @\u200bteam" in text
    assert "<script>" not in text
