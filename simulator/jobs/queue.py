"""Jobs in SQLite: enqueue, claim atomically, retry with exponential backoff and jitter, dead letters.

A job's id is its delivery id: it never changes, so every retry of a delivery carries the same
id and receivers can de-duplicate. States: `pending` → `running` (claimed, with a lease) →
`done`, or back to `pending` with a later `run_at`, or `dead` after the last attempt. A
`running` job whose lease expired (its runner died) is claimable again.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from dataclasses import dataclass

import sqlite_utils

from simulator.db import transaction, where_clause

STATES = ("pending", "running", "done", "dead")


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the `jobs` queue and the `job_attempts` log."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS jobs (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            province TEXT NOT NULL DEFAULT '',
            event TEXT NOT NULL DEFAULT '',
            payload TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            run_at REAL NOT NULL,
            lease_until REAL,
            owner TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            done_at REAL,
            last_error TEXT NOT NULL DEFAULT '')"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS jobs_due ON jobs(status, run_at)")
    db.execute("CREATE INDEX IF NOT EXISTS jobs_province ON jobs(province, status)")
    db.execute(
        """CREATE TABLE IF NOT EXISTS job_attempts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            attempt INTEGER NOT NULL,
            started_at REAL NOT NULL,
            finished_at REAL NOT NULL,
            http_status INTEGER,
            error TEXT NOT NULL DEFAULT '')"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS job_attempts_job ON job_attempts(job_id, attempt)")


@dataclass(frozen=True)
class Job:
    """A claimed job: what to do (kind, payload) and which attempt this is (1-based)."""

    id: str
    kind: str
    province: str
    event: str
    payload: dict
    attempts: int


