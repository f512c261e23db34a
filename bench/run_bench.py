"""`make bench`: throughput and delay benchmarks of the served sandbox, measured with wrk on loopback.

Reports, in one run on one machine:
1. requests/s of a plain citizen lookup (POST /population/lookup, journal and fault engine on)
   next to a bare Flask JSON endpoint served the same way (gunicorn, gevent, same workers);
2. with a fixed injected delay (1 s at 1,000 connections, 5 s at 10,000 connections), the
   share of the Little's-law bound (connections / delay) reached in steady state, p99 vs the
   delay, socket errors and the server's peak memory.

Steady-state throughput is read from the sandbox's own counters (`/metrics`) between two
instants after the first delay has elapsed, because wrk's own average includes the ramp-up
during which no delayed request can finish yet. wrk's figures are reported beside it.
Results go to stdout and to docs/benchmarks.md (machine, figures, date).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.clients import by_province  # noqa: E402
from simulator.identity.providers import ALL_PROVIDERS  # noqa: E402,F401 - proves the package imports

ADMIN = "bench-admin-token"
SEED = 20250701


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def start(cmd: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def tree_rss_mb(pid: int) -> float:
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20
    except psutil.Error:
        return 0.0


class PeakMemory(threading.Thread):
    """Samples a process tree's total RSS every 0.2 s and keeps the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            time.sleep(0.2)


def wrk(url: str, connections: int, duration: int, script: Path | None, timeout: int, threads: int = 2) -> dict:
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", f"{timeout}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=duration + 120).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M)}
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": lat.get("50"),
        "p99_ms": lat.get("99"),
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "raw": out,
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def lookup_script(token: str, path: Path, count: int = 2000) -> Path:
    """A wrk Lua script POSTing lookups of `count` distinct valid citizen IDs in turn."""
    from simulator.identity import Population

    pop = Population(SEED)
    ids, n = [], 0
    while len(ids) < count:
        candidate = f"0{(n % 90) + 1:02d}{n % 2}{(n * 7) % 100:02d}{(n * 7919) % 10**6:06d}"
        n += 1
        try:
            if pop.citizen(candidate) is not None:
                ids.append(candidate)
        except Exception:  # invalid by the rules: skip
            continue
    lua = [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
        f'wrk.headers["Authorization"] = "Bearer {token}"',
        "local ids = {" + ",".join(f'"{i}"' for i in ids) + "}",
        "local n = 0",
        "request = function()",
        "  n = n + 1",
        "  local id = ids[(n % #ids) + 1]",
        '  return wrk.format(nil, nil, nil, \'{"MaYeuCau":"BENCH-\' .. n .. \'","MaDVC":"000.00.00.H56",'
        '"MaTichHop":"bench","MaCanBo":"bench","SoDinhDanh":"\' .. id .. \'"}\')',
        "end",
    ]
    path.write_text("\n".join(lua), encoding="utf-8")
    return path


def portal_script(base: str, path: Path) -> Path:
    """A wrk Lua script calling the portal's TraCuuHoSo (the cheapest simulated operation) with a session."""
    c = by_province(SEED, "56")
    session = requests.post(base + "/dvcqg/api/auth", json={"username": c.username, "password": c.password}, timeout=10).json()
    body = json.dumps({"session": session["session"], "madonvi": c.madonvi, "service": "TraCuuHoSo",
                       "mahoso": "000.00.01.H56-261126-0001"})
    path.write_text("\n".join(['wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/json"',
                               f"wrk.body = '{body}'"]), encoding="utf-8")
    return path


def gateway_token(base: str) -> str:
    c = by_province(SEED, "56")
    auth = base64.b64encode(f"{c.gateway_key}:{c.gateway_secret}".encode()).decode()
    return requests.post(base + "/ngsp/token", headers={"Authorization": "Basic " + auth}, timeout=5).json()["access_token"]


def served_requests(db_path: Path, system: str) -> float:
    """Requests the sandbox has answered for `system`, from its own metric aggregates in SQLite.

    Read from the file, not over HTTP: at 10,000 connections a /metrics call would queue
    behind the load it is measuring. Workers flush their counts every 200 ms.
    """
    import sqlite3

    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as conn:
        row = conn.execute("SELECT coalesce(sum(count), 0) FROM metrics_requests WHERE system = ?", [system]).fetchone()
    return float(row[0])


