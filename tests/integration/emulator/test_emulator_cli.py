"""The standalone emulator process: its two announcement lines and a clean stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

import gitops_release

pytestmark = pytest.mark.integration

SCRIPTS = Path(gitops_release.__file__).resolve().parents[1]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_standalone_server_announces_urls_and_stops(tmp_path: Path, stop_signal: int) -> None:
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(SCRIPTS), os.environ.get("PYTHONPATH", "")])
    )
    command = [
        sys.executable,
        "-m",
        "gitops_release.testing.fakegithub",
        "--port",
        "0",
        "--data",
        str(tmp_path / "data"),
        "--token",
        "cli-token-0123456789:alice",
    ]
    # A long-running server cannot go through proc.run, which waits for the process to end.
    server = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
    )
    try:
        assert server.stdout is not None
        api_line = server.stdout.readline()
        git_line = server.stdout.readline()
        assert api_line.startswith("api: http://127.0.0.1:")
        assert git_line.startswith("git: http://127.0.0.1:")
        api = api_line.removeprefix("api: ").strip()

        me = requests.get(
            f"{api}/user", headers={"Authorization": "token cli-token-0123456789"}, timeout=10
        )
        assert me.json()["login"] == "alice"
        created = requests.post(
            f"{api}/user/repos",
            json={"name": "demo", "auto_init": True},
            headers={"Authorization": "token cli-token-0123456789"},
            timeout=10,
        )
        assert created.status_code == 201
        assert (tmp_path / "data" / "alice" / "demo.git" / "HEAD").is_file()
        assert requests.get(f"{api}/user", timeout=10).status_code == 401
    finally:
        server.send_signal(stop_signal)
        out, err = server.communicate(timeout=20)
    assert server.returncode == 0, err
    assert out == ""
