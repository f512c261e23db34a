"""`make bench`: throughput and delay benchmarks of the served sandbox, measured with wrk on loopback.

Reports, in one run on one machine (servers pinned to one core and load on another where the
machine has two or more, see bench/servers.py):
1. side by side, in interleaved rounds under the same noise: WireMock serving the lookup's JSON as
   a static stub, a bare Flask endpoint answering the same JSON (same gunicorn and gevent workers as
   the sandbox), the gateway's citizen lookup (`POST /ngsp/population/lookup` with a Bearer token,
   2,000 cached citizens; token check, fault engine and journal on), the portal's `TraCuuHoSo` and
   `DongBoHoSoMC` (a write): requests/s and the servers' CPU time per request, with ratios;
2. with a fixed injected delay (1 s at 1,000 connections, 5 s at 10,000 connections), the share of
   the Little's-law bound (connections / delay) reached in steady state, wrk's own p99 beside the
   delay, a per-request steady-state p99 measured by the script, socket errors, peak memory;
3. how many requests per second one Locust worker process drives (FastHttpUser) against the
   sandbox's cheapest route.

Results go to stdout and to docs/benchmarks.md between the generated markers (machine, date,
commands, figures); the profile and the account of what changed are kept below them.
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import json
import os
import platform
import re
import shutil
import sqlite3
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

from bench import servers  # noqa: E402
from loadtests import wire  # noqa: E402
from simulator.clients import by_province  # noqa: E402

ADMIN = "bench-admin-token"
SEED = 20250701
CONNECTIONS = 50
LOOKUP_PATH = "/ngsp/population/lookup"
BEGIN, END = "<!-- bench:begin (written by bench/run_bench.py) -->", "<!-- bench:end -->"


def wrk(
    pin: servers.Pinning,
    url: str,
    connections: int,
    duration: int,
    script: Path | None,
    timeout: int,
    threads: int = 1,
    extra: list[str] | None = None,
) -> dict:
    """One wrk run on the load core; its figures parsed (latencies in ms)."""
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", f"{timeout}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    cmd.append(url)
    if extra:
        cmd += ["--", *extra]
    out = subprocess.run(pin.load(cmd), capture_output=True, text=True, timeout=duration + 180).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    lat = {m.group(1): _ms(m.group(2)) for m in re.finditer(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M)}
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "requests": total,
        "p50_ms": lat.get("50"),
        "p99_ms": lat.get("99"),
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "raw": out,
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def valid_ids(count: int, offset: int = 0) -> list[str]:
    """`count` distinct valid IDs that have a citizen record, from a fixed walk over the ID space."""
    from simulator.identity import Population  # noqa: PLC0415 - importable only after sys.path has ROOT

    pop = Population(SEED)
    ids, seen, n = [], set(), offset
    while len(ids) < count:
        candidate = f"0{(n % 90) + 1:02d}{n % 2}{(n * 7) % 100:02d}{(n * 7919) % 10**6:06d}"
        n += 1
        if candidate in seen:
            continue
        seen.add(candidate)
        try:
            if pop.citizen(candidate) is not None:
                ids.append(candidate)
        except Exception:  # invalid by the rules: skip
            continue
    return ids


def lookup_body(n: int | str, citizen: str) -> str:
    """The population lookup request as provincial gateways send it."""
    return json.dumps(
        {"MaYeuCau": f"BENCH-{n}", "MaDVC": "000.00.00.H56", "MaTichHop": "bench", "MaCanBo": "bench", "SoDinhDanh": citizen},
        separators=(",", ":"),
    )


def lookup_script(token: str, path: Path, ids: list[str]) -> Path:
    """A wrk Lua script POSTing lookups of the given citizen IDs in turn (the same for all three servers)."""
    lua = [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
        f'wrk.headers["Authorization"] = "Bearer {token}"',
        "local ids = {" + ",".join(f'"{i}"' for i in ids) + "}",
        "local n = 0",
        "request = function()",
        "  n = n + 1",
        "  local id = ids[(n % #ids) + 1]",
        '  return wrk.format(nil, nil, nil, \'{"MaYeuCau":"BENCH-\' .. n .. \'","MaDVC":"000.00.00.H56",\'',
        '    .. \'"MaTichHop":"bench","MaCanBo":"bench","SoDinhDanh":"\' .. id .. \'"}\')',
        "end",
    ]
    path.write_text("\n".join(lua), encoding="utf-8")
    return path


def portal_session(base: str) -> tuple[str, str]:
    """(session, madonvi) of province 56's connector, logged in."""
    c = by_province(SEED, "56")
    session = requests.post(base + "/dvcqg/api/auth", json={"username": c.username, "password": c.password}, timeout=10).json()
    return session["session"], c.madonvi