@dataclass(frozen=True)
class Backoff:
    """Retry policy: `max_attempts` tries, delays doubling from `base_s` up to `cap_s`, with jitter."""

    max_attempts: int
    base_s: float
    cap_s: float

    @classmethod
    def from_settings(cls, settings: dict) -> Backoff:
        """The policy configured by the job_* settings."""
        return cls(settings["job_max_attempts"], settings["job_backoff_base_ms"] / 1000, settings["job_backoff_cap_ms"] / 1000)

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based).

        "Equal jitter": half the exponential delay is fixed, half random, so retries of many
        jobs failing together spread out but a retry never comes sooner than half the step.
        """
        step = min(self.cap_s, self.base_s * 2 ** max(0, attempt - 1))
        return step / 2 + (rng or random).uniform(0, step / 2)


def new_id() -> str:
    """A fresh delivery id (UUID4, hex with dashes)."""
    return str(uuid.uuid4())


def enqueue(
    conn,
    kind: str,
    payload: dict,
    *,
    province: str = "",
    event: str = "",
    job_id: str | None = None,
    delay_s: float = 0.0,
) -> str:
    """Insert a pending job and return its id; call it inside the caller's transaction when it must
    be atomic with other writes (e.g. an online submission and its push)."""
    now = time.time()
    job_id = job_id or new_id()
    conn.execute(
        """INSERT INTO jobs (id, kind, province, event, payload, status, attempts, run_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)""",
        [job_id, kind, province, event, json.dumps(payload, ensure_ascii=False), now + delay_s, now, now],
    )
    return job_id


_DUE_SQL = "SELECT 1 FROM jobs WHERE (status = 'pending' AND run_at <= ?) OR (status = 'running' AND lease_until < ?) LIMIT 1"


def claim(db: sqlite_utils.Database, owner: str, limit: int, lease_s: float) -> list[Job]:
    """Atomically take up to `limit` due jobs (pending and due, or running with an expired lease)."""
    if limit <= 0:
        return []
    now = time.time()
    # A plain read first: the runner polls every 200 ms, and most polls find nothing due. Taking
    # the write lock for those would make this worker wait (its whole event loop with it) while
    # another worker writes.
    if db.conn.execute(_DUE_SQL, [now, now]).fetchone() is None:
        return []
    with transaction(db) as conn:
        rows = conn.execute(
            """SELECT id, kind, province, event, payload, attempts FROM jobs
               WHERE (status = 'pending' AND run_at <= ?) OR (status = 'running' AND lease_until < ?)
               ORDER BY run_at LIMIT ?""",
            [now, now, limit],
        ).fetchall()
        for row in rows:
            conn.execute(
                """UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_until = ?, owner = ?,
                   updated_at = ? WHERE id = ?""",
                [now + lease_s, owner, now, row[0]],
            )
    return [Job(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5] + 1) for r in rows]


def record_attempt(db: sqlite_utils.Database, job: Job, started: float, http_status: int | None, error: str) -> None:
    """Log one attempt: when it ran, the HTTP status it got (if any) and the error (if any)."""
    db.execute(
        "INSERT INTO job_attempts (job_id, attempt, started_at, finished_at, http_status, error) VALUES (?,?,?,?,?,?)",
        [job.id, job.attempts, started, time.time(), http_status, error[:1000]],
    )


def complete(db: sqlite_utils.Database, job: Job) -> None:
    """Mark a job done."""
    now = time.time()
    db.execute(
        "UPDATE jobs SET status = 'done', done_at = ?, updated_at = ?, lease_until = NULL, last_error = '' WHERE id = ?",
        [now, now, job.id],
    )


def fail(db: sqlite_utils.Database, job: Job, error: str, backoff: Backoff, rng: random.Random | None = None) -> str:
    """Schedule a retry after the backoff delay, or mark the job dead after its last attempt; returns the state."""
    now = time.time()
    if job.attempts >= backoff.max_attempts:
        db.execute(
            "UPDATE jobs SET status = 'dead', updated_at = ?, lease_until = NULL, last_error = ? WHERE id = ?",
            [now, error[:1000], job.id],
        )
        return "dead"
    db.execute(
        "UPDATE jobs SET status = 'pending', run_at = ?, updated_at = ?, lease_until = NULL, last_error = ? WHERE id = ?",
        [now + backoff.delay(job.attempts, rng), now, error[:1000], job.id],
    )
    return "pending"


def requeue(db: sqlite_utils.Database, job_id: str) -> bool:
    """Put a dead job back in the queue with a fresh attempt budget; False unless it was dead."""
    now = time.time()
    cursor = db.execute(
        "UPDATE jobs SET status = 'pending', attempts = 0, run_at = ?, updated_at = ? WHERE id = ? AND status = 'dead'",
        [now, now, job_id],
    )
    return cursor.rowcount == 1


# The columns a job is listed with, and those of one attempt: each read by name below.
_JOB_KEYS = ("id", "kind", "province", "event", "status", "attempts", "run_at", "created_at", "done_at", "last_error")
_COLUMNS = ", ".join(_JOB_KEYS)
_ATTEMPT_KEYS = ("attempt", "started_at", "finished_at", "http_status", "error")


def _job_dict(row: tuple, attempts: list[dict] | None = None) -> dict:
    out = dict(zip(_JOB_KEYS, row))
    if attempts is not None:
        out["attempt_log"] = attempts
    return out


def get(db: sqlite_utils.Database, job_id: str) -> dict | None:
    """One job with its payload and every attempt (time, HTTP status, error)."""
    row = db.execute(f"SELECT {_COLUMNS}, payload FROM jobs WHERE id = ?", [job_id]).fetchone()
    if row is None:
        return None
    attempts = [
        dict(zip(_ATTEMPT_KEYS, a))
        for a in db.execute(f"SELECT {', '.join(_ATTEMPT_KEYS)} FROM job_attempts WHERE job_id = ? ORDER BY id", [job_id]).fetchall()
    ]
    job = _job_dict(row[:-1], attempts)
    job["payload"] = json.loads(row[-1])
    return job


def list_jobs(db: sqlite_utils.Database, *, status: str | None = None, province: str | None = None, limit: int = 100) -> list[dict]:
    """Jobs, newest first, optionally of one state and province; dead ones carry their attempt log."""
    sql_where, params = where_clause(("status = ?", status), ("province = ?", province))
    rows = db.execute(f"SELECT {_COLUMNS} FROM jobs{sql_where} ORDER BY created_at DESC LIMIT ?", [*params, limit]).fetchall()
    out = []
    for row in rows:
        job = _job_dict(row)
        if job["status"] == "dead":
            job["attempt_log"] = get(db, job["id"])["attempt_log"]
        out.append(job)
    return out


def counts(db: sqlite_utils.Database, province: str | None = None) -> dict[str, int]:
    """How many jobs are in each state (optionally of one province)."""
    sql = "SELECT status, count(*) FROM jobs" + (" WHERE province = ?" if province else "") + " GROUP BY status"
    found = dict(db.execute(sql, [province] if province else []).fetchall())
    return {state: found.get(state, 0) for state in STATES}
