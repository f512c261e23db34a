"""The request journal: one row per simulated-system request, bounded, written off the hot path.

Each worker appends entries to an in-memory buffer (a list append, no I/O on the request);
a background flusher (a greenlet under gunicorn's gevent worker, where `threading` is
monkey-patched; a daemon thread elsewhere) writes the buffer every `journal_flush_ms` in one
transaction, together with the Prometheus aggregates (see metrics.py). Trimming to
`journal_max_rows` is a rowid range delete run once per 1% of max_rows inserted, so its cost
is amortised. Under a stalled disk the buffer is capped and the oldest entries are dropped.

With capture on (`CaptureSettings`, see capture.py), an entry also carries the request's and
response's headers and bodies; the flusher masks them and writes them to `request_capture`
in the same transaction, so capture adds no I/O and no masking work to the request itself.
"""

from __future__ import annotations

import atexit
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlite_utils

from simulator.db import off_loop, transaction
from simulator.faults import capture, metrics
from simulator.faults import filters as journal_filters
from simulator.faults.capture import CaptureSettings
from simulator.faults.connection import ProcessLocalDB

COLUMNS = ("ts", "sim_ts", "request_id", "client", "system", "operation", "method", "path", "status", "fault", "latency_ms")
BUFFER_CAP = 100_000
QUERY_LIMIT_MAX = 1000


def create_tables(db: sqlite_utils.Database) -> None:
    """Create `request_journal` and its indexes if missing."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS request_journal (id INTEGER PRIMARY KEY, ts REAL NOT NULL, sim_ts REAL,"
        " request_id TEXT, client TEXT, system TEXT NOT NULL, operation TEXT, method TEXT, path TEXT,"
        " status INTEGER, fault TEXT, latency_ms REAL)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS request_journal_ts ON request_journal (ts)")
    db.execute("CREATE INDEX IF NOT EXISTS request_journal_system ON request_journal (system, operation)")
    metrics.create_tables(db)
    capture.create_tables(db)


class Journal:
    """Buffered, bounded request journal plus the metrics aggregates, shared by all workers."""

    def __init__(
        self,
        db_path: str | Path,
        enabled: bool = True,
        max_rows: int = 100_000,
        flush_ms: int = 200,
        capture_settings: CaptureSettings | None = None,
    ):
        self.db_path = db_path
        self.capture = capture_settings or CaptureSettings()
        self.enabled = enabled
        self.max_rows = max_rows
        self.flush_s = flush_ms / 1000
        self.dropped = 0
        self._buffer: list[dict] = []
        self._pid: int | None = None
        self._reader = ProcessLocalDB(db_path)
        # The flusher writes on its own connection: with real threads (no gevent) a shared
        # connection would let a query land inside the flusher's open transaction.
        self._writer = ProcessLocalDB(db_path)
        self._lock = threading.Lock()
        self._since_trim = 0
        self._capture_since_trim = 0
        create_tables(self.db)

    @property
    def db(self) -> sqlite_utils.Database:
        """This process's connection for queries."""
        return self._reader()

    def _ensure_flusher(self) -> None:
        if self._pid == os.getpid():
            return
        # First record in this process (after gunicorn forked): start this worker's flusher.
        self._pid = os.getpid()
        self._buffer = []
        self._lock = threading.Lock()  # a lock made before the fork (or before monkey-patching) is not ours
        threading.Thread(target=self._run, name="journal-flusher", daemon=True).start()
        atexit.register(self._flush_quietly)  # a graceful worker exit keeps its last ~200 ms of rows

    def _run(self) -> None:
        while True:
            time.sleep(self.flush_s)
            try:
                self.flush()
            except (sqlite3.Error, OSError):  # a locked or full disk must not kill the flusher
                time.sleep(self.flush_s)

    def _flush_quietly(self) -> None:
        try:
            self.flush(in_thread=False)  # at exit the hub may be gone, and nothing else is served
        except (sqlite3.Error, OSError):
            pass

    def record(self, entry: dict) -> None:
        """Queue one request for the journal and metrics (no I/O here)."""
        self._ensure_flusher()
        if len(self._buffer) >= BUFFER_CAP:
            del self._buffer[0]
            self.dropped += 1
        self._buffer.append(entry)

    def flush(self, in_thread: bool = True) -> int:
        """Write buffered entries now, in one transaction; return how many were written.

        Under gevent the write runs in a native thread (`db.off_loop`) unless `in_thread` is false:
        the worker keeps serving while SQLite waits for the write lock or checkpoints the WAL.
        """
        with self._lock:
            batch, self._buffer = self._buffer, []
            if not batch:
                return 0
            if in_thread:
                off_loop(self._write, batch)
            else:
                self._write(batch)
            return len(batch)

    def _write(self, batch: list[dict]) -> None:
        with transaction(self._writer()) as conn:
            if self.enabled:
                conn.executemany(
                    f"INSERT INTO request_journal ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                    [tuple(e.get(c) for c in COLUMNS) for e in batch],
                )
                self._since_trim += len(batch)
                if self._since_trim >= max(1, self.max_rows // 100):
                    self._since_trim = 0
                    conn.execute("DELETE FROM request_journal WHERE id <= (SELECT max(id) FROM request_journal) - ?", [self.max_rows])
            if self.capture.enabled:
                self._capture_since_trim = capture.write(conn, batch, self.capture, self._capture_since_trim)
            metrics.write_aggregates(conn, batch)

    def query(self, limit: int = 100, offset: int = 0, **filters: Any) -> list[dict]:
        """Journal rows matching every filter (`simulator.faults.filters`), newest first, paged by `limit` and `offset`."""
        where, params = journal_filters.where(**filters)
        limit = max(1, min(int(limit), QUERY_LIMIT_MAX))
        sql = f"SELECT id, {', '.join(COLUMNS)} FROM request_journal {where} ORDER BY id DESC LIMIT {limit} OFFSET {max(0, int(offset))}"
        return [dict(zip(("id", *COLUMNS), row)) for row in self.db.execute(sql, params)]

    def count(self, **filters: Any) -> int:
        """How many journal rows match every filter (`simulator.faults.filters`)."""
        where, params = journal_filters.where(**filters)
        return self.db.execute(f"SELECT count(*) FROM request_journal {where}", params).fetchone()[0]

    def requests(self, **filters: Any) -> list[dict]:
        """Captured requests (headers, bodies, response), newest first; filters as `capture.query`."""
        return capture.query(self.db, **filters)

    def clear(self, entries: Iterable[str] = ("journal", "metrics")) -> None:
        """Delete journal rows (and captured requests) and/or metric aggregates (sandbox reset)."""
        if "journal" in entries:
            self.db.execute("DELETE FROM request_journal")
            capture.clear(self.db)
        if "metrics" in entries:
            metrics.clear_metrics(self.db)