def portal_prelude(base: str) -> str:
    """wrk Lua lines calling the portal's TraCuuHoSo (the cheapest simulated operation) with a session."""
    session, madonvi = portal_session(base)
    body = json.dumps({"session": session, "madonvi": madonvi, "service": "TraCuuHoSo", "mahoso": "000.00.01.H56-261126-0001"})
    return "\n".join(['wrk.method = "POST"', 'wrk.headers["Content-Type"] = "application/json"', f"wrk.body = '{body}'"])


def sync_script(base: str, path: Path, run_id: str, worker: int) -> Path:
    """A wrk Lua script syncing a new dossier per request (`DongBoHoSoMC`, isUpdating False): a write each."""
    session, madonvi = portal_session(base)
    days = [wire.dossier_code("56", run_id, worker, k * wire.PER_DAY)[:-5] for k in range(wire.DAYS_PER_WORKER)]
    sample = wire.dossier_payload("CODE")
    body = json.dumps(
        {"session": session, "madonvi": madonvi, "service": "DongBoHoSoMC", "isUpdating": "False", "data": [sample]}, ensure_ascii=False
    )
    head, tail = body.split('"CODE"', 1)
    lua = [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
        "local days = {" + ",".join(f'"{d}"' for d in days) + "}",
        f"local per_day = {wire.PER_DAY}",
        "local head, tail = " + _lua_str(head) + ", " + _lua_str(tail),
        "local n = 0",
        "request = function()",
        "  local day = days[math.floor(n / per_day) + 1]",
        '  local code = string.format("%s-%04d", day, n % per_day + 1)',
        "  n = n + 1",
        "  return wrk.format(nil, nil, nil, head .. '\"' .. code .. '\"' .. tail)",
        "end",
    ]
    path.write_text("\n".join(lua), encoding="utf-8")
    return path


def _lua_str(text: str) -> str:
    return "[==[" + text + "]==]"


def gateway_token(base: str) -> str:
    """A gateway bearer token for province 56 (OAuth2 client credentials, HTTP Basic)."""
    c = by_province(SEED, "56")
    auth = base64.b64encode(f"{c.gateway_key}:{c.gateway_secret}".encode()).decode()
    return requests.post(base + "/ngsp/token", headers={"Authorization": "Basic " + auth}, timeout=5).json()["access_token"]


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
        while self.running:
            self.peak = max(self.peak, servers.tree_rss_mb(self.pid))
            time.sleep(0.2)


