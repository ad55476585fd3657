"""`preview` of a hostile pull request, through the GitHub emulator.

The pull request adds a chart whose `files/env` links to /proc/self/environ (read by
`.Files.Get`), and a kustomization whose secretGenerator literal has no `=` (kustomize quotes
it in its error). The sticky comment, the commit status, the job summary and the full-diff file
must name what was refused and why, and contain neither the token (in any encoding), nor the
renderer's environment, nor the secret value.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from github import Github

from gitops_release.testing import FakeGitHub, Token
from tests.integration.conftest import git

from .conftest import KUBECTL, REAL_HELM, Cli, Hostile
from .hostile import (
    Outputs,
    assert_absent,
    assert_no_leaks,
    assert_no_scratch_paths,
    chart_yaml,
    commit_all,
    config_map,
    credential_problems,
    env_dumping_wrapper,
    good_root,
    init_repo,
    read_dumps,
    unique,
    write_tree,
)

pytestmark = pytest.mark.integration

REPO = "acme/manifests"
MARKER = "<!-- gitops-release:preview -->"
CONFIG = """\
environments:
  staging: {branch: develop}
  production: {branch: master, promote_from: staging}
apps:
  good:
    image: ghcr.io/acme/good
    targets:
      - kustomize: apps/good
"""
ENVIRON_TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: environ
data:
  env: {{ .Files.Get "files/env" | quote }}
"""


def web_chart(tag: str) -> dict[str, str]:
    return {
        "charts/web/Chart.yaml": chart_yaml("web"),
        "charts/web/values.yaml": f'tag: "{tag}"\n',
        "charts/web/templates/config.yaml": config_map("web", {"tag": "{{ .Values.tag }}"}),
    }


def serve_pull_request(
    github: FakeGitHub,
    client: Github,
    tmp_path: Path,
    changes: dict[str, str | bytes],
    links: dict[str, str] | None = None,
) -> int:
    """`acme/manifests` with `develop` and `master`, and a pull request from branch `hostile`
    into `develop` that makes `changes` (files) and adds `links` (symbolic links)."""
    seed = init_repo(
        tmp_path / "seed", {".gitops-release.yaml": CONFIG, **good_root("1"), **web_chart("1")}
    )
    git("branch", "develop", cwd=seed)
    git("switch", "-q", "-c", "hostile", cwd=seed)
    write_tree(seed, changes, links)
    commit_all(seed, "hostile pull request")
    git("switch", "-q", "master", cwd=seed)
    github.create_repo(REPO, source=seed)
    pull = client.get_repo(REPO).create_pull(
        base="develop", head="hostile", title="Tidy up", body=""
    )
    return pull.number


def preview(cli: Cli, github: FakeGitHub, number: int, out: Path, *args: str) -> Outputs:
    result = cli(
        "preview",
        "--manifest-repo",
        REPO,
        "--api-url",
        github.api_url,
        "--git-url",
        github.clone_url(REPO),
        "--pr",
        str(number),
        "--json",
        "--output",
        out,
        *args,
    )
    outputs = Outputs()
    outputs.add_result("preview", result)
    outputs.add_file("preview --output", out)
    outputs.add("exit code", f"{result.exit_code}")
    return outputs


