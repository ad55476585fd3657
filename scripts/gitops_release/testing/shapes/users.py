"""Users, organizations and GraphQL actors in the shapes GitHub's OpenAPI description gives them:
`simple-user`, `public-user`/`private-user` profiles and `organization-full`."""

from __future__ import annotations

from gitops_release.testing.shapes.base import Json, ShapesBase


class UserShapes(ShapesBase):
    """Accounts: users, their profiles, organizations and actors."""

    def user(self, login: str) -> Json:
        state = self.store.user(login)
        api = f"{self.urls.api}/users/{state.login}"
        return {
            "login": state.login,
            "id": state.id,
            "node_id": state.node_id,
            "avatar_url": f"{self.urls.web}/avatars/u/{state.id}",
            "gravatar_id": "",
            "url": api,
            "html_url": f"{self.urls.web}/{state.login}",
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": state.type,
            "site_admin": False,
            "user_view_type": "public",
        }

    def user_profile(self, login: str, *, private: bool) -> Json:
        """`GET /user` (private view) and `GET /users/{username}` (public view)."""
        state = self.store.user(login)
        owned = [r for r in self.store.repos.values() if r.owner.lower() == login.lower()]
        profile = {
            **self.user(login),
            "name": state.login,
            "company": None,
            "blog": "",
            "location": None,
            "email": None,
            "hireable": None,
            "bio": None,
            "twitter_username": None,
            "public_repos": sum(1 for r in owned if not r.private),
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "created_at": state.created_at,
            "updated_at": state.created_at,
        }
        if not private:
            return profile
        return {
            **profile,
            "user_view_type": "private",
            "notification_email": None,
            "private_gists": 0,
            "total_private_repos": sum(1 for r in owned if r.private),
            "owned_private_repos": sum(1 for r in owned if r.private),
            "disk_usage": 0,
            "collaborators": 0,
            "two_factor_authentication": True,
        }

    def organization(self, login: str) -> Json:
        state = self.store.user(login, kind="Organization")
        api = f"{self.urls.api}/orgs/{state.login}"
        return {
            "login": state.login,
            "id": state.id,
            "node_id": state.node_id,
            "url": api,
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events",
            "hooks_url": f"{api}/hooks",
            "issues_url": f"{api}/issues",
            "members_url": f"{api}/members{{/member}}",
            "public_members_url": f"{api}/public_members{{/member}}",
            "avatar_url": f"{self.urls.web}/avatars/u/{state.id}",
            "description": None,
            "html_url": f"{self.urls.web}/{state.login}",
            "has_organization_projects": True,
            "has_repository_projects": True,
            "public_repos": sum(
                1
                for r in self.store.repos.values()
                if r.owner.lower() == login.lower() and not r.private
            ),
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "type": "Organization",
            "created_at": state.created_at,
            "updated_at": state.created_at,
            "archived_at": None,
        }

    def actor(self, login: str) -> Json:
        """A GraphQL `Actor` with the fields PyGithub asks for."""
        state = self.store.user(login)
        return {
            "avatarUrl": f"{self.urls.web}/avatars/u/{state.id}",
            "login": state.login,
            "resourcePath": f"/{state.login}",
            "url": f"{self.urls.web}/{state.login}",
        }
