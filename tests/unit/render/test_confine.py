"""Render inputs stay inside the repository: links checked in the listing and on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_release.render.confine import escaping_links, link_target, links_in_tree
from gitops_release.render.tree import Tree, tree_from_directory, tree_from_texts


def _tree(files: dict[str, str], links: dict[str, str]) -> Tree:
    """A listing where `links` (path → link text) are symbolic links, as git records them."""
    base = tree_from_texts({**files, **links})
    return Tree(base.files, base.store, base.label, frozenset(links))


@pytest.mark.parametrize(
    ("link", "text", "expected"),
    [
        ("a/b/link", "../c", "a/c"),
        ("a/link", "..", ""),
        ("a/link", "../..", None),
        ("link", "../etc/passwd", None),
        ("a/link", "/proc/self/environ", None),
        ("a/link", "", None),
        ("a/link", "./x/../y", "a/y"),
    ],
)
def test_link_targets_resolve_lexically_inside_the_repository(
    link: str, text: str, expected: str | None
) -> None:
    assert link_target(link, text) == expected


def test_a_link_leaving_the_repository_is_a_problem_naming_the_link() -> None:
    tree = _tree(
        {"charts/api/Chart.yaml": "name: api\n"},
        {"charts/api/files/env": "/proc/self/environ"},
    )
    found = links_in_tree(tree, ["charts/api/Chart.yaml", "charts/api/files/env"])
    assert len(found.problems) == 1
    assert found.problems[0].startswith(
        "charts/api/files/env is a symbolic link to /proc/self/environ, outside the repository"
    )
    assert found.targets == frozenset()


def test_a_parent_directory_link_counts_for_every_path_below_it() -> None:
    tree = _tree(
        {"apps/web/kustomization.yaml": "resources: [base/x.yaml]\n"}, {"apps/web/base": "../../.."}
    )
    found = links_in_tree(tree, ["apps/web/base/x.yaml"])
    assert [p.split(" is ")[0] for p in found.problems] == ["apps/web/base"]


def test_links_inside_the_repository_add_their_targets_to_the_checkout() -> None:
    tree = _tree(
        {"base/kustomization.yaml": "resources: [cm.yaml]\n", "base/cm.yaml": "kind: ConfigMap\n"},
        {"overlay/base": "../base"},
    )
    found = links_in_tree(tree, ["overlay/base"])
    assert found.problems == ()
    assert found.targets == {"base/kustomization.yaml", "base/cm.yaml"}


def test_a_chain_of_links_is_followed_to_its_end() -> None:
    tree = _tree({"real/v.yaml": "a: 1\n"}, {"one": "two", "two": "real/v.yaml"})
    assert links_in_tree(tree, ["one"]).targets == {"real/v.yaml"}
    looping = _tree({}, {"a": "b", "b": "a"})
    assert links_in_tree(looping, ["a"]).problems


def test_disk_check_refuses_links_out_and_follows_links_in(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("kind: ConfigMap\n")
    (repo / "base").mkdir(parents=True)
    (repo / "base" / "cm.yaml").write_text("kind: ConfigMap\n")
    (repo / "overlay").mkdir()
    (repo / "overlay" / "base").symlink_to("../base")
    (repo / "overlay" / "out").symlink_to(outside)
    (repo / "base" / "env").symlink_to("/proc/self/environ")  # reached through overlay/base
    problems = escaping_links(repo, ["overlay/base/cm.yaml", "overlay/out/secret.yaml"])
    assert [p.split(" is ")[0] for p in problems] == ["base/env", "overlay/out"]
    assert escaping_links(repo, ["base/cm.yaml"]) == ()


def test_a_directory_listing_records_links_without_following_them(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "etc").symlink_to("/etc")
    (tmp_path / "d" / "env").symlink_to("/proc/self/environ")
    tree = tree_from_directory(tmp_path)
    assert tree.symlinks == {"d/etc", "d/env"}
    assert tree.text("d/env") == "/proc/self/environ"  # the link's text, never the target's
    assert not any(p.startswith("d/etc/") for p in tree.files)
