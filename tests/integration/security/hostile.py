"""Building blocks of the hostile-input tests.

A hostile pull request on the manifest repository controls every file the renderers read. These
helpers build such repositories (with symbolic links, committed as git keeps them: mode 120000),
gather every output a command produces, and search those outputs for secrets in the encodings a
leak would use (plain, reversed, base64 at any alignment, hex, decimal bytes).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import string
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import CliResult
from tests.integration.conftest import git

# Variables a GitHub Actions job may hold credentials in; a renderer must see none of them.
TOKEN_VARIABLES = (
    "GITOPS_RELEASE_TOKEN",
    "GITHUB_TOKEN",
    "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
)
CREDENTIAL_VARIABLES = (*TOKEN_VARIABLES, "ACTIONS_ID_TOKEN_REQUEST_URL", "GIT_CONFIG_COUNT")
CREDENTIAL_PREFIXES = ("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_")
# A link target with more `..` than any checkout is deep resolves to the same absolute path from
# the repository, from a temporary worktree and from a plain directory alike.
CLIMB = "../" * 40

Files = Mapping[str, str | bytes]


def new_token() -> str:
    """A fake token shaped like a GitHub personal access token (`ghp_` + 36 characters)."""
    alphabet = string.ascii_letters + string.digits
    return "ghp_" + "".join(secrets.choice(alphabet) for _ in range(36))


def unique(prefix: str) -> str:
    """A string that can only appear in an output if it was copied there."""
    return f"{prefix}-{secrets.token_hex(8).upper()}"


# -- repositories ----------------------------------------------------------------------------


def write_tree(root: Path, files: Files, links: Mapping[str, str] | None = None) -> Path:
    """Write files (text or bytes) and create symbolic links (path → target) below `root`."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove(path)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    for name, target in (links or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove(path)
        path.symlink_to(target)
    return root


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def commit_all(repo: Path, message: str) -> str:
    git("add", "-A", cwd=repo)
    git("commit", "-q", "--allow-empty", "-m", message, cwd=repo)
    return git("rev-parse", "HEAD", cwd=repo)


def init_repo(path: Path, files: Files, links: Mapping[str, str] | None = None) -> Path:
    """A git repository on `master` with one commit holding `files` and `links`."""
    path.mkdir(parents=True, exist_ok=True)
    git("init", "-q", "-b", "master", cwd=path)
    write_tree(path, files, links)
    commit_all(path, "initial manifests")
    return path


def tracked_mode(repo: Path, rev: str, path: str) -> str:
    """The git file mode of `path` at `rev` (120000 for a symbolic link)."""
    return git("ls-tree", rev, "--", path, cwd=repo).split()[0]


def link_to(target: Path | str, style: str) -> str:
    """A link target for `target`: absolute, or relative climbing out of the repository."""
    text = str(target)
    if style == "absolute":
        return text
    if style == "relative":
        return CLIMB + text.lstrip("/")
    raise ValueError(style)


