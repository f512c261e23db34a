"""Run a definition end to end: start what is needed, apply the fault scenario, run Locust
headless, restore the sandbox, check the thresholds and write `summary.md`.

Exit codes: 0 every threshold passed, 1 some threshold failed, 2 the run could not be made.
"""

from __future__ import annotations

import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from loadtests import features, summary, thresholds, wire
from loadtests.admin import AdminAPI
from loadtests.processes import Child, free_port, start_reference_connector, start_sandbox
from loadtests.reference_connector.app import PUSH_PATH
from loadtests.rundef import RunDefinition

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
DEFAULT_SEED = 20250701


@dataclass
class RunOptions:
    """Command-line choices that complete a run definition."""

    host: str = "http://127.0.0.1:8000"
    out: Path = Path("reports")
    spawn: bool = False
    admin_token: str = ""
    connector_url: str = ""
    push_secret: str = ""
    seed: int = DEFAULT_SEED
    workers: int | None = None
    extra_locust_args: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    """What a run produced."""

    exit_code: int
    verdicts: list[thresholds.Verdict]
    summary_path: Path
    stats: dict


def locust_command(run: RunDefinition, opts: RunOptions, run_id: str, role: str = "", master_port: int = 0) -> list:
    """The Locust command line for the local process, the master (`role="master"`) or a worker."""
    kit = ["--province", run.province, "--seed", str(opts.seed), "--run-id", run_id, "--target", run.target]
    kit += ["--shape", run.shape, "--shape-file", run.shapes_file]
    if opts.admin_token:
        kit += ["--admin-token", opts.admin_token]
    if opts.connector_url:
        kit += ["--connector-url", opts.connector_url]
    if opts.push_secret:
        kit += ["--push-secret", opts.push_secret]
    if run.arrival_rate > 0:
        kit += ["--arrival-rate", str(run.arrival_rate)]
    for key, value in run.options.items():
        kit += [f"--{key}", str(value)]
    cmd = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "-H", opts.host, *kit]
    if role == "worker":
        return [*cmd, "--worker", "--master-host", "127.0.0.1", "--master-port", str(master_port), *run.user_classes]
    out = opts.out
    cmd += ["--headless", "-u", str(run.users), "-r", str(run.spawn_rate), "-t", f"{run.duration_s:g}s"]
    cmd += ["--csv", str(out / "locust"), "--html", str(out / "report.html"), "--only-summary"]
    if role == "master":
        cmd += ["--master", "--expect-workers", str(opts.workers), "--master-bind-host", "127.0.0.1"]
        cmd += ["--master-bind-port", str(master_port)]
    return [*cmd, *opts.extra_locust_args, *run.user_classes]


def run_locust(run: RunDefinition, opts: RunOptions, run_id: str) -> int:
    """Run Locust (one process, or a master and `workers` workers on loopback) and wait for it."""
    budget = run.duration_s + 120
    if not opts.workers:
        return Child("locust", locust_command(run, opts, run_id), opts.out / "locust.log").wait(budget)
    port = free_port()
    master = Child("locust master", locust_command(run, opts, run_id, "master", port), opts.out / "locust.log")
    workers = [
        Child(f"locust worker {i}", locust_command(run, opts, run_id, "worker", port), opts.out / f"worker-{i}.log")
        for i in range(opts.workers)
    ]
    try:
        return master.wait(budget)
    finally:
        for worker in workers:
            if worker.wait(15) == -9:
                worker.stop()


def e2e_from_locust(stats: dict) -> dict | None:
    """End-to-end figures from the kit's own e2e watch (used when /sandbox/flows/stats is absent)."""
    row = stats.get(wire.E2E_NAME)
    if row is None or row.count == 0:
        return None
    pushed = stats.get(wire.PUSH_NAME)
    return {
        "pushed": pushed.count if pushed else None,
        "synced_back": row.count - row.failures,
        "lost": row.failures,
        "p50_ms": row.percentiles["p50"],
        "p95_ms": row.percentiles["p95"],
        "p99_ms": row.percentiles["p99"],
        "source": f"the kit's e2e watch (TraCuuHoSo polling, request '{wire.E2E_NAME}')",
    }


