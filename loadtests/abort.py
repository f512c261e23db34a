"""`abort_on_fail`: stop a Locust run as soon as one of its thresholds is lost, as k6 does.

Loaded by the locustfile. With `--thresholds-from RUN.yaml`, the process that owns the
statistics (the only process, or the master; never a worker) looks at Locust's live figures
every `CHECK_EVERY_S` and evaluates the run's thresholds marked `abort_on_fail`, each once its
`delay_abort_eval` has passed. The first one lost is logged, written to `<csv prefix>_abort.json`
(`{"threshold", "detail", "after_s"}`) for the runner, and the run is ended the way `-t` ends
it, so Locust still writes its CSV and HTML reports. A threshold the live figures cannot decide
yet (no request of that name so far; end-to-end figures only the portal has) never aborts.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import gevent
from locust import events
from locust.runners import WorkerRunner

from loadtests import thresholds
from loadtests.rundef import load_run

log = logging.getLogger(__name__)

CHECK_EVERY_S = 1.0


@events.init_command_line_parser.add_listener
def add_abort_option(parser) -> None:
    """`--thresholds-from`: the run definition whose abort_on_fail thresholds are watched."""
    parser.add_argument(
        "--thresholds-from",
        default="",
        help="run definition YAML: stop the run as soon as one of its abort_on_fail thresholds is lost",
    )


def live_stats(stats) -> dict[str, thresholds.RequestStats]:
    """Locust's live statistics (one entry per name, plus `Aggregated`) as the CSV would give them now."""
    entries = list(stats.entries.values()) + [stats.total]
    rows = {}
    for entry in entries:
        name = "Aggregated" if entry is stats.total else entry.name
        has = entry.num_requests > 0
        rows[name] = thresholds.RequestStats(
            name=name,
            method=entry.method or "",
            count=entry.num_requests,
            failures=entry.num_failures,
            median_ms=entry.median_response_time if has else float("nan"),
            average_ms=entry.avg_response_time if has else float("nan"),
            max_ms=entry.max_response_time if has else float("nan"),
            rps=entry.total_rps,
            percentiles={
                key: entry.get_response_time_percentile(float(column.rstrip("%")) / 100) if has else float("nan")
                for key, column in thresholds.PERCENTILE_COLUMNS.items()
            },
        )
    return rows


def abort_report_path(options) -> Path | None:
    """Where the abort record goes: beside Locust's CSV files, when there are any."""
    prefix = getattr(options, "csv_prefix", None)
    return Path(prefix + thresholds.ABORT_SUFFIX) if prefix else None


def _watch(environment, watched: list[thresholds.Threshold]) -> None:
    started = time.monotonic()
    while True:
        gevent.sleep(CHECK_EVERY_S)
        elapsed = time.monotonic() - started
        verdict = thresholds.first_lost(watched, live_stats(environment.stats), elapsed)
        if verdict is None:
            continue
        log.error("aborting the run after %.1f s: threshold lost: %s", elapsed, verdict.detail)
        path = abort_report_path(environment.parsed_options)
        if path is not None:
            record = {"threshold": verdict.threshold, "detail": verdict.detail, "after_s": round(elapsed, 1)}
            path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        environment.runner.quit()
        return


@events.test_start.add_listener
def start_watch(environment, **_kwargs) -> None:
    """Start watching when the test starts, in the process that holds the whole run's statistics."""
    options = environment.parsed_options
    source = getattr(options, "thresholds_from", "") if options else ""
    if not source or isinstance(environment.runner, WorkerRunner):
        return
    watched = [t for t in thresholds.parse(load_run(source).thresholds) if t.abort_on_fail]
    if watched:
        gevent.spawn(_watch, environment, watched)
