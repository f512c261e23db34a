"""Child processes of a run: the sandbox, the reference connector and Locust.

Every child gets its own process group, so stopping it stops its children too (gunicorn's
workers), and is stopped by the runner even when the run fails half-way.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(extra: dict | None = None) -> dict:
    """The environment for children: the repo on PYTHONPATH so `loadtests` and `simulator` import."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.update(extra or {})
    return env


class Child:
    """A started child process with its log file."""

    def __init__(self, name: str, cmd: list[str], log_path: Path, env: dict | None = None):
        self.name, self.cmd, self.log_path = name, cmd, log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=child_env(env),
            stdout=log_path.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, url: str, timeout_s: float = 30.0, verify: bool | str = True) -> None:
        """Wait until `url` answers 200 (`verify`: CA file for https); RuntimeError with the log's tail if not."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.tail()}")
            try:
                if requests.get(url, timeout=1, verify=verify).status_code == 200:
                    return
            except OSError:  # not listening yet, or (https) the CA file not written yet
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not healthy after {timeout_s:g} s:\n{self.tail()}")

    def wait(self, timeout_s: float) -> int:
        """Wait for exit; stopped (and -9 returned) when it overruns."""
        try:
            return self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.stop()
            return -9

    def stop(self) -> None:
        """SIGTERM the child's process group, then SIGKILL after 10 s."""
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass

    def tail(self, chars: int = 2000) -> str:
        """The end of the child's log."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def start_sandbox(out: Path, admin_token: str, seed: int, workers: int = 2, tls: bool = False) -> tuple[Child, str, str]:
    """`python -m simulator serve` on a free port with a fresh database under `out`.

    Returns (child, base URL, CA file): with `tls` the sandbox serves HTTPS under its local CA,
    kept in `out/tls/ca.pem` (the CA file is "" over plain HTTP).
    """
    port = free_port()
    cmd = [sys.executable, "-m", "simulator", "serve", "--port", str(port), "--db", str(out / "sandbox.db")]
    cmd += ["--workers", str(workers), *(["--tls"] if tls else [])]
    env = {"SANDBOX_ADMIN_TOKEN": admin_token, "SANDBOX_SEED": str(seed)}
    child = Child("sandbox", cmd, out / "sandbox.log", env)
    base = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    # The serve command writes the CA (tls/ beside the database) before gunicorn listens.
    ca_file = str((out / "tls" / "ca.pem").resolve()) if tls else ""
    _healthy_or_stopped(child, base + "/healthz", verify=ca_file or True)
    return child, base, ca_file


def start_reference_connector(
    out: Path,
    sandbox: str,
    province: str,
    secret: str,
    admin_token: str,
    seed: int,
    walk_seconds: float = 3.0,
    extra_args: tuple[str, ...] = (),
) -> tuple[Child, str]:
    """The reference connector on a free port; returns (child, its base URL)."""
    port = free_port()
    cmd = [sys.executable, "-m", "loadtests.reference_connector", "--sandbox", sandbox, "--province", province]
    cmd += ["--port", str(port), "--secret", secret, "--seed", str(seed), "--state", str(out / "connector.db")]
    cmd += ["--walk-seconds", str(walk_seconds), *extra_args]
    if admin_token:
        cmd += ["--admin-token", admin_token]
    child = Child("reference connector", cmd, out / "connector.log")
    base = f"http://127.0.0.1:{port}"
    _healthy_or_stopped(child, base + "/healthz")
    return child, base


def _healthy_or_stopped(child: Child, url: str, verify: bool | str = True) -> None:
    """Wait for the child's health URL; a child that never answers is stopped, not left running."""
    try:
        child.wait_healthy(url, verify=verify)
    except BaseException:
        child.stop()
        raise