def disk_state(root: Path) -> dict[str, tuple[str, bytes | str]]:
    """Every entry below `root` without following links (`.git` skipped): what it is and holds."""
    state: dict[str, tuple[str, bytes | str]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        base = Path(dirpath)
        for name in sorted(dirnames) + sorted(filenames):
            path = base / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                state[rel] = ("link", str(path.readlink()))
            elif path.is_file():
                state[rel] = ("file", path.read_bytes())
            else:
                state[rel] = ("dir", "")
    return state


# -- manifests --------------------------------------------------------------------------------


def config_map(name: str, data: Mapping[str, str], namespace: str | None = None) -> str:
    meta = f"  name: {name}\n" + (f"  namespace: {namespace}\n" if namespace else "")
    body = "".join(f"  {k}: {json.dumps(v)}\n" for k, v in data.items())
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n{meta}data:\n{body}"


REMOVED_PDB = """\
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: good
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: good}
"""


def chart_yaml(name: str) -> str:
    return f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n"


def argo_application(name: str, path: str, helm: str = "") -> str:
    """An Argo CD Application whose source is the directory `path` of this repository."""
    return (
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n"
        f"  name: {name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n"
        "    repoURL: https://github.com/acme/manifests.git\n    targetRevision: HEAD\n"
        f"    path: {path}\n{helm}"
        f"  destination:\n    server: https://kubernetes.default.svc\n    namespace: {name}\n"
    )


def gitops_config(*, render_paths: Iterable[str] = (), targets: str | None = None) -> str:
    """`.gitops-release.yaml` with one app (`good`) and optional plain-manifest roots."""
    text = (
        "environments:\n  staging: {branch: master}\napps:\n  good:\n"
        "    image: ghcr.io/acme/good\n    targets:\n"
        + (targets or "      - kustomize: apps/good\n")
    )
    paths = list(render_paths)
    if paths:
        text += "render:\n  paths:\n" + "".join(f"    - {p}\n" for p in paths)
    return text


def good_root(version: str, *, removed_api: bool = False) -> dict[str, str]:
    """A kustomize root (`apps/good`) that must keep rendering whatever else fails."""
    resources = ["config.yaml", *(["pdb.yaml"] if removed_api else [])]
    files = {
        "apps/good/kustomization.yaml": (
            "namespace: good\nresources:\n" + "".join(f"  - {r}\n" for r in resources)
        ),
        "apps/good/config.yaml": config_map("good", {"version": version}),
    }
    if removed_api:
        files["apps/good/pdb.yaml"] = REMOVED_PDB
    return files


# -- outputs ----------------------------------------------------------------------------------


@dataclass
class Outputs:
    """Every text a run produced, by where it went (stdout, a file, a comment, ...)."""

    texts: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, text: str | None) -> None:
        if text:
            self.texts[name] = self.texts.get(name, "") + text

    def add_result(self, name: str, result: CliResult) -> None:
        self.add(f"{name}: stdout", result.stdout)
        self.add(f"{name}: stderr", result.stderr)

    def add_file(self, name: str, path: Path) -> None:
        if path.is_file():
            self.add(name, path.read_bytes().decode("utf-8", errors="replace"))

    def visible(self) -> dict[str, str]:
        """The texts without `::add-mask::` lines: those tell the runner what to hide and are
        never shown (the one place a token may legitimately be written)."""
        return {
            name: "\n".join(ln for ln in text.splitlines() if not ln.startswith("::add-mask::"))
            for name, text in self.texts.items()
        }

    def everything(self) -> str:
        return "\n".join(self.visible().values())


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def leak_forms(secret: str) -> dict[str, str]:
    """The encodings in which `secret` would show up if it leaked."""
    data = secret.encode()
    forms = {
        "plain": secret,
        "reversed": secret[::-1],
        "base64": _b64(data),
        "base64 of x-access-token:SECRET": _b64(b"x-access-token:" + data),
        "url-safe base64": base64.urlsafe_b64encode(data).decode(),
        "hex": data.hex(),
        "decimal bytes": " ".join(str(b) for b in data),
    }
    # Inside a longer base64 stream the secret starts at one of three alignments; the characters
    # that depend only on the secret's own bytes are the same whatever surrounds it.
    for shift in range(3):
        encoded = _b64(b"\0" * shift + data)
        start = -(-shift * 8 // 6)
        forms[f"embedded base64 (offset {shift})"] = encoded[start:-4]
    return forms


def find_leaks(outputs: Outputs, secrets_by_name: Mapping[str, str]) -> list[str]:
    found = []
    for output, text in outputs.visible().items():
        for secret_name, secret in secrets_by_name.items():
            for form_name, form in leak_forms(secret).items():
                at = text.find(form)
                if at >= 0:
                    context = text[max(0, at - 80) : at + len(form) + 80]
                    found.append(f"{secret_name} ({form_name}) in {output}: ...{context!r}...")
    return found


def assert_no_leaks(outputs: Outputs, secrets_by_name: Mapping[str, str]) -> None:
    found = find_leaks(outputs, secrets_by_name)
    assert not found, "secrets leaked:\n" + "\n".join(found)


def assert_absent(outputs: Outputs, *fragments: str) -> None:
    """None of `fragments` appears, as written, in any output."""
    found = [
        f"{fragment!r} in {name}: ...{text[max(0, text.find(fragment) - 80) :][:200]!r}..."
        for name, text in outputs.visible().items()
        for fragment in fragments
        if fragment in text
    ]
    assert not found, "found:\n" + "\n".join(found)


def scratch_prefix() -> str:
    """Where the tool's temporary checkouts live: never to be shown to a reader."""
    return str(Path(tempfile.gettempdir()) / "gitops-release-")


def assert_no_scratch_paths(outputs: Outputs) -> None:
    assert_absent(outputs, scratch_prefix(), "/gitops-release-")


def load_json(text: str) -> Any:
    return json.loads(text) if text.strip().startswith(("{", "[")) else None


# -- renderers that report what they were given -------------------------------------------------


def env_dumping_wrapper(
    path: Path, dumps: Path, command: list[str], *, drop_first: str | None = None
) -> Path:
    """An executable that writes its environment to `dumps/env-<pid>.json`, then runs
    `command + its arguments` (without a leading `drop_first` argument)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    dumps.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"#!{sys.executable} -I\n"
        "import json, os, sys\n"
        f"dump = os.path.join({str(dumps)!r}, 'env-%d.json' % os.getpid())\n"
        "with open(dump, 'w') as out:\n"
        "    json.dump(dict(os.environ), out)\n"
        "args = sys.argv[1:]\n"
        f"if {drop_first!r} is not None and args[:1] == [{drop_first!r}]:\n"
        "    args = args[1:]\n"
        f"argv = {command!r} + args\n"
        "os.execv(argv[0], argv)\n",
        encoding="utf-8",
    )
    path.chmod(0o755)
    return path


def read_dumps(dumps: Path) -> list[dict[str, str]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(dumps.glob("env-*.json"))]


def credential_problems(
    env: Mapping[str, str], token: str, *, also: Iterable[str] = (), home: str
) -> list[str]:
    """What a renderer's environment holds that it must not."""
    problems = [f"variable {k}" for k in (*CREDENTIAL_VARIABLES, *also) if k in env]
    problems += [f"variable {k}" for k in env if k.startswith(CREDENTIAL_PREFIXES)]
    for key, value in env.items():
        problems += [
            f"the token ({form}) in {key}"
            for form, text in leak_forms(token).items()
            if text in value or text in key
        ]
    if env.get("HOME") == home:
        problems.append(f"the job's HOME ({home})")
    return problems
