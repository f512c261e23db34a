"""The side-by-side runs of `make bench`: interleaved wrk rounds per server, and the Locust ceiling.

Rounds interleave the servers so that each round compares them under the same machine noise;
each run also reads the serving process tree's CPU time, a figure per request that the
machine's other load disturbs less than requests/s.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from bench import servers
from bench.load import wrk

CONNECTIONS = 50
ROOT = Path(__file__).resolve().parent.parent


def throughput_rounds(pin: servers.Pinning, targets: dict[str, tuple], rounds: int, duration: int) -> dict:
    """Run every target (url, script for a round, server pid) once per round, interleaved."""
    runs: dict[str, list[dict]] = {name: [] for name in targets}
    for i in range(rounds):
        for name, (url, script_for_round, pid) in targets.items():
            script = script_for_round(i)
            cpu0 = servers.tree_cpu_seconds(pid)
            result = wrk(pin, url, CONNECTIONS, duration, script, 10)
            cpu = servers.tree_cpu_seconds(pid) - cpu0
            result["cpu_us_per_request"] = cpu / max(1, result["requests"]) * 1e6
            result.pop("raw")
            runs[name].append(result)
            print(f"round {i + 1} {name}: {result['rps']:.0f} req/s, {result['cpu_us_per_request']:.0f} µs CPU/request", flush=True)
    return runs


def locust_ceiling(pin: servers.Pinning, base: str, work: Path, seconds: int, users: int = 64) -> dict:
    """Requests/s one Locust process (FastHttpUser) drives against GET /healthz, and its own CPU use."""
    prefix = work / "locust"
    options = {"-u": users, "-r": users, "-t": f"{seconds}s", "--host": base, "--csv": prefix, "--loglevel": "WARNING", "--stop-timeout": 2}
    cmd = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locust_ceiling.py"), "--headless", "--only-summary"]
    for flag, value in options.items():
        cmd += [flag, str(value)]
    proc = servers.start(pin.load(cmd), None, work / "locust.log")
    cpu = 0.0
    while proc.poll() is None:
        cpu = servers.tree_cpu_seconds(proc.pid) or cpu  # the last reading before it exits
        time.sleep(0.5)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["Name"] == "Aggregated")
    rps = float(row["Requests/s"])
    return {
        "rps": rps,
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "users": users,
        "seconds": seconds,
        "cpu_s": cpu,
        "cpu_share": cpu / seconds,
        "rps_per_cpu_s": rps / max(cpu / seconds, 1e-9),
    }
