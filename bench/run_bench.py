"""`make bench`: throughput and delay benchmarks of the served sandbox, measured with wrk on loopback.

Reports, in one run on one machine (servers pinned to one core and load on another where the
machine has two or more, see bench/servers.py):
1. side by side, in interleaved rounds under the same noise (bench/throughput.py): WireMock serving
   the lookup's JSON as a static stub, a bare Flask endpoint answering the same JSON (gunicorn's stock
   gevent worker, as many workers as the sandbox), the gateway's citizen lookup (`POST /ngsp/population/lookup`
   with a Bearer token, 2,000 cached citizens; token check, fault engine and journal on), the
   portal's `TraCuuHoSo` and `DongBoHoSoMC` (a write): requests/s and the servers' CPU time per
   request, with ratios;
2. how many requests per second one Locust worker process drives (FastHttpUser) against the
   sandbox's cheapest route (bench/throughput.py);
3. with a fixed injected delay (1 s at 1,000 connections, 5 s at 10,000 connections), the share of
   the Little's-law bound (connections / delay) reached in steady state, wrk's own p99 beside the
   delay, a per-request steady-state p99 measured by the script, socket errors, peak memory
   (bench/delays.py).

Results go to stdout and to docs/benchmarks.md between the generated markers (bench/report.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load, servers  # noqa: E402
from bench.delays import delay_run  # noqa: E402
from bench.report import render, write_report  # noqa: E402
from bench.throughput import CONNECTIONS, locust_ceiling, throughput_rounds  # noqa: E402
from loadtests import wire  # noqa: E402

# (flags, argparse keywords): the command line, one row per option.
OPTIONS: tuple[tuple[tuple[str, ...], dict], ...] = (
    (("--workers",), {"type": int, "default": 2, "help": "gunicorn gevent workers of the sandbox and the bare app"}),
    (("--duration",), {"type": int, "default": 10, "help": "seconds per throughput run"}),
    (("--rounds",), {"type": int, "default": 3, "help": "interleaved rounds of the throughput runs"}),
    (("--no-pin",), {"action": "store_true", "help": "do not pin servers and load to separate cores"}),
    (("--skip-delays",), {"action": "store_true", "help": "throughput and Locust only"}),
    (("--quick",), {"action": "store_true", "help": "one short round, smaller delay runs (smoke test)"}),
    (("--out",), {"default": str(ROOT / "docs" / "benchmarks.md")}),
    (("--render",), {"metavar": "RESULTS_JSON", "help": "only write the report from a previous run's results.json"}),
)
DELAY_RUNS = {"full": [(1.0, 1000, 30), (5.0, 10000, 60)], "quick": [(1.0, 200, 20), (2.0, 1000, 25)]}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line (see OPTIONS)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for flags, keywords in OPTIONS:
        parser.add_argument(*flags, **keywords)
    return parser.parse_args(argv)


def main() -> int:
    """Run the benchmarks and write the report."""
    args = parse_args()
    if args.render:
        return write_report(json.loads(Path(args.render).read_text(encoding="utf-8")), args.out)
    if not shutil.which("wrk"):
        print("wrk is missing: run `make bench` (it installs Debian's wrk) or apt-get install wrk", file=sys.stderr)
        return 2
    if args.quick:
        args.rounds, args.duration = 1, 4
    pin = servers.Pinning(False if args.no_pin else None)
    work = Path(tempfile.mkdtemp(prefix="sandbox-bench-"))
    env = {**os.environ, "SANDBOX_ADMIN_TOKEN": load.ADMIN, "SANDBOX_SEED": str(load.SEED), "SANDBOX_WORKER_CONNECTIONS": "12000"}
    results: dict = {
        "workers": args.workers,
        "rounds": args.rounds,
        "duration": args.duration,
        "connections": CONNECTIONS,
        "pinning": pin.describe(),
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "load_before": os.getloadavg(),
    }
    port = servers.free_port()
    sandbox = servers.start_sandbox(pin, port, args.workers, work / "bench.db", env, work / "sandbox.log")
    base = f"http://127.0.0.1:{port}"
    try:
        side_by_side(pin, args, base, sandbox.pid, env, work, results)
        if not args.skip_delays:
            # A fresh sandbox: the delay runs measure the delay path, not the thousands of dossiers the
            # DongBoHoSoMC rounds left for the job runner's periodic tasks.
            servers.stop(sandbox)
            sandbox = servers.start_sandbox(pin, port, args.workers, work / "delay.db", env, work / "sandbox-delay.log")
            prelude = load.portal_prelude(base)
            runs = DELAY_RUNS["quick" if args.quick else "full"]
            results["delays"] = [delay_run(pin, base, work / "delay.db", prelude, work, sandbox.pid, d, c, t) for d, c, t in runs]
        results["load_after"] = os.getloadavg()
    finally:
        servers.stop(sandbox)
    (work / "results.json").write_text(json.dumps(results, default=str, indent=2))
    print(f"raw results: {work / 'results.json'}")
    if args.quick:
        print(render(results))
        return 0
    return write_report(results, args.out)


def side_by_side(pin: servers.Pinning, args: argparse.Namespace, base: str, sandbox_pid: int, env: dict, work: Path, results: dict) -> None:
    """WireMock, the bare endpoint and the sandbox in interleaved rounds, then the Locust ceiling."""
    token = load.gateway_token(base)
    warm_ids = load.valid_ids(2000)
    reply = requests.post(
        base + load.LOOKUP_PATH,
        data=load.lookup_body(1, warm_ids[0]),
        timeout=10,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    reply.raise_for_status()
    (work / "reply.json").write_bytes(reply.content)
    results["reply_bytes"] = len(reply.content)
    bare_port, wm_port = servers.free_port(), servers.free_port()
    bare = servers.start_bare(pin, bare_port, args.workers, {**env, "BENCH_REPLY_JSON": str(work / "reply.json")}, work / "bare.log")
    wiremock = None
    try:
        wiremock = servers.start_wiremock(work, wm_port, load.LOOKUP_PATH, reply.content, pin)
        results["wiremock"] = servers.wiremock_jar().name if wiremock else None
        lookup = load.lookup_script(token, work / "lookup.lua", warm_ids)
        portal = work / "portal.lua"
        portal.write_text(load.portal_prelude(base), encoding="utf-8")
        run_id = wire.new_run_id()
        service = base + load.PORTAL_PATH
        targets: dict[str, tuple] = {}
        if wiremock:
            targets["wiremock"] = (f"http://127.0.0.1:{wm_port}{load.LOOKUP_PATH}", lambda i: lookup, wiremock.pid)
        targets["bare"] = (f"http://127.0.0.1:{bare_port}/json", lambda i: lookup, bare.pid)
        targets["lookup"] = (base + load.LOOKUP_PATH, lambda i: lookup, sandbox_pid)
        targets["portal_query"] = (service, lambda i: portal, sandbox_pid)
        targets["portal_sync"] = (service, lambda i: load.sync_script(base, work / f"sync-{i}.lua", run_id, i), sandbox_pid)
        # Warm-up: WireMock's JIT, SQLite pages, and every worker's caches: each worker must have seen
        # all 2,000 citizens (a connection stays on one worker), so the lookup warms for several cycles.
        for name, (url, script_for, _) in targets.items():
            if name != "portal_sync":
                load.wrk(pin, url, CONNECTIONS, {"lookup": 8 if args.quick else 25, "wiremock": 10}.get(name, 3), script_for(0), 10)
        results["throughput"] = throughput_rounds(pin, targets, args.rounds, args.duration)
    finally:
        servers.stop(wiremock)  # frees the pinned core for the next measurements
        servers.stop(bare)
    results["locust"] = locust_ceiling(pin, base, work, 8 if args.quick else 20)
    print(f"locust: {results['locust']['rps']:.0f} req/s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
