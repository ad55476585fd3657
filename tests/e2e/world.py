"""The repositories of the end-to-end scenario: an app repo and a manifest repo, made in temp
dirs, that use our reusable workflows the way users do (the starter workflows, verbatim for the
manifest repo; with a local registry and buildah for the app repo)."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from ruamel.yaml import YAML

from gitops_release.testing import FakeGitHub, Token
from tests.e2e import events
from tests.e2e.harness import MANIFEST_TOKEN, REPO_ROOT, Act, ActResult, Registry, git

APP = "acme/web"
MANIFESTS = "acme/manifests"
APP_TOKEN = "ghs_e2eAppRepoJobToken0123456789abcdefABCDEF"
MANIFEST_JOB_TOKEN = "ghs_e2eManifestJobToken0123456789abcdefABC"
STAGING_BRANCH = "develop"
PRODUCTION_BRANCH = "master"

APP_WORKFLOW = """\
# The starter workflow (workflows/app-release.yml) with a local registry and buildah.
name: release
on:
  push:
    branches: [master]
permissions: {{}}
jobs:
  release:
    permissions: {{contents: read, packages: write}}
    uses: gitops-release/gitops-release/.github/workflows/app-release.yml@v1
    with:
      image: {registry}/acme/web
      manifest-repo: acme/manifests
      builder: buildah
      registry-login: false
      tls-verify: false
    secrets: {{manifest-token: "${{{{ secrets.MANIFEST_TOKEN }}}}"}}
"""

STARTER_WITH = 'with: {image: "ghcr.io/${{ github.repository }}", manifest-repo: acme/manifests}'
BRANCH_DEPLOY_WITH = (
    "with: {{image: {registry}/acme/web, manifest-repo: acme/manifests, builder: buildah,"
    " registry-login: false, tls-verify: false}}"
)
FEATURE_BRANCH = "feature-x"
COMMENTER = "alice"  # write on the app repo: may /deploy
BRANCH_DEPLOY_CONFIG = "branch_deploy:\n  environments: [staging]\n  ttl: 8h\n"


def branch_deploy_workflow(registry: Registry) -> str:
    """The starter workflow (workflows/branch-deploy.yml) with a local registry and buildah,
    and without its `cache-mode: none`: act's workflow schema predates that key and rejects
    the file (act runs without a cache server here, so there is no cache to keep out anyway)."""
    starter = (REPO_ROOT / "workflows" / "branch-deploy.yml").read_text(encoding="utf-8")
    lines = starter.splitlines(keepends=True)
    cache_mode = [line for line in lines if line.strip().startswith("cache-mode: none")]
    if STARTER_WITH not in starter or len(cache_mode) != 1:
        raise AssertionError(
            f"workflows/branch-deploy.yml no longer has {STARTER_WITH!r} and one cache-mode"
        )
    adapted = "".join(line for line in lines if line not in cache_mode)
    return adapted.replace(STARTER_WITH, BRANCH_DEPLOY_WITH.format(registry=registry.host))


PREVIEW_CONFIG = """\
preview_environments:
  branch: develop
  path: previews/{app}/pr-{pr}
  template: apps/{app}/overlays/preview
  namespace: "{app}-pr-{pr}"
  host: "{app}-pr-{pr}.preview.example.com"
  ttl: 72h
  max: 5
"""
PREVIEW_TEMPLATE = {
    "apps/web/overlays/preview/kustomization.yaml": (
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "resources:\n  - ../../base\n  - ingress.yaml\n"
    ),
    "apps/web/overlays/preview/ingress.yaml": (
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n"
        "  annotations:\n    alb.ingress.kubernetes.io/group.name: previews\n"
        "spec:\n  ingressClassName: alb\n  rules:\n    - host: web.example.com\n"
        "      http:\n        paths:\n          - path: /\n            pathType: Prefix\n"
        "            backend: {service: {name: web, port: {number: 80}}}\n"
    ),
}


def preview_env_workflow(registry: Registry) -> str:
    """The starter workflows/preview-env.yml, adapted as `branch_deploy_workflow` adapts its."""
    starter = (REPO_ROOT / "workflows" / "preview-env.yml").read_text(encoding="utf-8")
    lines = starter.splitlines(keepends=True)
    cache_mode = [line for line in lines if line.strip().startswith("cache-mode: none")]
    if STARTER_WITH not in starter or len(cache_mode) != 1:
        raise AssertionError(
            f"workflows/preview-env.yml no longer has {STARTER_WITH!r} and one cache-mode"
        )
    adapted = "".join(line for line in lines if line not in cache_mode)
    return adapted.replace(STARTER_WITH, BRANCH_DEPLOY_WITH.format(registry=registry.host))


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {{app: web}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
        - name: web
          image: {image}
          imagePullPolicy: Always
          ports:
            - containerPort: 8080
          securityContext:
            allowPrivilegeEscalation: false
            privileged: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            capabilities:
              drop: [ALL]
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: 500m, memory: 256Mi}}
          livenessProbe:
            httpGet: {{path: /healthz, port: 8080}}
          readinessProbe:
            httpGet: {{path: /ready, port: 8080}}
"""

