"""Routing: GitHub's path templates, slash-spanning parameters and specificity."""

from __future__ import annotations

from gitops_release.testing.routing import Router, compile_template


def _router() -> Router[str]:
    router: Router[str] = Router()
    router.add("GET", "/repos/{owner}/{repo}/commits/{ref:path}", "commit")
    router.add("GET", "/repos/{owner}/{repo}/commits/{ref:path}/status", "combined")
    router.add("GET", "/repos/{owner}/{repo}/commits/{commit_sha}/pulls", "pulls")
    router.add("GET", "/repos/{owner}/{repo}/git/ref/{ref:path}", "ref")
    router.add("DELETE", "/repos/{owner}/{repo}/labels/{name}", "label")
    return router


def test_template_compiles_to_plain_spelling_and_literal_weight() -> None:
    plain, pattern, literal = compile_template("/repos/{owner}/{repo}/git/ref/{ref:path}")

    assert plain == "/repos/{owner}/{repo}/git/ref/{ref}"
    assert pattern.fullmatch("/repos/a/b/git/ref/heads/feature/x") is not None
    assert literal == len("/repos///git/ref/")


def test_most_literal_template_wins() -> None:
    router = _router()

    combined = router.match("GET", "/repos/acme/app/commits/feature/x/status")
    plain = router.match("GET", "/repos/acme/app/commits/feature/x")
    pulls = router.match("GET", "/repos/acme/app/commits/abc123/pulls")

    assert combined is not None
    assert combined.route.handler == "combined"
    assert combined.params == {"owner": "acme", "repo": "app", "ref": "feature/x"}
    assert plain is not None
    assert plain.route.handler == "commit"
    assert pulls is not None
    assert pulls.route.template == "/repos/{owner}/{repo}/commits/{commit_sha}/pulls"


def test_parameters_are_percent_decoded_after_matching() -> None:
    found = _router().match("DELETE", "/repos/acme/app/labels/env%2Fprod%20x")

    assert found is not None
    assert found.params["name"] == "env/prod x"


def test_method_and_shape_must_match() -> None:
    router = _router()

    assert router.match("POST", "/repos/acme/app/git/ref/heads/main") is None
    assert router.match("GET", "/repos/acme/app") is None
    assert router.match("DELETE", "/repos/acme/app/labels/a/b") is None
    assert ("DELETE", "/repos/{owner}/{repo}/labels/{name}") in router.templates()