def test_hostile_pull_request_comment_names_the_refusal_and_leaks_nothing(
    cli: Cli,
    hostile: Hostile,
    fake_github: FakeGitHub,
    fake_github_client: Github,
    tmp_path: Path,
) -> None:
    literal = unique("HUNTER2")
    changes: dict[str, str | bytes] = {
        **good_root("2"),
        "charts/leaky/Chart.yaml": chart_yaml("leaky"),
        "charts/leaky/values.yaml": "replicas: 1\n",
        "charts/leaky/templates/environ.yaml": ENVIRON_TEMPLATE,
        "apps/gen/kustomization.yaml": (
            f"namespace: gen\nsecretGenerator:\n  - name: credentials\n    literals: [{literal}]\n"
        ),
    }
    number = serve_pull_request(
        fake_github,
        fake_github_client,
        tmp_path,
        changes,
        {"charts/leaky/files/env": "/proc/self/environ"},
    )
    fake_github.add_token(hostile.token, Token("octocat"))

    outputs = preview(cli, fake_github, number, tmp_path / "full-diff.md")

    repo = fake_github_client.get_repo(REPO)
    pull = repo.get_pull(number)
    comments = [c.body for c in pull.get_issue_comments() if c.body.startswith(MARKER)]
    statuses = list(repo.get_commit(pull.head.sha).get_statuses())
    for body in comments:
        outputs.add("the pull request comment", body)
    for status in statuses:
        outputs.add(f"status {status.context}", f"{status.state}: {status.description}")
    outputs.texts.update(hostile.outputs().texts)

    assert_no_leaks(outputs, {"token": hostile.token, "secret literal": literal})
    assert_absent(outputs, "GITOPS_RELEASE_TOKEN", "GITHUB_TOKEN", "PATH=", "HOME=")
    assert_no_scratch_paths(outputs)
    assert outputs.texts["exit code"] == "1", outputs.everything()
    assert len(comments) == 1, comments
    (body,) = comments
    refusal = [
        line
        for line in body.splitlines()
        if "charts/leaky/files/env" in line
        and "symbolic link" in line
        and "outside the repository" in line
    ]
    assert refusal, body
    assert "charts/leaky" in body
    assert "apps/gen" in body
    assert "apps/good" in body  # the root the attack does not touch is still diffed
    assert statuses, "no commit status was set"
    assert statuses[0].context == "gitops-release/preview"
    assert statuses[0].state in ("error", "failure")
    summary = hostile.step_summary.read_text("utf-8") if hostile.step_summary.is_file() else ""
    full = (tmp_path / "full-diff.md").read_text("utf-8")
    for text in (summary, full):
        assert "charts/leaky/files/env" in text
        assert "outside the repository" in text


RENDERERS = [
    "kustomize",
    pytest.param(
        "helm-binary",
        marks=pytest.mark.skipif(
            REAL_HELM is None, reason="GITOPS_RELEASE_TEST_HELM does not name a helm binary"
        ),
    ),
]


@pytest.mark.parametrize("renderer", RENDERERS)
def test_renderers_of_a_pull_request_get_no_credentials(
    renderer: str,
    cli: Cli,
    hostile: Hostile,
    fake_github: FakeGitHub,
    fake_github_client: Github,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dumps = tmp_path / "env-dumps"
    if renderer == "kustomize":
        wrapper = env_dumping_wrapper(
            tmp_path / "bin" / "kustomize", dumps, [str(KUBECTL), "kustomize"], drop_first="build"
        )
        monkeypatch.setenv("GITOPS_RELEASE_KUSTOMIZE", str(wrapper))
    else:
        assert REAL_HELM is not None
        wrapper = env_dumping_wrapper(tmp_path / "bin" / "helm", dumps, [REAL_HELM])
        monkeypatch.setenv("GITOPS_RELEASE_HELM", str(wrapper))
    # The token under a name of the user's choosing (`--token-env`), and in every usual place.
    monkeypatch.setenv("MY_TOKEN", hostile.token)
    number = serve_pull_request(
        fake_github, fake_github_client, tmp_path, {**good_root("2"), **web_chart("2")}
    )
    fake_github.add_token(hostile.token, Token("octocat"))
    home = os.environ["HOME"]

    outputs = preview(
        cli, fake_github, number, tmp_path / "full-diff.md", "--token-env", "MY_TOKEN"
    )

    assert outputs.texts["exit code"] == "0", outputs.everything()
    stdout = outputs.texts["preview: stdout"].splitlines()
    data = json.loads("\n".join(ln for ln in stdout if not ln.startswith("::")))
    assert data.get("state") == "success", data
    envs = read_dumps(dumps)
    assert envs, f"the {renderer} wrapper was never run"
    problems = {
        p
        for env in envs
        for p in credential_problems(env, hostile.token, also=["MY_TOKEN"], home=home)
    }
    assert not problems, sorted(problems)
    outputs.texts.update(hostile.outputs().texts)
    assert_no_leaks(outputs, {"token": hostile.token})
