"""The check's table: the runs started through the admin API, with their progress and reports."""

from __future__ import annotations

import json
import time

import sqlite_utils

RUN_COLUMNS = ("id", "province", "profile", "connector", "status", "started_at", "finished_at", "phase", "progress", "ready", "exit_code")
PROGRESS_LINES = 200
STALE_AFTER_S = 3900  # longer than the longest allowed check: a run still "running" then died with its worker


def create_tables(db: sqlite_utils.Database) -> None:
    """Create `certify_runs` if missing (and drop the check's own capture tables, replaced by `request_capture`)."""
    db.execute("DROP TABLE IF EXISTS certify_capture")
    db.execute("DROP TABLE IF EXISTS certify_armed")
    db.execute(
        "CREATE TABLE IF NOT EXISTS certify_runs (id TEXT PRIMARY KEY, province TEXT NOT NULL, profile TEXT,"
        " connector TEXT, status TEXT NOT NULL, started_at REAL NOT NULL, finished_at REAL, phase TEXT,"
        " progress TEXT NOT NULL DEFAULT '[]', ready INTEGER, exit_code INTEGER, report TEXT)"
    )


def start_run(db: sqlite_utils.Database, run_id: str, province: str, profile: str, connector: str) -> bool:
    """Record a new running check; False if the province already has one running."""
    busy = db.execute(
        "SELECT id FROM certify_runs WHERE province = ? AND status = 'running' AND started_at > ?", [province, time.time() - STALE_AFTER_S]
    ).fetchone()
    if busy:
        return False
    db.execute(
        "INSERT INTO certify_runs (id, province, profile, connector, status, started_at, phase) VALUES (?, ?, ?, ?, 'running', ?, 'setup')",
        [run_id, province, profile, connector, time.time()],
    )
    return True


def note_progress(db: sqlite_utils.Database, run_id: str, phase: str, text: str) -> None:
    """Append one progress line (bounded) and set the current phase."""
    row = db.execute("SELECT progress FROM certify_runs WHERE id = ?", [run_id]).fetchone()
    lines = json.loads(row[0]) if row else []
    lines = [*lines, {"at": time.time(), "phase": phase, "text": text}][-PROGRESS_LINES:]
    db.execute("UPDATE certify_runs SET phase = ?, progress = ? WHERE id = ?", [phase, json.dumps(lines, ensure_ascii=False), run_id])


def finish_run(db: sqlite_utils.Database, run_id: str, report: dict | None, error: str = "") -> None:
    """Store the report (or the error) and mark the run done."""
    status = "done" if report is not None else "error"
    db.execute(
        "UPDATE certify_runs SET status = ?, finished_at = ?, ready = ?, exit_code = ?, report = ?, phase = ? WHERE id = ?",
        [
            status,
            time.time(),
            int(bool(report and report["ready"])),
            report["exit_code"] if report else 2,
            json.dumps(report if report is not None else {"error": error}, ensure_ascii=False, default=str),
            "done" if report is not None else "error",
            run_id,
        ],
    )


def get_run(db: sqlite_utils.Database, run_id: str) -> dict | None:
    """One run with its progress lines and its report (None if unknown)."""
    row = db.execute(f"SELECT {', '.join(RUN_COLUMNS)}, report FROM certify_runs WHERE id = ?", [run_id]).fetchone()
    if row is None:
        return None
    out = dict(zip((*RUN_COLUMNS, "report"), row))
    out["progress"] = json.loads(out["progress"])
    out["report"] = json.loads(out["report"]) if out["report"] else None
    if out["ready"] is not None:
        out["ready"] = bool(out["ready"])
    return out


def list_runs(db: sqlite_utils.Database, limit: int = 20) -> list[dict]:
    """Recent runs, newest first, without their reports."""
    rows = db.execute(
        f"SELECT {', '.join(RUN_COLUMNS)} FROM certify_runs ORDER BY started_at DESC LIMIT ?", [max(1, min(int(limit), 200))]
    ).fetchall()
    out = []
    for row in rows:
        item = dict(zip(RUN_COLUMNS, row))
        item["progress"] = (json.loads(item["progress"]) or [{}])[-1].get("text", "")
        item["ready"] = None if item["ready"] is None else bool(item["ready"])
        out.append(item)
    return out
