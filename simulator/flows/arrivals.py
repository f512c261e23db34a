"""Arrival streams: online submissions arriving at a steady rate on the sandbox clock.

A stream is a row (province, rate per simulated minute, next arrival in simulated seconds).
The leading job runner checks streams on every tick and submits every arrival that is due,
with exponential inter-arrival gaps drawn from the seed, so a faster clock means more
arrivals per real second and a restart resumes where the stream stood.
"""

from __future__ import annotations

import logging
import random
import time

import sqlite_utils

from simulator.clock import shared_clock
from simulator.flows import submissions
from simulator.jobs.registry import RunContext, periodic

log = logging.getLogger("simulator.flows")

# Most arrivals one tick submits per stream: after a long stop, the stream skips ahead
# rather than flooding the connector with a backlog nobody asked for.
MAX_PER_TICK = 200


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the `arrival_streams` table."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS arrival_streams (
            province TEXT PRIMARY KEY,
            rate_per_min REAL NOT NULL,
            procedure TEXT,
            next_at REAL NOT NULL,
            arrived INTEGER NOT NULL DEFAULT 0,
            started_at REAL NOT NULL)"""
    )


def _gap(seed: int, province: str, index: int, rate_per_min: float) -> float:
    """Simulated seconds until the next arrival (exponential, deterministic from the seed)."""
    return random.Random(f"{seed}:arrival:{province}:{index}").expovariate(rate_per_min / 60.0)


def start_arrivals(
    db: sqlite_utils.Database,
    province: str,
    rate_per_min: float,
    *,
    db_path: str,
    seed: int,
    procedure: str | None = None,
) -> dict:
    """Start (or retune) a province's arrival stream; the first arrival comes after one gap."""
    if procedure:
        submissions.pick_procedure(procedure, random.Random(0))  # refuse unknown / offline procedures now
    now_sim = shared_clock(db_path).timestamp()
    db.execute(
        """INSERT INTO arrival_streams (province, rate_per_min, procedure, next_at, arrived, started_at)
           VALUES (?, ?, ?, ?, 0, ?)
           ON CONFLICT(province) DO UPDATE SET rate_per_min = excluded.rate_per_min,
               procedure = excluded.procedure, next_at = excluded.next_at""",
        [province, rate_per_min, procedure, now_sim + _gap(seed, province, 0, rate_per_min), time.time()],
    )
    return list_streams(db, province)[0]


def stop_arrivals(db: sqlite_utils.Database, province: str | None = None) -> int:
    """Stop one province's stream, or every stream; returns how many were stopped."""
    if province:
        return db.execute("DELETE FROM arrival_streams WHERE province = ?", [province]).rowcount
    return db.execute("DELETE FROM arrival_streams").rowcount


def list_streams(db: sqlite_utils.Database, province: str | None = None) -> list[dict]:
    """Active streams (province, rate_per_min, procedure, arrived so far)."""
    sql = "SELECT province, rate_per_min, procedure, arrived FROM arrival_streams"
    rows = db.execute(sql + (" WHERE province = ?" if province else "") + " ORDER BY province", [province] if province else []).fetchall()
    return [dict(zip(("province", "rate_per_min", "procedure", "arrived"), r)) for r in rows]


@periodic("arrivals")
def run_arrivals(ctx: RunContext) -> None:
    """Submit every arrival that is due on the sandbox clock, for every stream."""
    seed, db_path = ctx.settings["seed"], ctx.settings["db"]
    now_sim = shared_clock(db_path).timestamp()
    streams = ctx.db.execute(
        "SELECT province, rate_per_min, procedure, next_at, arrived FROM arrival_streams WHERE next_at <= ?", [now_sim]
    ).fetchall()
    for province, rate, procedure, next_at, arrived in streams:
        due = 0
        while next_at <= now_sim and due < MAX_PER_TICK:
            due += 1
            next_at += _gap(seed, province, arrived + due, rate)
        if next_at <= now_sim:
            next_at = now_sim + _gap(seed, province, arrived + due + 1, rate)
        try:
            submissions.submit(ctx.db, province=province, count=due, seed=seed, db_path=db_path, procedure=procedure)
        except submissions.SubmissionError as err:
            log.warning("arrival stream for %s stopped: %s", province, err.message)
            stop_arrivals(ctx.db, province)
            continue
        ctx.db.execute(
            "UPDATE arrival_streams SET next_at = ?, arrived = arrived + ? WHERE province = ?",
            [next_at, due, province],
        )