def execute(run: RunDefinition, opts: RunOptions) -> RunResult:
    """Run the definition and check its thresholds; children are always stopped."""
    opts.out.mkdir(parents=True, exist_ok=True)
    opts.workers = run.workers if opts.workers is None else opts.workers
    run_id, children, notes = wire.new_run_id(), [], []
    connector_base = ""
    try:
        if opts.spawn:
            opts.admin_token = opts.admin_token or secrets.token_urlsafe(16)
            sandbox, opts.host = start_sandbox(opts.out, opts.admin_token, opts.seed)
            children.append(sandbox)
            if run.target == "connector" and not opts.connector_url:
                opts.push_secret = opts.push_secret or secrets.token_hex(16)
                walk = float(run.connector.get("walk-seconds", 3.0))
                connector, connector_base = start_reference_connector(
                    opts.out, opts.host, run.province, opts.push_secret, opts.admin_token, opts.seed, walk
                )
                children.append(connector)
                opts.connector_url = connector_base + PUSH_PATH
        if run.target == "connector" and not opts.push_secret and not opts.admin_token:
            raise RuntimeError(
                "target connector needs --push-secret (and --connector-url) to push dossiers itself, "
                "or --admin-token for the sandbox's flows API, or --spawn"
            )
        admin = AdminAPI(opts.host, opts.admin_token)
        if run.scenario:
            notes.append(admin.apply_scenario(run.scenario, run.duration_s))
        started = admin.sandbox_time()  # the portal's figures are filtered on the sandbox clock
        t0 = time.monotonic()
        try:
            locust_rc = run_locust(run, opts, run_id)
        finally:
            if run.scenario:
                notes.append(admin.stop_scenario())
        elapsed = time.monotonic() - t0
        csv_path = opts.out / "locust_stats.csv"
        if not csv_path.exists():
            raise RuntimeError(f"Locust wrote no statistics (exit {locust_rc}); see {opts.out / 'locust.log'}")
        stats = thresholds.read_locust_stats(csv_path)
        # The kit's own watch when it pushed directly; otherwise the portal's figures, if it has them.
        e2e = e2e_from_locust(stats)
        if e2e is None and features.available(opts.host, "flows_stats", opts.admin_token):
            e2e = admin.flow_stats(run.province, started)
        connector_stats = _connector_stats(connector_base)
    finally:
        for child in reversed(children):
            child.stop()
    verdicts = thresholds.check_all(run.thresholds, stats, e2e)
    info = {
        "name": run.name,
        "description": run.description,
        "target": run.target + (f" ({opts.connector_url})" if run.target == "connector" else ""),
        "host": opts.host + (" (spawned)" if opts.spawn else ""),
        "shape": f"{run.shape}, peak {run.users} users, {run.duration_s:g} s"
        + (f", arrivals {run.arrival_rate:g}/s" if run.arrival_rate else ""),
        "users": ", ".join(run.user_classes),
        "locust": f"{opts.workers} workers + master" if opts.workers else "one process",
        "started": f"{started} (ran {elapsed:.1f} s, run id {run_id})",
        "scenario": "; ".join(notes),
    }
    summary_path = opts.out / "summary.md"
    summary_path.write_text(summary.render(info, stats, e2e, connector_stats, verdicts), encoding="utf-8")
    return RunResult(1 if thresholds.failed(verdicts) else 0, verdicts, summary_path, stats)


def _connector_stats(base: str) -> dict | None:
    if not base:
        return None
    try:
        return requests.get(base + "/stats", timeout=5).json()
    except (requests.RequestException, ValueError):
        return None
