"""The single-runner lease: one row naming the worker that runs jobs, with a heartbeat expiry.

Every worker tries to take the lease; the holder renews it about every second and the
others stand by. If the holder dies (even `kill -9`), its lease expires after `ttl` seconds
and a standby takes over, so exactly one runner works at a time whatever the worker count.
"""

from __future__ import annotations

import time

import sqlite_utils

from simulator.db import transaction

NAME = "job-runner"


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the `runner_lease` table."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS runner_lease (
            name TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            acquired_at REAL NOT NULL,
            expires_at REAL NOT NULL)"""
    )


def acquire(db: sqlite_utils.Database, owner: str, ttl: float, name: str = NAME) -> bool:
    """Take or renew the lease for `owner`; False while another live owner holds it."""
    now = time.time()
    with transaction(db) as conn:
        row = conn.execute("SELECT owner, expires_at, acquired_at FROM runner_lease WHERE name = ?", [name]).fetchone()
        if row is not None and row[0] != owner and row[1] >= now:
            return False
        acquired_at = row[2] if row is not None and row[0] == owner else now
        conn.execute(
            "INSERT OR REPLACE INTO runner_lease (name, owner, acquired_at, expires_at) VALUES (?, ?, ?, ?)",
            [name, owner, acquired_at, now + ttl],
        )
    return True


def release(db: sqlite_utils.Database, owner: str, name: str = NAME) -> None:
    """Give the lease up (on a clean worker exit) so a standby takes over at once."""
    db.execute("DELETE FROM runner_lease WHERE name = ? AND owner = ?", [name, owner])


def holder(db: sqlite_utils.Database, name: str = NAME) -> dict | None:
    """The current lease row (owner, acquired_at, expires_at, live) or None."""
    row = db.execute("SELECT owner, acquired_at, expires_at FROM runner_lease WHERE name = ?", [name]).fetchone()
    if row is None:
        return None
    return {"owner": row[0], "acquired_at": row[1], "expires_at": row[2], "live": row[2] >= time.time()}
