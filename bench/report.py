"""The report `make bench` prints and writes into docs/benchmarks.md between the generated markers.

Everything above the markers' end is generated from a run's results (machine, date, commands,
figures, whether each target is met); the profile and the account of what changed, written by
hand, are kept below them. `python bench/run_bench.py --render results.json` rewrites it from a
saved run.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

import psutil

BEGIN, END = "<!-- bench:begin (written by bench/run_bench.py) -->", "<!-- bench:end -->"


def write_report(results: dict, out_path: str) -> int:
    """Print the report and put it between the markers of docs/benchmarks.md (the rest is kept)."""
    report = render(results)
    print(report)
    out = Path(out_path)
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


def _load_after(results: dict) -> str:
    load = results.get("load_after")
    return f"{load[0]:.1f} (1 min), {load[1]:.1f} (5 min)" if load else "not recorded"


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
        f"{platform.release()}; {results['pinning']}; {results['workers']} gunicorn gevent workers for the sandbox (serving "
        "with gevent's pywsgi: simulator/http_worker.py) and for the bare endpoint (gunicorn's stock gevent worker);"
        f" load average {results['load_before'][0]:.1f} at the start. The machine is shared: "
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
            "X-Request-ID) after the warm-up. *Server CPU* is the sandbox's process tree's share of a core in the "
            "steady window (below 100 % while the bound is missed: the machine's other load had the rest of its "
            "core) and its CPU time per request answered.",
            "",
            "| delay | connections | run s | bound req/s | steady req/s | share of bound | wrk p50 ms | wrk p99 ms "
            "| wrk p99 − delay ms | steady p99 ms | socket errors | non-2xx | peak server RSS MB | server CPU | CPU µs/request |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        checks = []
        for r in results["delays"]:
            lat = r["steady_latency"]
            lines.append(
                f"| {r['delay_s']:.0f} s | {r['connections']:,} | {r['duration_s']} | {r['bound_rps']:.0f} "
                f"| {r['steady_rps']:.0f} | {r['share_of_bound']:.1%} | {r['p50_ms'] or 0:.0f} | {r['p99_ms'] or 0:.0f} "
                f"| {r['p99_over_delay_ms']:.0f} | {lat.get('p99', float('nan')):.0f} | {r['socket_errors']} "
                f"| {r['non_2xx']} | {r['peak_rss_mb']:.0f} | {r.get('steady_cpu_share', float('nan')):.0%} "
                f"| {r.get('steady_cpu_us_per_request', float('nan')):.0f} |"
            )
            ok = r["share_of_bound"] >= 0.95 and r["p99_over_delay_ms"] <= 100 and r["socket_errors"] == 0 and r["peak_rss_mb"] < 500
            checks.append(f"{r['delay_s']:.0f} s × {r['connections']:,}: {_mark(ok)}")
        lines += [
            "",
            "Targets: ≥ 95 % of the bound, wrk's p99 within 100 ms of the delay, no socket errors, server memory "
            "< 500 MB — " + "; ".join(checks) + f". Load average at the end of the run: {_load_after(results)}.",
            "",
        ]
    lines.append(END)
    return "\n".join(lines)
