"""Run a definition end to end: start what is needed, apply the fault scenario, run Locust
headless, restore the sandbox, check the thresholds and write `summary.md` (and, for CI, a
JUnit report).

Several Locust workers on this host are Locust's own `--processes N` (a master and N forked
workers); across machines, Locust's distributed mode as Locust documents it.

Exit codes: 0 every threshold passed, 1 some threshold failed (or one marked abort_on_fail was
lost and stopped the run), 2 the run could not be made.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import requests

from loadtests import junit, summary, thresholds, wire
from loadtests.admin import AdminAPI
from loadtests.cli_options import DEFAULT_SEED
from loadtests.processes import Child, free_port, start_reference_connector, start_sandbox
from loadtests.reference_connector.app import PUSH_PATH
from loadtests.rundef import RunDefinition

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


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
    ca_file: str = ""  # CA bundle that verifies an https:// sandbox (with spawn+tls: the sandbox's own CA)
    tls: bool = False  # with spawn: serve the spawned sandbox over HTTPS
    junit: Path | None = None


@dataclass
class RunResult:
    """What a run produced."""

    exit_code: int
    verdicts: list[thresholds.Verdict]
    summary_path: Path
    stats: dict
    aborted: dict | None = None  # the abort record when an abort_on_fail threshold stopped the run


def locust_command(run: RunDefinition, opts: RunOptions, run_id: str, master_port: int = 0) -> list:
    """The Locust command line: one process, or with `opts.workers` a master forking that many workers."""
    kit = ["--province", run.province, "--seed", str(opts.seed), "--run-id", run_id, "--target", run.target]
    kit += ["--shape", run.shape, "--shape-file", run.shapes_file]
    if opts.admin_token:
        kit += ["--admin-token", opts.admin_token]
    if opts.connector_url:
        kit += ["--connector-url", opts.connector_url]
    if opts.push_secret:
        kit += ["--push-secret", opts.push_secret]
    if opts.ca_file:
        kit += ["--ca-file", opts.ca_file]
    if run.arrival_rate > 0:
        kit += ["--arrival-rate", str(run.arrival_rate)]
    if run.source:
        kit += ["--thresholds-from", run.source]
    for key, value in run.options.items():
        kit += [f"--{key}", str(value)]
    out = opts.out
    cmd = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "-H", opts.host, *kit]
    cmd += ["--headless", "-u", str(run.users), "-r", str(run.spawn_rate), "-t", f"{run.duration_s:g}s"]
    cmd += ["--csv", str(out / "locust"), "--html", str(out / "report.html"), "--only-summary"]
    if opts.workers:
        # Locust's own multi-process mode: the master forks the workers, which connect to it on
        # loopback (a free port, so two runs on one host do not meet on Locust's default 5557).
        cmd += ["--processes", str(opts.workers), "--master-bind-host", "127.0.0.1"]
        cmd += ["--master-bind-port", str(master_port), "--master-host", "127.0.0.1", "--master-port", str(master_port)]
    return [*cmd, *opts.extra_locust_args, *run.user_classes]


def run_locust(run: RunDefinition, opts: RunOptions, run_id: str) -> int:
    """Run Locust headless (one process, or a master and its forked workers) and wait for it."""
    cmd = locust_command(run, opts, run_id, free_port() if opts.workers else 0)
    return Child("locust", cmd, opts.out / "locust.log").wait(run.duration_s + 120)


def execute(run: RunDefinition, opts: RunOptions) -> RunResult:
    """Run the definition and check its thresholds; children are always stopped."""
    opts.out.mkdir(parents=True, exist_ok=True)
    opts.workers = run.workers if opts.workers is None else opts.workers
    run_id, children, notes = wire.new_run_id(), [], []
    connector_base = ""
    wall_start = datetime.now().astimezone()
    abort_path = opts.out / f"locust{thresholds.ABORT_SUFFIX}"
    abort_path.unlink(missing_ok=True)  # a record left by an earlier run in the same folder is not this run's
    try:
        if opts.spawn:
            opts.admin_token = opts.admin_token or secrets.token_urlsafe(16)
            sandbox, opts.host, ca = start_sandbox(opts.out, opts.admin_token, opts.seed, tls=opts.tls)
            opts.ca_file = opts.ca_file or ca
            children.append(sandbox)
            if run.target == "connector" and not opts.connector_url:
                opts.push_secret = opts.push_secret or secrets.token_hex(16)
                walk = float(run.connector.get("walk-seconds", 3.0))
                extra = ("--ca-file", opts.ca_file) if opts.ca_file else ()
                connector, connector_base = start_reference_connector(
                    opts.out, opts.host, run.province, opts.push_secret, opts.admin_token, opts.seed, walk, extra
                )
                children.append(connector)
                opts.connector_url = connector_base + PUSH_PATH
        if run.target == "connector" and not opts.push_secret and not opts.admin_token:
            raise RuntimeError(
                "target connector needs --push-secret (and --connector-url) to push dossiers itself, "
                "or --admin-token for the sandbox's flows API, or --spawn"
            )
        admin = AdminAPI(opts.host, opts.admin_token, ca_file=opts.ca_file)
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
        e2e = thresholds.e2e_from_locust(stats)
        if e2e is None and opts.admin_token:
            e2e = admin.flow_stats(run.province, started)
        connector_stats = _connector_stats(connector_base)
    finally:
        for child in reversed(children):
            child.stop()
    verdicts = thresholds.check_all(run.thresholds, stats, e2e)
    aborted = _abort_record(abort_path)
    info = {
        "name": run.name,
        "description": run.description,
        "target": run.target + (f" ({opts.connector_url})" if run.target == "connector" else ""),
        "host": opts.host + (" (spawned)" if opts.spawn else "") + (f", CA {opts.ca_file}" if opts.ca_file else ""),
        "shape": f"{run.shape}, peak {run.users} users, {run.duration_s:g} s"
        + (f", arrivals {run.arrival_rate:g}/s" if run.arrival_rate else ""),
        "users": ", ".join(run.user_classes),
        "locust": f"{opts.workers} worker processes + master (--processes)" if opts.workers else "one process",
        "started": f"{started} (ran {elapsed:.1f} s, run id {run_id})",
        "scenario": "; ".join(notes),
        "aborted": f"after {aborted['after_s']} s: {aborted['detail']} (abort_on_fail)" if aborted else "",
    }
    summary_text = summary.render(info, stats, e2e, connector_stats, verdicts)
    summary_path = opts.out / "summary.md"
    summary_path.write_text(summary_text, encoding="utf-8")
    if opts.junit:
        properties = {k: v for k, v in info.items() if k not in ("name", "description")}
        junit.write_verdicts(
            opts.junit,
            run.name,
            verdicts,
            started=wall_start,
            elapsed_s=elapsed,
            properties=properties,
            aborted=aborted,
            system_out=summary_text,
        )
    return RunResult(1 if thresholds.failed(verdicts) else 0, verdicts, summary_path, stats, aborted)


def _abort_record(path: Path) -> dict | None:
    """The abort watch's record, when an abort_on_fail threshold stopped the run."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _connector_stats(base: str) -> dict | None:
    if not base:
        return None
    try:
        return requests.get(base + "/stats", timeout=5).json()  # the connector serves plain HTTP
    except (requests.RequestException, ValueError):
        return None
