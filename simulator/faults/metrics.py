"""Prometheus metrics for simulated-system requests, correct across gunicorn workers.

Why counters in SQLite rather than prometheus_client's multiprocess mode: multiprocess
mode needs PROMETHEUS_MULTIPROC_DIR set before the first import in every process, a wiped
directory at each start and `mark_process_dead` hooks, and it breaks silently when any of
those is missed (another module importing prometheus_client first is enough). The journal
already batches every request per worker and writes it every ~200 ms in one transaction;
the same transaction adds to the aggregate rows below, so counts are exact across workers,
survive worker restarts, and cost no extra write. The price is up to one flush interval of
lag, which is irrelevant at Prometheus scrape intervals.

Exposed:
- `sandbox_requests_total{system, operation, status, fault}` (fault "none" when no fault);
- `sandbox_request_duration_seconds{system, operation}` histogram (time to last byte,
  injected latency included).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable

import sqlite_utils
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the aggregate tables if missing."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS metrics_requests (system TEXT, operation TEXT, status TEXT, fault TEXT,"
        " count INTEGER NOT NULL, PRIMARY KEY (system, operation, status, fault))"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS metrics_latency (system TEXT, operation TEXT, bucket INTEGER,"
        " count INTEGER NOT NULL, PRIMARY KEY (system, operation, bucket))"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS metrics_latency_sum (system TEXT, operation TEXT, sum REAL NOT NULL,"
        " count INTEGER NOT NULL, PRIMARY KEY (system, operation))"
    )


def _bucket_index(seconds: float) -> int:
    for i, le in enumerate(BUCKETS):
        if seconds <= le:
            return i
    return len(BUCKETS)  # the +Inf bucket


def write_aggregates(conn: sqlite3.Connection, entries: Iterable[dict]) -> None:
    """Add a batch of journal entries to the aggregate rows (call inside the flush transaction)."""
    requests: Counter = Counter()
    buckets: Counter = Counter()
    sums: dict[tuple[str, str], list[float]] = {}
    for e in entries:
        system, operation = e["system"], e.get("operation") or ""
        requests[(system, operation, str(e.get("status") or 0), e.get("fault") or "none")] += 1
        seconds = (e.get("latency_ms") or 0) / 1000
        buckets[(system, operation, _bucket_index(seconds))] += 1
        acc = sums.setdefault((system, operation), [0.0, 0])
        acc[0] += seconds
        acc[1] += 1
    conn.executemany(
        "INSERT INTO metrics_requests VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count",
        [(*k, v) for k, v in requests.items()],
    )
    conn.executemany(
        "INSERT INTO metrics_latency VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count",
        [(*k, v) for k, v in buckets.items()],
    )
    conn.executemany(
        "INSERT INTO metrics_latency_sum VALUES (?, ?, ?, ?)"
        " ON CONFLICT DO UPDATE SET sum = sum + excluded.sum, count = count + excluded.count",
        [(*k, s, c) for k, (s, c) in sums.items()],
    )


class _SqliteCollector:
    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    def collect(self):
        requests = CounterMetricFamily(
            "sandbox_requests", "Requests to simulated systems.", labels=["system", "operation", "status", "fault"]
        )
        for system, operation, status, fault, count in self.db.execute(
            "SELECT system, operation, status, fault, count FROM metrics_requests ORDER BY 1, 2, 3, 4"
        ):
            requests.add_metric([system, operation, status, fault], count)
        yield requests
        hist = HistogramMetricFamily(
            "sandbox_request_duration_seconds",
            "Time to last byte of simulated-system responses, injected latency included.",
            labels=["system", "operation"],
        )
        per_bucket: dict[tuple[str, str], dict[int, int]] = {}
        for system, operation, bucket, count in self.db.execute("SELECT * FROM metrics_latency"):
            per_bucket.setdefault((system, operation), {})[bucket] = count
        for system, operation, total, count in self.db.execute("SELECT * FROM metrics_latency_sum ORDER BY 1, 2"):
            counts = per_bucket.get((system, operation), {})
            cumulative, running = [], 0
            for i, le in enumerate((*[str(b) for b in BUCKETS], "+Inf")):
                running += counts.get(i, 0)
                cumulative.append((le, running))
            hist.add_metric([system, operation], cumulative, total)
        yield hist


def render_metrics(db: sqlite_utils.Database) -> tuple[bytes, str]:
    """The Prometheus text exposition of all workers' counts, and its content type."""
    create_tables(db)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_SqliteCollector(db))
    return generate_latest(registry), CONTENT_TYPE_LATEST


def clear_metrics(db: sqlite_utils.Database) -> None:
    """Zero every counter (sandbox reset). Prometheus treats it as a counter reset."""
    for table in ("metrics_requests", "metrics_latency", "metrics_latency_sum"):
        db.execute(f"DELETE FROM {table}")
