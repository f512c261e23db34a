"""Token buckets for the rate_limit effect, shared by every gunicorn worker through SQLite.

Why SQLite and not per-worker buckets at rate/workers: gunicorn does not spread connections
evenly over gevent workers (a keep-alive client often stays on one worker), so a per-worker
bucket lets a single client through at only rate/workers, or at up to rate x workers across
several connections. One row per (rule, client) updated by a single atomic UPSERT costs one
short write per rate-limited request only (measured ~30-60 µs on WAL; see the report), and
requests that no rate_limit rule matches never touch the table.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import sqlite_utils

# Refill and take one token in one statement; no row comes back when the bucket is empty.
_TAKE = """
INSERT INTO fault_buckets (key, tokens, updated) VALUES (:key, :burst - 1, :now)
ON CONFLICT (key) DO UPDATE SET
    tokens = min(:burst, tokens + max(0, :now - updated) * :rate) - 1,
    updated = :now
WHERE min(:burst, tokens + max(0, :now - updated) * :rate) >= 1
RETURNING tokens
"""


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the `fault_buckets` table if missing."""
    db.execute("CREATE TABLE IF NOT EXISTS fault_buckets (key TEXT PRIMARY KEY, tokens REAL NOT NULL, updated REAL NOT NULL)")
    db.execute("CREATE TABLE IF NOT EXISTS fault_counters (key TEXT PRIMARY KEY, n INTEGER NOT NULL)")


class SqliteTokenBuckets:
    """Token buckets keyed by string, stored in SQLite so all workers share one bucket."""

    def __init__(self, db: sqlite_utils.Database | Callable[[], sqlite_utils.Database], clock=time.time):
        # A callable (ProcessLocalDB) keeps the buckets fork-safe; a Database is fine in tests.
        self._db = db if callable(db) and not isinstance(db, sqlite_utils.Database) else (lambda: db)
        self.clock = clock
        create_tables(self.db)

    @property
    def db(self) -> sqlite_utils.Database:
        """This process's connection."""
        return self._db()

    def take(self, key: str, rate_per_s: float, burst: int) -> tuple[bool, int]:
        """Take one token; return (allowed, seconds to wait before a token is available)."""
        now = self.clock()
        params = {"key": key, "burst": burst, "rate": rate_per_s, "now": now}
        if self.db.execute(_TAKE, params).fetchone() is not None:
            return True, 0
        row = self.db.execute("SELECT tokens, updated FROM fault_buckets WHERE key = ?", [key]).fetchone()
        tokens = min(burst, row[0] + max(0.0, now - row[1]) * rate_per_s) if row else 0.0
        return False, max(1, math.ceil((1 - tokens) / rate_per_s))

    def clear(self) -> None:
        """Empty every bucket (used on sandbox reset)."""
        self.db.execute("DELETE FROM fault_buckets")


_NEXT = """
INSERT INTO fault_counters (key, n) VALUES (?, 1)
ON CONFLICT (key) DO UPDATE SET n = n + 1
RETURNING n
"""


class SqliteCounters:
    """Per-rule counts of matching requests, shared by every worker (times, after, every).

    One atomic UPSERT per matching request of a counted rule, so "the first two INITs fail"
    means the first two the sandbox received, whichever worker took them.
    """

    def __init__(self, db: sqlite_utils.Database | Callable[[], sqlite_utils.Database]):
        self._db = db if callable(db) and not isinstance(db, sqlite_utils.Database) else (lambda: db)
        self._db().execute("CREATE TABLE IF NOT EXISTS fault_counters (key TEXT PRIMARY KEY, n INTEGER NOT NULL)")

    def next(self, key: str) -> int:
        """Count one more matching request for `key`; return the new count (1 for the first)."""
        return int(self._db().execute(_NEXT, [key]).fetchone()[0])

    def get(self, key: str) -> int:
        """The count so far (0 when none)."""
        row = self._db().execute("SELECT n FROM fault_counters WHERE key = ?", [key]).fetchone()
        return int(row[0]) if row else 0

    def clear(self) -> None:
        """Forget every count (sandbox reset)."""
        self._db().execute("DELETE FROM fault_counters")
