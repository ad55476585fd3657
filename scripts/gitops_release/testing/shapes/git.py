"""Git data in GitHub's shapes: references, commits (with their authors resolved to accounts
where the emulator knows them), a commit's changed files as diff entries, and branches."""

from __future__ import annotations

import zlib
from urllib.parse import quote

from gitops_release.testing.gitrepo import ChangedFile, CommitInfo, Person, RefInfo
from gitops_release.testing.shapes.base import Json
from gitops_release.testing.shapes.repos import RepoShapes
from gitops_release.testing.store import RepoState, node_id


class GitShapes(RepoShapes):
    """Refs, commits, diff entries and branches."""

    def git_ref(self, repo: RepoState, ref: RefInfo) -> Json:
        api = self.urls.repo_api(repo.full_name)
        kind = "tags" if ref.type == "tag" else "commits"
        return {
            "ref": ref.name,
            "node_id": node_id("REF", zlib.crc32(f"{repo.id}:{ref.name}".encode())),
            "url": f"{api}/git/{quote(ref.name)}",
            "object": {"type": ref.type, "sha": ref.sha, "url": f"{api}/git/{kind}/{ref.sha}"},
        }

    def _login_for(self, person: Person) -> str | None:
        """The known user a commit's email belongs to (`ID+login@users.noreply...`)."""
        local, _, domain = person.email.partition("@")
        if domain != "users.noreply.github.com":
            return None
        login = local.partition("+")[2] or local
        return login if self.store.find_user(login) is not None else None

    def commit(
        self, repo: RepoState, info: CommitInfo, files: list[ChangedFile] | None = None
    ) -> Json:
        api = self.urls.repo_api(repo.full_name)
        html = f"{self.urls.web}/{repo.full_name}"

        def person(value: Person) -> Json:
            return {"name": value.name, "email": value.email, "date": value.date}

        def account(value: Person) -> Json | None:
            login = self._login_for(value)
            return None if login is None else self.user(login)

        data: Json = {
            "url": f"{api}/commits/{info.sha}",
            "sha": info.sha,
            "node_id": node_id("C", int(info.sha[:12], 16)),
            "html_url": f"{html}/commit/{info.sha}",
            "comments_url": f"{api}/commits/{info.sha}/comments",
            "commit": {
                "url": f"{api}/git/commits/{info.sha}",
                "author": person(info.author),
                "committer": person(info.committer),
                "message": info.message,
                "tree": {"sha": info.tree, "url": f"{api}/git/trees/{info.tree}"},
                "comment_count": 0,
                "verification": {
                    "verified": False,
                    "reason": "unsigned",
                    "signature": None,
                    "payload": None,
                    "verified_at": None,
                },
            },
            "author": account(info.author),
            "committer": account(info.committer),
            "parents": [
                {"sha": sha, "url": f"{api}/commits/{sha}", "html_url": f"{html}/commit/{sha}"}
                for sha in info.parents
            ],
        }
        if files is not None:
            additions = sum(f.additions for f in files)
            deletions = sum(f.deletions for f in files)
            data["stats"] = {
                "additions": additions,
                "deletions": deletions,
                "total": additions + deletions,
            }
            data["files"] = [self.diff_entry(repo, f, info.sha) for f in files]
        return data

    def diff_entry(self, repo: RepoState, change: ChangedFile, sha: str) -> Json:
        api = self.urls.repo_api(repo.full_name)
        html = f"{self.urls.web}/{repo.full_name}"
        path = quote(change.filename)
        entry: Json = {
            "sha": change.sha,
            "filename": change.filename,
            "status": change.status,
            "additions": change.additions,
            "deletions": change.deletions,
            "changes": change.additions + change.deletions,
            "blob_url": f"{html}/blob/{sha}/{path}",
            "raw_url": f"{html}/raw/{sha}/{path}",
            "contents_url": f"{api}/contents/{path}?ref={sha}",
        }
        if change.patch is not None:
            entry["patch"] = change.patch
        if change.previous_filename is not None:
            entry["previous_filename"] = change.previous_filename
        return entry

    def branch(self, repo: RepoState, name: str, info: CommitInfo) -> Json:
        api = self.urls.repo_api(repo.full_name)
        return {
            "name": name,
            "commit": self.commit(repo, info),
            "_links": {
                "self": f"{api}/branches/{quote(name)}",
                "html": f"{self.urls.web}/{repo.full_name}/tree/{quote(name)}",
            },
            "protected": False,
            "protection": {
                "enabled": False,
                "required_status_checks": {
                    "enforcement_level": "off",
                    "contexts": [],
                    "checks": [],
                },
            },
            "protection_url": f"{api}/branches/{quote(name)}/protection",
        }
