"""Snapshots of a repository: listing helpers and `git cat-file --batch` parsing."""

from __future__ import annotations

from gitops_release.render.tree import parse_cat_file_batch, tree_from_texts


def test_listing_helpers() -> None:
    tree = tree_from_texts({"a/b/c.yaml": "x", "a/d.yaml": "y", "ab.yaml": "z"})
    assert tree.is_dir("a/b")
    assert tree.is_dir("")
    assert not tree.is_dir("a/b/c.yaml")
    assert list(tree.under("a")) == ["a/b/c.yaml", "a/d.yaml"]
    assert tree.read_many(["a/d.yaml", "nope"]) == {"a/d.yaml": "y"}
    assert tree.digest(["a/d.yaml"]) != tree.digest(["ab.yaml"])


def test_cat_file_batch_output() -> None:
    data = b"aaa blob 5\nhello\nbbb missing\nccc blob 3\n\x00\x01\x02\n"
    assert parse_cat_file_batch(data) == {"aaa": b"hello", "ccc": b"\x00\x01\x02"}
