"""The delay runs of `make bench`: a fixed injected delay on `TraCuuHoSo` against Little's law.

With `connections` held and each request delayed `delay_s`, the most a server can answer is
connections / delay_s per second (the bound). A run reports the share of the bound reached in
steady state (from the sandbox's own counters), wrk's p99 beside the delay, the per-request
steady-state p99 measured by bench/latency.lua, socket errors and the server's peak memory.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from pathlib import Path

import requests

from bench import servers
from bench.load import ADMIN, PORTAL_PATH, wrk

LATENCY_LUA = Path(__file__).resolve().parent / "latency.lua"


def served_requests(db_path: Path, system: str) -> float:
    """Requests the sandbox has answered for `system`, from its own metric aggregates in SQLite.

    Read from the file, not over HTTP: at 10,000 connections a /metrics call would queue
    behind the load it is measuring. Workers flush their counts every 200 ms.
    """
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as conn:
        row = conn.execute("SELECT coalesce(sum(count), 0) FROM metrics_requests WHERE system = ?", [system]).fetchone()
    return float(row[0])


def steady_latency(out: str) -> dict:
    """The STEADY-LATENCY line bench/latency.lua prints: n and percentiles in ms."""
    match = re.search(r"STEADY-LATENCY n=(\d+) (.*)", out)
    if not match:
        return {}
    marks = dict(re.findall(r"p([\d.]+)=(\d+)", match.group(2)))
    return {"n": int(match.group(1)), **{f"p{k}": float(v) for k, v in marks.items()}}


class PeakMemory(threading.Thread):
    """Samples a process tree's total RSS every 0.2 s and keeps the peak."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self) -> None:
        """Sample until `running` is cleared."""
        while self.running:
            self.peak = max(self.peak, servers.tree_rss_mb(self.pid))
            time.sleep(0.2)


def delay_run(
    pin: servers.Pinning, base: str, db_path: Path, prelude: str, work: Path, pid: int, delay_s: float, connections: int, duration: int
) -> dict:
    """A fixed delay on TraCuuHoSo at `connections`: share of the Little's-law bound, p99s, and CPU per request."""
    rule = {
        "id": "bench-delay",
        "match": {"system": "portal", "operation": "TraCuuHoSo"},
        "effects": [{"latency": {"dist": "fixed", "seconds": delay_s}}],
    }
    admin = {"Authorization": f"Bearer {ADMIN}"}
    requests.put(base + "/sandbox/rules/bench-delay", json=rule, headers=admin, timeout=30).raise_for_status()
    time.sleep(1.2)
    script = work / f"delay-{connections}.lua"
    script.write_text(prelude + "\n" + LATENCY_LUA.read_text(encoding="utf-8"), encoding="utf-8")
    threads = 2
    ramp = delay_s  # first requests spread over one delay period
    warm = ramp + delay_s * 2 + 2  # every connection has completed at least one delayed request since its ramp
    memory = PeakMemory(pid)
    memory.start()
    result: dict = {}
    extra = [str(warm), str(ramp), str(-(-connections // threads))]
    runner = threading.Thread(
        target=lambda: result.update(
            wrk(pin, base + PORTAL_PATH, connections, duration, script, timeout=int(delay_s * 3 + 5), threads=threads, extra=extra)
        )
    )
    runner.start()
    time.sleep(warm)
    c1, t1, cpu1 = served_requests(db_path, "portal"), time.monotonic(), servers.tree_cpu_seconds(pid)
    time.sleep(max(1.0, duration - warm - delay_s - 2))
    c2, t2, cpu2 = served_requests(db_path, "portal"), time.monotonic(), servers.tree_cpu_seconds(pid)
    runner.join()
    memory.running = False
    time.sleep(delay_s + 1)  # let the last delayed requests drain before changing the rule
    requests.delete(base + "/sandbox/rules/bench-delay", headers=admin, timeout=30)
    steady = (c2 - c1) / (t2 - t1)
    bound = connections / delay_s
    lat = steady_latency(result.get("raw", ""))
    return {
        **{k: v for k, v in result.items() if k != "raw"},
        "steady_rps": steady,
        "bound_rps": bound,
        "share_of_bound": steady / bound,
        # The server's CPU share and CPU per request in the steady window: whether the core was
        # saturated, and how much of it the machine's other load left to the server.
        "steady_cpu_share": (cpu2 - cpu1) / (t2 - t1),
        "steady_cpu_us_per_request": (cpu2 - cpu1) / max(1.0, c2 - c1) * 1e6,
        "steady_latency": lat,
        "p99_over_delay_ms": (result.get("p99_ms") or 0) - delay_s * 1000,
        "steady_p99_over_delay_ms": lat.get("p99", float("nan")) - delay_s * 1000,
        "peak_rss_mb": memory.peak,
        "delay_s": delay_s,
        "connections": connections,
        "duration_s": duration,
        "ramp_s": ramp,
        "warm_s": warm,
    }
