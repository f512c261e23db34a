"""The servers `make bench` measures, started on loopback and pinned to one core where the machine has two.

- the sandbox (`python -m simulator serve`, gunicorn with gevent workers);
- the bare Flask endpoint (bench/bare_app.py) under gunicorn's stock gevent worker, with the same
  worker count;
- WireMock's standalone jar (from the `wiremock` npm package `make bench` installs) serving the
  lookup's JSON as a static stub.

Pinning: with two or more cores the servers run on core 1 (`taskset -c 1`) and the load
generators on core 0, so a load generator never takes CPU from the server it measures.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
WIREMOCK_DIR = ROOT / "var" / "bench" / "wiremock"
# The bare endpoint is the baseline, a bare Flask app on gunicorn's stock gevent worker;
# the sandbox serves with its own (simulator/http_worker.py), whose cheaper HTTP layer is part of it.
BARE_WORKER_CLASS = "gevent"


class Pinning:
    """Which cores the servers and the load generators get (`taskset` prefixes)."""

    def __init__(self, enabled: bool | None = None):
        cores = os.cpu_count() or 1
        self.enabled = (cores >= 2 and shutil.which("taskset") is not None) if enabled is None else enabled
        self.server_core, self.load_core = (1, 0) if self.enabled else (None, None)

    def server(self, cmd: list[str]) -> list[str]:
        """`cmd` pinned to the server core (unchanged without pinning)."""
        return ["taskset", "-c", str(self.server_core), *cmd] if self.enabled else cmd

    def load(self, cmd: list[str]) -> list[str]:
        """`cmd` pinned to the load generator's core (unchanged without pinning)."""
        return ["taskset", "-c", str(self.load_core), *cmd] if self.enabled else cmd

    def describe(self) -> str:
        """One line for the report."""
        if not self.enabled:
            return "not pinned (fewer than 2 cores or no taskset): servers and load share the cores"
        return f"servers pinned to core {self.server_core}, load generators to core {self.load_core} (taskset)"


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, timeout: float = 60, method: str = "GET") -> None:
    """Poll `url` until it answers (any status)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.request(method, url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def start(cmd: list[str], env: dict | None, log: Path) -> subprocess.Popen:
    """Start a server in its own process group, its output to `log`."""
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)


def start_sandbox(pin: Pinning, port: int, workers: int, db: Path, env: dict, log: Path) -> subprocess.Popen:
    """`python -m simulator serve` on `port`, pinned to the server core, once it answers /healthz."""
    cmd = [sys.executable, "-m", "simulator", "serve", "--port", str(port), "--workers", str(workers), "--db", str(db)]
    proc = start(pin.server(cmd), env, log)
    wait_up(f"http://127.0.0.1:{port}/healthz")
    return proc


def start_bare(pin: Pinning, port: int, workers: int, env: dict, log: Path) -> subprocess.Popen:
    """bench/bare_app.py under gunicorn's gevent worker with the sandbox's worker count, once it answers."""
    cmd = [sys.executable, "-m", "gunicorn", "-k", BARE_WORKER_CLASS, "-w", str(workers), "--worker-connections", "12000"]
    cmd += ["--no-control-socket", "-b", f"127.0.0.1:{port}", "bench.bare_app:app"]
    proc = start(pin.server(cmd), env, log)
    wait_up(f"http://127.0.0.1:{port}/json")
    return proc


def stop(proc: subprocess.Popen | None) -> None:
    """Stop a server started by `start` (its whole process group)."""
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its children so far."""
    try:
        root = psutil.Process(pid)
        total = 0.0
        for proc in (root, *root.children(recursive=True)):
            times = proc.cpu_times()
            total += times.user + times.system
        return total
    except psutil.Error:
        return 0.0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, MB."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20
    except psutil.Error:
        return 0.0


def wiremock_jar() -> Path | None:
    """The standalone jar the `wiremock` npm package ships, if installed (`make bench` installs it)."""
    jars = sorted(WIREMOCK_DIR.glob("node_modules/wiremock/**/wiremock-standalone-*.jar"))
    return jars[-1] if jars else None


def start_wiremock(work: Path, port: int, path: str, reply: bytes, pin: Pinning) -> subprocess.Popen | None:
    """WireMock answering POST `path` with `reply` (a static stub), or None when Java or the jar is missing."""
    jar, java = wiremock_jar(), shutil.which("java")
    if jar is None or java is None:
        return None
    root = work / "wiremock"
    (root / "mappings").mkdir(parents=True, exist_ok=True)
    (root / "__files").mkdir(exist_ok=True)
    (root / "__files" / "reply.json").write_bytes(reply)
    stub = {
        "request": {"method": "POST", "url": path},
        "response": {"status": 200, "bodyFileName": "reply.json", "headers": {"Content-Type": "application/json"}},
    }
    (root / "mappings" / "lookup.json").write_text(json.dumps(stub), encoding="utf-8")
    # No request journal: like the sandbox's bounded journal, it must not grow with every request.
    cmd = [
        java,
        "-jar",
        str(jar),
        "--port",
        str(port),
        "--bind-address",
        "127.0.0.1",
        "--root-dir",
        str(root),
        "--disable-banner",
        "--no-request-journal",
        "--disable-request-logging",
    ]
    proc = start(pin.server(cmd), dict(os.environ), work / "wiremock.log")
    try:
        wait_up(f"http://127.0.0.1:{port}/__admin/mappings", timeout=90)
    except RuntimeError:
        stop(proc)
        return None
    return proc
