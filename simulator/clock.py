"""The sandbox clock: simulated time that runs `scale` times faster than real time.

State is one row in the `sandbox_clock` table (real_epoch, sim_epoch, scale), so every
gunicorn worker computes the same simulated time:

    sim_now = sim_epoch + (real_now - real_epoch) * scale

`origin` is the real instant of the last reset (simulated and real time agree there), from
which `elapsed()` counts. Changing the scale re-anchors the row at the current instant so simulated time never
jumps. Each worker caches the row and re-reads it at most every `REFRESH_S` seconds, so a
change made by one worker (or the admin API) is seen by all within one second.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_utils
from flask import current_app

from simulator.db import connect, transaction
from simulator.wire_formats import TZ

REFRESH_S = 0.5
MAX_SCALE = 100_000.0  # one simulated year in ~5 real minutes; beyond that dates stop being useful


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the single-row `sandbox_clock` table if missing."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS sandbox_clock ("
        " id INTEGER PRIMARY KEY CHECK (id = 1),"
        " real_epoch REAL NOT NULL, sim_epoch REAL NOT NULL, scale REAL NOT NULL,"
        " origin REAL NOT NULL)"
    )


class SandboxClock:
    """Simulated wall clock shared by all workers through SQLite."""

    def __init__(self, db_path: str | Path, real_time=time.time):
        self.db_path = db_path
        self._db: sqlite_utils.Database | None = None
        self._pid: int | None = None
        create_tables(self.db)
        self._real_time = real_time  # injectable so tests can drive real time
        self._row: tuple[float, float, float, float] | None = None
        self._read_at = float("-inf")

    @property
    def db(self) -> sqlite_utils.Database:
        """This process's connection (reopened after a fork: connections must not cross one)."""
        if self._db is None or self._pid != os.getpid():
            self._db, self._pid = connect(self.db_path), os.getpid()
        return self._db

    # -- state -------------------------------------------------------------------------
    def _load(self) -> tuple[float, float, float, float]:
        row = self.db.execute("SELECT real_epoch, sim_epoch, scale, origin FROM sandbox_clock WHERE id = 1").fetchone()
        if row is None:
            now = self._real_time()
            self.db.execute(
                "INSERT OR IGNORE INTO sandbox_clock (id, real_epoch, sim_epoch, scale, origin) VALUES (1, ?, ?, 1.0, ?)",
                [now, now, now],
            )
            row = self.db.execute("SELECT real_epoch, sim_epoch, scale, origin FROM sandbox_clock WHERE id = 1").fetchone()
        return (float(row[0]), float(row[1]), float(row[2]), float(row[3]))

    def _anchor(self) -> tuple[float, float, float, float]:
        # Monotonic guard: reading SQLite on every call would cost a query per request.
        mono = time.monotonic()
        if self._row is None or mono - self._read_at >= REFRESH_S:
            self._row = self._load()
            self._read_at = mono
        return self._row

    # -- reading -----------------------------------------------------------------------
    def timestamp(self) -> float:
        """Simulated time as POSIX seconds."""
        real_epoch, sim_epoch, scale, _ = self._anchor()
        return sim_epoch + (self._real_time() - real_epoch) * scale

    def now(self) -> datetime:
        """Simulated time as an aware datetime in Asia/Ho_Chi_Minh."""
        return datetime.fromtimestamp(self.timestamp(), tz=UTC).astimezone(TZ)

    def scale(self) -> float:
        """Current time scale (simulated seconds per real second)."""
        return self._anchor()[2]

    def elapsed(self) -> timedelta:
        """Simulated time elapsed since the clock was created or last reset."""
        return timedelta(seconds=self.timestamp() - self._anchor()[3])

    # -- changing ----------------------------------------------------------------------
    def set_scale(self, scale: float) -> None:
        """Change the speed of simulated time without a jump (re-anchors at now)."""
        if not (0 < scale <= MAX_SCALE):
            raise ValueError(f"scale must be > 0 and ≤ {MAX_SCALE:g}, got {scale}")
        with transaction(self.db) as conn:
            real_epoch, sim_epoch, old, _ = self._load()
            now = self._real_time()
            sim_now = sim_epoch + (now - real_epoch) * old
            conn.execute("UPDATE sandbox_clock SET real_epoch = ?, sim_epoch = ?, scale = ? WHERE id = 1", [now, sim_now, float(scale)])
        self._read_at = float("-inf")

    def reset(self) -> None:
        """Put simulated time back to real time at scale 1."""
        now = self._real_time()
        self.db.execute(
            "INSERT OR REPLACE INTO sandbox_clock (id, real_epoch, sim_epoch, scale, origin) VALUES (1, ?, ?, 1.0, ?)",
            [now, now, now],
        )
        self._read_at = float("-inf")


_shared: dict[tuple[int, str], SandboxClock] = {}


def shared_clock(db_path: str | Path) -> SandboxClock:
    """This process's one sandbox clock for a database file (created lazily, after any fork).

    Every feature reads sandbox time through it, so a scale change made in this process is
    seen by all of them at once (and by other workers within REFRESH_S).
    """
    key = (os.getpid(), str(db_path))
    clock = _shared.get(key)
    if clock is None:
        clock = _shared[key] = SandboxClock(db_path)
    return clock


def forget_shared(db_path: str | Path) -> None:
    """Make this process's clock for a file re-read the stored row on its next reading."""
    clock = _shared.get((os.getpid(), str(db_path)))
    if clock is not None:
        clock._read_at = float("-inf")


def sandbox_clock() -> SandboxClock:
    """The sandbox clock of the current app: the one accessor request code reads time through.

    Tests may put a hand-driven clock in `app.extensions["sandbox_clock"]`; otherwise it is the
    process's shared clock for the app's database. Code outside a request (the job runner, the
    CLI) calls `shared_clock(db_path)` directly.
    """
    clock = current_app.extensions.get("sandbox_clock")
    if clock is None:
        clock = shared_clock(current_app.config["SANDBOX"]["db"])
    return clock