def delay_run(
    pin: servers.Pinning, base: str, db_path: Path, prelude: str, work: Path, pid: int, delay_s: float, connections: int, duration: int
) -> dict:
    """A fixed delay on TraCuuHoSo at `connections`: share of the Little's-law bound and p99s."""
    rule = {
        "id": "bench-delay",
        "match": {"system": "portal", "operation": "TraCuuHoSo"},
        "effects": [{"latency": {"dist": "fixed", "seconds": delay_s}}],
    }
    admin = {"Authorization": f"Bearer {ADMIN}"}
    requests.put(base + "/sandbox/rules/bench-delay", json=rule, headers=admin, timeout=30).raise_for_status()
    time.sleep(1.2)
    script = work / f"delay-{connections}.lua"
    script.write_text(prelude + "\n" + (ROOT / "bench" / "latency.lua").read_text(encoding="utf-8"), encoding="utf-8")
    threads = 2
    ramp = delay_s  # first requests spread over one delay period
    warm = ramp + delay_s * 2 + 2  # every connection has completed at least one delayed request since its ramp
    memory = PeakMemory(pid)
    memory.start()
    result: dict = {}
    extra = [str(warm), str(ramp), str(-(-connections // threads))]
    runner = threading.Thread(
        target=lambda: result.update(
            wrk(pin, base + "/dvcqg/api/service", connections, duration, script, timeout=int(delay_s * 3 + 5), threads=threads, extra=extra)
        )
    )
    runner.start()
    time.sleep(warm)
    c1, t1 = served_requests(db_path, "portal"), time.monotonic()
    time.sleep(max(1.0, duration - warm - delay_s - 2))
    c2, t2 = served_requests(db_path, "portal"), time.monotonic()
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


def throughput_rounds(pin: servers.Pinning, targets: dict[str, tuple], rounds: int, duration: int) -> dict:
    """Run every target once per round, interleaved, so each round compares them under the same noise.

    Each run also reads the serving process tree's CPU time, so a figure per request that the
    machine's other load disturbs less than requests/s stands beside it.
    """
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
    cmd = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locust_ceiling.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--host",
        base,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "2",
    ]
    proc = subprocess.Popen(pin.load(cmd), cwd=ROOT, stdout=(work / "locust.log").open("wb"), stderr=subprocess.STDOUT)
    cpu = 0.0
    ps = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            times = ps.cpu_times()
            cpu = times.user + times.system
            for child in ps.children(recursive=True):
                t = child.cpu_times()
                cpu += t.user + t.system
        except psutil.Error:
            pass
        time.sleep(0.5)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["Name"] == "Aggregated")
    rps, failures = float(row["Requests/s"]), int(row["Failure Count"])
    return {
        "rps": rps,
        "requests": int(row["Request Count"]),
        "failures": failures,
        "users": users,
        "seconds": seconds,
        "cpu_s": cpu,
        "cpu_share": cpu / seconds,
        "rps_per_cpu_s": rps / max(cpu / seconds, 1e-9),
    }


def main() -> int:
    """Run the benchmarks and write the report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn gevent workers of the sandbox and the bare app")
    parser.add_argument("--duration", type=int, default=10, help="seconds per throughput run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of the throughput runs")
    parser.add_argument("--no-pin", action="store_true", help="do not pin servers and load to separate cores")
    parser.add_argument("--skip-delays", action="store_true", help="throughput and Locust only")
    parser.add_argument("--quick", action="store_true", help="one short round, smaller delay runs (smoke test)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--render", metavar="RESULTS_JSON", help="only write the report from a previous run's results.json")
    args = parser.parse_args()
    if args.render:
        return write_report(json.loads(Path(args.render).read_text(encoding="utf-8")), args)
    if not shutil.which("wrk"):
        print("wrk is missing: run `make bench` (it installs Debian's wrk) or apt-get install wrk", file=sys.stderr)
        return 2
    if args.quick:
        args.rounds, args.duration = 1, 4
    pin = servers.Pinning(False if args.no_pin else None)
    work = Path(tempfile.mkdtemp(prefix="sandbox-bench-"))
    sandbox_port, bare_port, wm_port = servers.free_port(), servers.free_port(), servers.free_port()
    env = {**os.environ, "SANDBOX_ADMIN_TOKEN": ADMIN, "SANDBOX_SEED": str(SEED), "SANDBOX_WORKER_CONNECTIONS": "12000"}
    python = sys.executable
    results: dict = {
        "workers": args.workers,
        "rounds": args.rounds,
        "duration": args.duration,
        "connections": CONNECTIONS,
        "pinning": pin.describe(),
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "load_before": os.getloadavg(),
    }
    sandbox = bare = wiremock = None
    try:
        sandbox = servers.start(
            pin.server(
                [
                    python,
                    "-m",
                    "simulator",
                    "serve",
                    "--port",
                    str(sandbox_port),
                    "--workers",
                    str(args.workers),
                    "--db",
                    str(work / "bench.db"),
                ]
            ),
            env,
            work / "sandbox.log",
        )
        base = f"http://127.0.0.1:{sandbox_port}"
        servers.wait_up(base + "/healthz")
        token = gateway_token(base)
        warm_ids = valid_ids(2000)
        reply = requests.post(
            base + LOOKUP_PATH,
            data=lookup_body(1, warm_ids[0]),
            timeout=10,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        reply.raise_for_status()
        (work / "reply.json").write_bytes(reply.content)
        results["reply_bytes"] = len(reply.content)
        bare = servers.start(
            pin.server(
                [
                    python,
                    "-m",
                    "gunicorn",
                    "-k",
                    "gevent",
                    "-w",
                    str(args.workers),
                    "--worker-connections",
                    "12000",
                    "--no-control-socket",
                    "-b",
                    f"127.0.0.1:{bare_port}",
                    "bench.bare_app:app",
                ]
            ),
            {**env, "BENCH_REPLY_JSON": str(work / "reply.json")},
            work / "bare.log",
        )
        bare_url = f"http://127.0.0.1:{bare_port}/json"
        servers.wait_up(bare_url)
        wiremock = servers.start_wiremock(work, wm_port, LOOKUP_PATH, reply.content, pin)
        results["wiremock"] = servers.wiremock_jar().name if wiremock else None
        lookup = lookup_script(token, work / "lookup.lua", warm_ids)
        portal = work / "portal.lua"
        portal.write_text(portal_prelude(base), encoding="utf-8")
        run_id = wire.new_run_id()
        targets: dict[str, tuple] = {}
        if wiremock:
            targets["wiremock"] = (f"http://127.0.0.1:{wm_port}{LOOKUP_PATH}", lambda i: lookup, wiremock.pid)
        targets["bare"] = (bare_url, lambda i: lookup, bare.pid)
        targets["lookup"] = (base + LOOKUP_PATH, lambda i: lookup, sandbox.pid)
        targets["portal_query"] = (base + "/dvcqg/api/service", lambda i: portal, sandbox.pid)
        targets["portal_sync"] = (base + "/dvcqg/api/service", lambda i: sync_script(base, work / f"sync-{i}.lua", run_id, i), sandbox.pid)
        # Warm-up: WireMock's JIT, SQLite pages, and every worker's caches: each worker must have seen
        # all 2,000 citizens (a connection stays on one worker), so the lookup warms for several cycles.
        for name, (url, script_for, _) in targets.items():
            if name != "portal_sync":
                wrk(pin, url, CONNECTIONS, {"lookup": 8 if args.quick else 25, "wiremock": 10}.get(name, 3), script_for(0), 10)
        results["throughput"] = throughput_rounds(pin, targets, args.rounds, args.duration)
        stop(wiremock)
        stop(bare)
        wiremock = bare = None
        results["locust"] = locust_ceiling(pin, base, work, 8 if args.quick else 20)
        print(f"locust: {results['locust']['rps']:.0f} req/s", flush=True)
        if not args.skip_delays:
            # A fresh sandbox: the delay runs measure the delay path, not the thousands of dossiers the
            # DongBoHoSoMC rounds left for the job runner's periodic tasks.
            servers.stop(sandbox)
            sandbox = servers.start(
                pin.server(
                    [
                        python,
                        "-m",
                        "simulator",
                        "serve",
                        "--port",
                        str(sandbox_port),
                        "--workers",
                        str(args.workers),
                        "--db",
                        str(work / "delay.db"),
                    ]
                ),
                env,
                work / "sandbox-delay.log",
            )
            servers.wait_up(base + "/healthz")
            runs = [(1.0, 200, 20), (2.0, 1000, 25)] if args.quick else [(1.0, 1000, 30), (5.0, 10000, 60)]
            prelude = portal_prelude(base)
            results["delays"] = [delay_run(pin, base, work / "delay.db", prelude, work, sandbox.pid, d, c, t) for d, c, t in runs]
        results["load_after"] = os.getloadavg()
    finally:
        for proc in (sandbox, bare, wiremock):
            servers.stop(proc)
    (work / "results.json").write_text(json.dumps(results, default=str, indent=2))
    print(f"raw results: {work / 'results.json'}")
    if args.quick:
        print(render(results))
        return 0
    return write_report(results, args)


def stop(proc) -> None:
    """Stop a server early (frees the pinned core for the next measurement)."""
    servers.stop(proc)


def write_report(results: dict, args) -> int:
    """Print the report and put it between the markers of docs/benchmarks.md (the rest is kept)."""
    report = render(results)
    print(report)
    out = Path(args.out)
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + report + text[text.index(END) + len(END) :]
    else:
        text = report + "\n" + text
    out.write_text(text, encoding="utf-8")
    print(f"written to {out}")
    return 0


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _mark(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


LABELS = {
    "wiremock": "WireMock stub",
    "bare": "bare Flask",
    "lookup": "gateway lookup",
    "portal_query": "portal TraCuuHoSo",
    "portal_sync": "portal DongBoHoSoMC (write)",
}


def render(results: dict) -> str:
    """The generated part of docs/benchmarks.md: machine, method, figures and whether each target is met."""
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or platform.machine()
    runs = results["throughput"]
    names = [n for n in LABELS if n in runs]
    rounds = len(runs["lookup"])
    ratio = [runs["lookup"][i]["rps"] / runs["bare"][i]["rps"] for i in range(rounds)]
    cpu_ratio = [runs["bare"][i]["cpu_us_per_request"] / runs["lookup"][i]["cpu_us_per_request"] for i in range(rounds)]
    has_wm = "wiremock" in runs
    lines = [
        BEGIN,
        "# Benchmarks",
        "",
        f"Measured {results['started'][:10]} by `make bench` (bench/run_bench.py) on {os.cpu_count()} cores ({model}), "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}, {platform.system()} "
        f"{platform.release()}; {results['pinning']}; {results['workers']} gunicorn gevent workers for the sandbox and "
        f"the bare endpoint; load average {results['load_before'][0]:.1f} at the start. The machine is shared: "
        "compare figures within one run, not across runs.",
        "",
        "Commands: `make bench` (installs wrk, Java and WireMock when missing, then runs "
        "`python bench/identity_bench.py --n 200000` and `python bench/run_bench.py`); "
        "`python bench/run_bench.py --render results.json` rewrites this part from a saved run.",
        "",
        "## Side by side: WireMock, bare Flask, the sandbox",
        "",
        f"{rounds} interleaved rounds of {results['duration']} s per server, {results['connections']} connections, "
        "wrk with one thread on the load core. Every server gets the lookup's own request (`POST` with a Bearer "
        "token and the JSON body, the citizen cycling over 2,000 IDs) and answers the lookup's JSON "
        f"({results.get('reply_bytes', 0)} bytes): WireMock ({results.get('wiremock') or 'not run'}) as a static "
        "stub, bench/bare_app.py after parsing the body (Flask's standard JSON, `jsonify`), the sandbox through "
        "its gateway (token and access right, fault engine, journal on, 2,000 citizens in the per-worker "
        "cache). TraCuuHoSo and DongBoHoSoMC (each request a new dossier) run through the portal with a session. "
        "*CPU µs/request* is the serving process tree's user + system time over the run divided by the requests "
        "answered: the machine's other load disturbs it less than requests/s.",
        "",
        "| round | "
        + " | ".join(f"{LABELS[n]} req/s" for n in names)
        + " | lookup / bare"
        + (" | lookup / WireMock" if has_wm else "")
        + " |",
        "|---" * (len(names) + 2 + has_wm) + "|",
    ]
    for i in range(rounds):
        cells = [f"{runs[n][i]['rps']:.0f}" for n in names]
        wm = f" | {runs['lookup'][i]['rps'] / runs['wiremock'][i]['rps']:.2f}" if has_wm else ""
        lines.append(f"| {i + 1} | " + " | ".join(cells) + f" | {ratio[i]:.0%}{wm} |")
    med = {n: _median([r["rps"] for r in runs[n]]) for n in names}
    cpu = {n: _median([r["cpu_us_per_request"] for r in runs[n]]) for n in names}
    wm_med = f" | {med['lookup'] / med['wiremock']:.2f}" if has_wm else ""
    lines.append("| median | " + " | ".join(f"**{med[n]:.0f}**" for n in names) + f" | **{_median(ratio):.0%}**{wm_med} |")
    lines.append(
        "| CPU µs/request (median) | "
        + " | ".join(f"{cpu[n]:.0f}" for n in names)
        + f" | {_median(cpu_ratio):.0%}"
        + (" | " if has_wm else "")
        + " |"
    )
    errors = sum(r["socket_errors"] + r["non_2xx"] for n in names for r in runs[n])
    lines += [
        "",
        f"Lookup at **{_median(ratio):.0%}** of the bare endpoint's requests/s (median of the per-round ratios; "
        f"{_median(cpu_ratio):.0%} by CPU time per request). Target ≥ 70 %: {_mark(_median(ratio) >= 0.7)}. "
        f"Socket errors and non-2xx answers over all runs: {errors}.",
        "",
    ]
    loc = results.get("locust")
    if loc:
        lines += [
            "## Locust: requests per second per worker process",
            "",
            f"bench/locust_ceiling.py, one Locust process (FastHttpUser, {loc['users']} users, no wait) on the load "
            f"core for {loc['seconds']} s against the sandbox's cheapest route (`GET /healthz`, each reply checked): "
            f"**{loc['rps']:.0f} req/s** ({loc['requests']:,} requests, {loc['failures']} failures), the Locust "
            f"process using {loc['cpu_share']:.0%} of a core, i.e. {loc['rps_per_cpu_s']:.0f} requests per CPU "
            f"second. Target ≥ 2,000 req/s per worker process: {_mark(loc['rps'] >= 2000)}.",
            "",
        ]
    if results.get("delays"):
        lines += [
            "## Injected delay vs Little's law (server on one core)",
            "",
            "A fixed latency rule on the portal's `TraCuuHoSo` (session check, one indexed read, journal and fault "
            "engine on). Each connection's first request waits a random 0..delay s (the ramp, as a load generator's "
            "ramp-up; bench/latency.lua), so the connections are spread over one delay period. *Steady req/s* comes "
            "from the sandbox's own counters (SQLite) between two instants after the warm-up. *wrk p99* is wrk's own "
            "figure over the whole run; *steady p99* is measured by bench/latency.lua per request (send time by "
            "X-Request-ID) after the warm-up.",
            "",
            "| delay | connections | run s | bound req/s | steady req/s | share of bound | wrk p50 ms | wrk p99 ms "
            "| wrk p99 − delay ms | steady p99 ms | socket errors | non-2xx | peak server RSS MB |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        checks = []
        for r in results["delays"]:
            lat = r["steady_latency"]
            lines.append(
                f"| {r['delay_s']:.0f} s | {r['connections']:,} | {r['duration_s']} | {r['bound_rps']:.0f} "
                f"| {r['steady_rps']:.0f} | {r['share_of_bound']:.1%} | {r['p50_ms'] or 0:.0f} | {r['p99_ms'] or 0:.0f} "
                f"| {r['p99_over_delay_ms']:.0f} | {lat.get('p99', float('nan')):.0f} | {r['socket_errors']} "
                f"| {r['non_2xx']} | {r['peak_rss_mb']:.0f} |"
            )
            ok = r["share_of_bound"] >= 0.95 and r["p99_over_delay_ms"] <= 100 and r["socket_errors"] == 0 and r["peak_rss_mb"] < 500
            checks.append(f"{r['delay_s']:.0f} s × {r['connections']:,}: {_mark(ok)}")
        lines += [
            "",
            "Targets: ≥ 95 % of the bound, wrk's p99 within 100 ms of the delay, no socket errors, server memory "
            "< 500 MB — " + "; ".join(checks) + ".",
            "",
        ]
    lines.append(END)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