def delay_run(base: str, db_path: Path, script: Path, pid: int, delay_s: float, connections: int, duration: int) -> dict:
    rule = {"id": "bench-delay", "match": {"system": "portal", "operation": "TraCuuHoSo"},
            "effects": [{"latency": {"dist": "fixed", "seconds": delay_s}}]}
    admin = {"Authorization": f"Bearer {ADMIN}"}
    requests.put(base + "/sandbox/rules/bench-delay", json=rule, headers=admin, timeout=30).raise_for_status()
    time.sleep(1.2)
    memory = PeakMemory(pid)
    memory.start()
    result: dict = {}
    runner = threading.Thread(target=lambda: result.update(wrk(base + "/dvcqg/api/service", connections, duration, script,
                                                                timeout=int(delay_s * 3 + 5))))
    runner.start()
    warm = delay_s * 2 + 3  # every connection has completed at least one delayed request
    time.sleep(warm)
    c1, t1 = served_requests(db_path, "portal"), time.monotonic()
    time.sleep(max(1.0, duration - warm - delay_s - 2))
    c2, t2 = served_requests(db_path, "portal"), time.monotonic()
    runner.join()
    memory.running = False
    time.sleep(delay_s + 1)  # let the last delayed requests drain before changing the rule
    requests.delete(base + "/sandbox/rules/bench-delay", headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30)
    steady = (c2 - c1) / (t2 - t1)
    bound = connections / delay_s
    return {**{k: v for k, v in result.items() if k != "raw"}, "steady_rps": steady, "bound_rps": bound,
            "share_of_bound": steady / bound, "p99_over_delay_ms": (result["p99_ms"] or 0) - delay_s * 1000,
            "peak_rss_mb": memory.peak, "delay_s": delay_s, "connections": connections}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--duration", type=int, default=15, help="seconds per throughput run")
    parser.add_argument("--quick", action="store_true", help="smaller delay runs (CI smoke): 1 s x 200, 2 s x 1000")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: run `make bench` (it installs Debian's wrk) or apt-get install wrk", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="sandbox-bench-"))
    sandbox_port, bare_port = free_port(), free_port()
    env = {**os.environ, "SANDBOX_ADMIN_TOKEN": ADMIN, "SANDBOX_SEED": str(SEED), "SANDBOX_WORKER_CONNECTIONS": "12000"}
    python = sys.executable
    sandbox = start([python, "-m", "simulator", "serve", "--port", str(sandbox_port), "--workers", str(args.workers),
                     "--db", str(work / "bench.db")], env, work / "sandbox.log")
    bare = start([python, "-m", "gunicorn", "-k", "gevent", "-w", str(args.workers), "--worker-connections", "12000",
                  "--no-control-socket", "-b", f"127.0.0.1:{bare_port}", "bench.bare_app:app"], env, work / "bare.log")
    results: dict = {}
    try:
        base = f"http://127.0.0.1:{sandbox_port}"
        wait_up(base + "/healthz")
        wait_up(f"http://127.0.0.1:{bare_port}/json")
        token = gateway_token(base)
        script = lookup_script(token, work / "lookup.lua")
        wrk(base + "/population/lookup", 32, 3, script, 10)  # warm-up
        results["bare"] = wrk(f"http://127.0.0.1:{bare_port}/json", 64, args.duration, None, 10)
        results["lookup"] = wrk(base + "/population/lookup", 64, args.duration, script, 10)
        results["lookup"]["ratio_to_bare"] = results["lookup"]["rps"] / results["bare"]["rps"]
        runs = [(1.0, 200, 20), (2.0, 1000, 25)] if args.quick else [(1.0, 1000, 30), (5.0, 10000, 60)]
        portal = portal_script(base, work / "portal.lua")
        results["portal"] = wrk(base + "/dvcqg/api/service", 64, args.duration, portal, 10)
        results["delays"] = [delay_run(base, work / "bench.db", portal, sandbox.pid, d, c, t) for d, c, t in runs]
    finally:
        stop(sandbox)
        stop(bare)
    report = render(results, args)
    print(report)
    if not args.quick:
        Path(args.out).write_text(report, encoding="utf-8")
        print(f"written to {args.out}")
    (work / "results.json").write_text(json.dumps(results, default=str, indent=2))
    return 0


def render(results: dict, args) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        model = cpu
    lines = [
        "# Benchmarks",
        "",
        f"Measured {dt.date.today().isoformat()} by `make bench` (bench/run_bench.py) on {os.cpu_count()} cores ({model}), "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}, {args.workers} gunicorn gevent "
        "workers, load from wrk on the same machine (loopback). The machine is shared and noisy: compare ratios within "
        "one run, not absolute figures across runs.",
        "",
        "## Citizen lookup vs a bare Flask endpoint",
        "",
        "| endpoint | req/s | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|",
    ]
    for name, label in (("bare", "bare Flask JSON (GET /json)"), ("lookup", "POST /population/lookup (journal + faults on)"),
                        ("portal", "portal TraCuuHoSo (journal + faults on)")):
        r = results[name]
        lines.append(f"| {label} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['socket_errors'] + r['non_2xx']} |")
    lines += ["", f"Lookup reaches **{results['lookup']['ratio_to_bare']:.0%}** of the bare endpoint (target ≥ 50 %).", "",
              "## Injected delay vs Little's law", "",
              "Measured on the portal's `TraCuuHoSo` (session check, one indexed read, journal and fault engine on): the "
              "bound at 10,000 connections and 5 s is 2,000 req/s, above what two cores serve for a full citizen lookup, "
              "so the cheapest simulated operation isolates what is measured here, the cost of holding delayed requests.",
              "",
              "| delay | connections | bound req/s | steady req/s | share of bound | wrk req/s | p99 ms "
              "| p99 − delay ms | socket errors | non-2xx | peak server RSS MB |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results["delays"]:
        lines.append(
            f"| {r['delay_s']:.0f} s | {r['connections']} | {r['bound_rps']:.0f} | {r['steady_rps']:.0f} "
            f"| {r['share_of_bound']:.1%} | "
            f"{r['rps']:.0f} | {r['p99_ms']:.0f} | {r['p99_over_delay_ms']:.0f} | {r['socket_errors']} | "
            f"{r['non_2xx']} | {r['peak_rss_mb']:.0f} |"
        )
    lines += ["", "Targets: ≥ 95 % of the bound, p99 within 100 ms of the delay, no socket errors, server memory < 500 MB.",
              "Steady req/s comes from the sandbox's own counters between two instants after warm-up; wrk's average "
              "includes the first delay, during which nothing can complete.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
