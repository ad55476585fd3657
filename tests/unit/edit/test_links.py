"""The edit engine never reads or writes through a symbolic link, nor outside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops_release.edit import inside, write_atomically
from gitops_release.edit.model import PlannedFile
from gitops_release.errors import ManifestError


def _repo(tmp_path: Path) -> tuple[Path, Path]:
    repo = tmp_path / "repo"
    (repo / "apps" / "web").mkdir(parents=True)
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(b"image: ghcr.io/acme/web:1.0.0\n")
    return repo, outside


@pytest.mark.parametrize("name", ["/etc/passwd", "../outside.yaml", "apps/../../outside.yaml", ""])
def test_paths_leaving_the_repository_are_refused(tmp_path: Path, name: str) -> None:
    repo, _ = _repo(tmp_path)
    with pytest.raises(ManifestError, match="not a path inside the repository"):
        inside(repo, name)


def test_a_linked_file_is_refused_naming_the_link(tmp_path: Path) -> None:
    repo, outside = _repo(tmp_path)
    (repo / "apps" / "web" / "values.yaml").symlink_to(outside)
    with pytest.raises(ManifestError) as caught:
        inside(repo, "apps/web/values.yaml")
    assert caught.value.message.startswith("apps/web/values.yaml is a symbolic link")
    assert "nothing was changed" in caught.value.message


def test_a_linked_parent_directory_is_refused(tmp_path: Path) -> None:
    repo, outside = _repo(tmp_path)
    (repo / "apps" / "api").symlink_to(outside.parent)
    with pytest.raises(ManifestError, match=r"^apps/api is a symbolic link"):
        inside(repo, "apps/api/outside.yaml")


def test_nothing_is_written_when_one_target_is_a_link(tmp_path: Path) -> None:
    repo, outside = _repo(tmp_path)
    regular = repo / "apps" / "web" / "a.yaml"
    regular.write_bytes(b"image: ghcr.io/acme/web:1.0.0\n")
    (repo / "apps" / "web" / "b.yaml").symlink_to(outside)
    changes = [
        PlannedFile(
            f"apps/web/{n}",
            "image: ghcr.io/acme/web:1.0.0\n",
            "image: ghcr.io/acme/web:2.0.0\n",
            (),
        )
        for n in ("a.yaml", "b.yaml")
    ]
    with pytest.raises(ManifestError, match="b.yaml is a symbolic link"):
        write_atomically(repo, changes)
    assert regular.read_bytes() == b"image: ghcr.io/acme/web:1.0.0\n"
    assert outside.read_bytes() == b"image: ghcr.io/acme/web:1.0.0\n"
    assert sorted(p.name for p in (repo / "apps" / "web").iterdir()) == ["a.yaml", "b.yaml"]
