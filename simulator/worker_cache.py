"""Per-worker caches of SQLite rows: one object per process and connection, kept honest by a counter.

Each gunicorn worker keeps what it read (citizens, gateway tokens, portal sessions) in memory; a
forked worker must start empty rather than share its parent's dict, and tests that open several
databases in one process must not see each other's rows: the caches are found through
`PerConnection`.

`CountedRows` is the cache of rows another worker may end (a token revoked, a session closed by a
credential rotation): SQLite triggers bump a one-row change counter whenever such a row is changed
or deleted, whoever writes it. A worker re-reads the counter at most every `REFRESH_S`, and at once
after it wrote anything itself, and drops the whole cache when the counter moved: an ended row stops
working in every worker within `REFRESH_S` (documented: within one second), and at once in the
worker that ended it. A new row needs no bump, as no worker can hold it yet.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Generic, TypeVar

import sqlite_utils

T = TypeVar("T")

REFRESH_S = 0.25
CACHE_MAX = 10_000


class PerConnection(Generic[T]):
    """The objects `factory` builds, one per (process, database connection)."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self.factory = factory
        self.objects: dict[tuple[int, int], T] = {}

    def get(self, db: sqlite_utils.Database) -> T:
        """The object of this process and `db`'s connection, built on first use."""
        key = (os.getpid(), id(db.conn))
        found = self.objects.get(key)
        if found is None:
            found = self.objects[key] = self.factory()
        return found


class CountedRows:
    """One worker's rows of `row_sql` by key, valid while the counter `version_sql` reads stands still."""

    def __init__(self, row_sql: str, version_sql: str) -> None:
        self.row_sql, self.version_sql = row_sql, version_sql
        self.rows: dict[str, tuple] = {}
        self.version: int | None = None
        self.checked_at = float("-inf")
        self.changes = -1  # the connection's total_changes when last checked: our own writes
        self.conn = None  # held, so that no later connection can reuse its id() and find these rows

    def get(self, conn, key: str) -> tuple | None:
        """The row stored under `key`, or None when there is none (unknown keys are not kept)."""
        self._validate(conn)
        row = self.rows.get(key)
        if row is None:
            row = conn.execute(self.row_sql, [key]).fetchone()
            if row is not None:  # anyone can send garbage keys: only real rows take room
                if len(self.rows) >= CACHE_MAX:
                    self.rows.clear()
                self.rows[key] = row
        return row

    def _validate(self, conn) -> None:
        now = time.monotonic()
        if conn is self.conn and conn.total_changes == self.changes and now - self.checked_at < REFRESH_S:
            return
        found = conn.execute(self.version_sql).fetchone()
        version = found[0] if found else None
        if conn is not self.conn or version != self.version or version is None:
            self.rows.clear()
        self.conn, self.version, self.checked_at, self.changes = conn, version, now, conn.total_changes