POLARIS = """\
checks:
  imageRegistryAllowlist: danger
customChecks:
  imageRegistryAllowlist:
    successMessage: Image comes from an allowed registry
    failureMessage: Image must come from an allowed registry
    category: Security
    target: Container
    schema:
      '$schema': https://json-schema.org/draft/2019-09/schema
      type: object
      required: [image]
      properties:
        image:
          type: string
          pattern: ^{registry_re}/acme/
"""


STRATEGIES_CONFIG = """\
    strategies:
      default: rolling
      rolling: {steps: []}
      canary: {steps: [{setWeight: 25}, {pause: {}}, {setWeight: 75}, {pause: {duration: 30s}}]}
"""
# A Rollout that takes over the Deployment (workloadRef), and each overlay's patch of it.
ROLLOUT = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  strategy:
    canary:
      maxSurge: 1
"""
ROLLOUT_PATCH = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  strategy:
    canary:
      maxUnavailable: 0
      # steps are switched on per release by gitops-release
"""


def manifest_files(
    registry: Registry,
    *,
    branch_deploys: bool = False,
    previews: bool = False,
    strategies: bool = False,
) -> dict[str, str]:
    image = f"{registry.host}/acme/web"
    overlay = (
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        "namespace: web-{env}\nresources:\n  - ../../base\nimages:\n"
        f'  - name: {image}\n    newTag: "0.1.0"\n'
    ) + ("patches:\n  - path: rollout-patch.yaml\n" if strategies else "")
    rollouts = {
        "apps/web/base/rollout.yaml": ROLLOUT,
        "apps/web/overlays/staging/rollout-patch.yaml": ROLLOUT_PATCH,
        "apps/web/overlays/production/rollout-patch.yaml": ROLLOUT_PATCH,
    }
    return (rollouts if strategies else {}) | {
        ".gitops-release.yaml": (
            "environments:\n"
            f"  staging:    {{branch: {STAGING_BRANCH}}}\n"
            f"  production: {{branch: {PRODUCTION_BRANCH}, promote_from: staging}}\n"
            "apps:\n  web:\n"
            f"    image: {image}\n"
            "    targets:\n"
            "      - kustomize: apps/web/overlays/staging\n        environments: [staging]\n"
            "      - kustomize: apps/web/overlays/production\n        environments: [production]\n"
            + (STRATEGIES_CONFIG if strategies else "")
            + "gates:\n  kubernetes_version: v1.30\n  polaris_config: policy/polaris.yaml\n"
            "promote:\n  exclude: ['**/staging/**']\n"
            + (BRANCH_DEPLOY_CONFIG if branch_deploys else "")
            + (PREVIEW_CONFIG if previews else "")
        ),
        **(PREVIEW_TEMPLATE if previews else {}),
        "policy/polaris.yaml": POLARIS.format(registry_re=registry.host.replace(".", r"\.")),
        "apps/web/base/kustomization.yaml": (
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            "resources:\n  - deployment.yaml\n" + ("  - rollout.yaml\n" if strategies else "")
        ),
        "apps/web/base/deployment.yaml": DEPLOYMENT.format(image=f"{image}:0.1.0"),
        "apps/web/overlays/staging/kustomization.yaml": overlay.format(env="staging"),
        "apps/web/overlays/production/kustomization.yaml": overlay.format(env="production"),
        ".github/workflows/preview.yml": (
            REPO_ROOT / "workflows" / "manifest-preview.yml"
        ).read_text(encoding="utf-8"),
        ".github/workflows/promote.yml": (
            REPO_ROOT / "workflows" / "manifest-promote.yml"
        ).read_text(encoding="utf-8"),
        ".github/workflows/rollback.yml": (
            REPO_ROOT / "workflows" / "manifest-rollback.yml"
        ).read_text(encoding="utf-8"),
    }


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@dataclass
class World:
    github: FakeGitHub
    act: Act
    registry: Registry
    root: Path
    app: Path  # the app repo's work tree (what act runs in)

    # -- setup ---------------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        github: FakeGitHub,
        act: Act,
        registry: Registry,
        root: Path,
        *,
        branch_deploys: bool = False,
        previews: bool = False,
        strategies: bool = False,
    ) -> World:
        """The two repositories; with `branch_deploys`, also the app's branch-deploy workflow,
        `branch_deploy:` in the manifest config and a branch `feature-x` in the app repo; with
        `previews`, the app's preview-env workflow, `preview_environments:` and its template
        instead."""
        github.add_token(APP_TOKEN, Token("app-ci", repos=(APP,)))
        github.add_token(MANIFEST_TOKEN, Token("release-bot", repos=(MANIFESTS,), admin=False))
        github.add_token(MANIFEST_JOB_TOKEN, Token("manifest-ci", repos=(MANIFESTS,)))
        seed = root / "manifest-seed"
        files = manifest_files(
            registry, branch_deploys=branch_deploys, previews=previews, strategies=strategies
        )
        write(seed, files)
        git("init", "-q", "-b", PRODUCTION_BRANCH, cwd=seed)
        git("add", "-A", cwd=seed)
        git("commit", "-q", "-m", "initial manifests", cwd=seed)
        git("branch", STAGING_BRANCH, cwd=seed)
        github.create_repo(MANIFESTS, source=seed)
        app = root / "web"
        files = {
            "Dockerfile": "FROM scratch\nCOPY hello.txt /hello.txt\n",
            "hello.txt": "hello from acme/web\n",
            ".github/workflows/release.yml": APP_WORKFLOW.format(registry=registry.host),
        }
        if branch_deploys:
            files[".github/workflows/branch-deploy.yml"] = branch_deploy_workflow(registry)
        if previews:
            files[".github/workflows/preview-env.yml"] = preview_env_workflow(registry)
        write(app, files)
        git("init", "-q", "-b", "master", cwd=app)
        git("add", "-A", cwd=app)
        git("commit", "-q", "-m", "web: first release", cwd=app)
        if branch_deploys or previews:
            git("switch", "-q", "-c", FEATURE_BRANCH, cwd=app)
            write(app, {"hello.txt": "hello from feature-x\n"})
            git("commit", "-q", "-am", "web: try feature x", cwd=app)
            git("switch", "-q", "master", cwd=app)  # issue_comment runs the default branch's
        github.create_repo(APP, source=app)
        if branch_deploys or previews:
            github.set_permission(APP, COMMENTER, "write")
        # act derives the repository name from origin; nothing is fetched from it.
        git("remote", "add", "origin", f"https://github.com/{APP}.git", cwd=app)
        return cls(github, act, registry, root, app)

    # -- steps ---------------------------------------------------------------------------------
    def app_sha(self) -> str:
        return git("rev-parse", "HEAD", cwd=self.app)

    def release_app(self, message: str = "web: first release") -> ActResult:
        """Step 1: a push to the app repo's master runs app-release (`message`: the pushed
        commit's, as the event carries it)."""
        sha = git("rev-parse", "HEAD", cwd=self.app)
        payload = events.push_event(
            self.github.api_url,
            APP_TOKEN,
            APP,
            ref="refs/heads/master",
            before="0" * 40,
            after=sha,
            message=message,
        )
        return self.act.run(
            self.app,
            "push",
            payload,
            secrets={"GITHUB_TOKEN": APP_TOKEN, "MANIFEST_TOKEN": MANIFEST_TOKEN},
        )

    def open_app_pull(self, branch: str = FEATURE_BRANCH) -> int:
        """`branch` → master in the app repo, opened by the commenter; a branch other than
        `feature-x` is made from master with one change and pushed first."""
        if branch != FEATURE_BRANCH:
            git("switch", "-q", "-c", branch, "master", cwd=self.app)
            write(self.app, {"hello.txt": f"hello from {branch}\n"})
            git("commit", "-q", "-am", f"web: try {branch}", cwd=self.app)
            git("push", "-q", self.github.clone_url(APP, APP_TOKEN), branch, cwd=self.app)
            git("switch", "-q", "master", cwd=self.app)
        return self.github.open_pull(
            APP, head=branch, base="master", title=f"web: {branch}", author=COMMENTER
        )

    def comment(self, number: int, body: str) -> tuple[int, ActResult]:
        """The commenter comments `body` on app pull request `number`: the app repo's
        workflows run for that `issue_comment`. Returns the comment's id and the run."""
        comment_id = self.github.add_comment(APP, number, body, author=COMMENTER)
        payload = events.issue_comment_event(
            self.github.api_url, APP_TOKEN, APP, number, comment_id
        )
        run = self.act.run(
            self.app,
            "issue_comment",
            payload,
            secrets={"GITHUB_TOKEN": APP_TOKEN, "MANIFEST_TOKEN": MANIFEST_TOKEN},
        )
        return comment_id, run

    def pull_request(self, number: int, action: str) -> ActResult:
        """GitHub sends the app repo's workflows a `pull_request` event `action` for `number`
        (the pull request as the emulator has it now: labels, state)."""
        payload = events.pull_request_event(self.github.api_url, APP_TOKEN, APP, number, action)
        return self.act.run(
            self.app,
            "pull_request",
            payload,
            secrets={"GITHUB_TOKEN": APP_TOKEN, "MANIFEST_TOKEN": MANIFEST_TOKEN},
        )

    def app_api(self, method: str, path: str, **kwargs: Any) -> Any:
        """The app repository's REST API, as the commenter's tools would call it."""
        answer = requests.request(
            method,
            f"{self.github.api_url}/repos/{APP}{path}",
            headers={"Authorization": f"Bearer {APP_TOKEN}"},
            timeout=30,
            **kwargs,
        )
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def app_comments(self, number: int) -> tuple[str, ...]:
        return self.github.comments(APP, number)

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = requests.request(
            method,
            f"{self.github.api_url}{path}",
            headers={
                "Authorization": f"Bearer {MANIFEST_JOB_TOKEN}",
                "Accept": "application/vnd.github+json",
            },
            timeout=30,
            **kwargs,
        )
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def pulls(self, state: str = "open") -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.api(
            "GET", f"/repos/{MANIFESTS}/pulls", params={"state": state, "per_page": 100}
        )
        return result

    def _clone_url(self) -> str:
        return self.github.clone_url(MANIFESTS, MANIFEST_JOB_TOKEN)

    def manifest_checkout(self, branch: str) -> Path:
        """A fresh clone of the manifest repo at `branch`, as act checks it out for a run."""
        path = self.root / f"manifests-{branch}-{time.monotonic_ns()}"
        git(
            "clone",
            "-q",
            "--branch",
            branch,
            self._clone_url(),
            str(path),
            cwd=self.root,
        )
        git("remote", "set-url", "origin", f"https://github.com/{MANIFESTS}.git", cwd=path)
        return path

    def show(self, rev: str, path: str) -> str:
        """A file's text at `rev` in the served manifest repo."""
        bare = self.github.repo(MANIFESTS).path
        return git("--git-dir", bare, "show", f"{rev}:{path}", cwd=self.root)

    def kustomize_images(self, rev: str, path: str) -> list[dict[str, str]]:
        images: list[dict[str, str]] = YAML(typ="safe").load(self.show(rev, path))["images"]
        return images

    def ref(self, name: str) -> str | None:
        return self.github.ref(MANIFESTS, name)

    def open_pull(self, branch: str, files: dict[str, str], *, base: str, title: str) -> int:
        """A person pushes `branch` (from `base`) with `files` changed and opens a PR."""
        work = self.root / f"work-{branch.replace('/', '-')}"
        git("clone", "-q", "--branch", base, self._clone_url(), str(work), cwd=self.root)
        git("switch", "-q", "-c", branch, cwd=work)
        write(work, files)
        git("add", "-A", cwd=work)
        git("commit", "-q", "-m", title, cwd=work)
        git("push", "-q", "origin", branch, cwd=work)
        created = self.api(
            "POST",
            f"/repos/{MANIFESTS}/pulls",
            json={"title": title, "head": branch, "base": base, "body": title},
        )
        return int(created["number"])

    def statuses(self, sha: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.api("GET", f"/repos/{MANIFESTS}/commits/{sha}/statuses")
        return found

    def comments(self, number: int) -> tuple[str, ...]:
        return self.github.comments(MANIFESTS, number)

    def merge(self, number: int) -> str:
        """The release manager merges PR `number` (a merge commit)."""
        done = self.api(
            "PUT", f"/repos/{MANIFESTS}/pulls/{number}/merge", json={"merge_method": "merge"}
        )
        return str(done["sha"])

    def promote(self, before: str, after: str) -> ActResult:
        """Step 2: the push to the staging branch runs manifest-promote."""
        checkout = self.manifest_checkout(STAGING_BRANCH)
        payload = events.push_event(
            self.github.api_url,
            MANIFEST_JOB_TOKEN,
            MANIFESTS,
            ref=f"refs/heads/{STAGING_BRANCH}",
            before=before,
            after=after,
            message="Merge staging pull request",
        )
        try:
            return self.act.run(
                checkout, "push", payload, secrets={"GITHUB_TOKEN": MANIFEST_JOB_TOKEN}
            )
        finally:
            shutil.rmtree(checkout, ignore_errors=True)

    def preview(self, number: int) -> ActResult:
        """Steps 3 and 4: a pull request in the manifest repo runs manifest-preview."""
        pull = self.api("GET", f"/repos/{MANIFESTS}/pulls/{number}")
        checkout = self.manifest_checkout(pull["head"]["ref"])
        payload = events.pull_request_event(
            self.github.api_url, MANIFEST_JOB_TOKEN, MANIFESTS, number
        )
        try:
            return self.act.run(
                checkout, "pull_request", payload, secrets={"GITHUB_TOKEN": MANIFEST_JOB_TOKEN}
            )
        finally:
            shutil.rmtree(checkout, ignore_errors=True)
