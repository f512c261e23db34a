"""Server side of request capture for a readiness check, until the fault engine captures bodies.

While a check runs for a province it is *armed* (`certify_armed`, with an expiry so a crashed
check disarms itself); every simulated-system request of that province that reaches the app is
then kept with its JSON request and response bodies in `certify_capture` (passwords masked,
bounded). Requests the fault engine answered itself (resets, injected 429/503) never reach the
app: the grader reads those from the request journal. Unarmed, the hook costs one dict look-up
per request: the armed set is re-read from SQLite at most every `REFRESH_S`.
"""

from __future__ import annotations

import json
import time
from typing import Any

import sqlite_utils
from flask import Flask, current_app, request

from simulator.db import database

REFRESH_S = 0.5
MAX_ROWS = 20_000
MAX_ARM_S = 3600
MASKED = ("password", "client_secret", "SecretKey", "session")

_state: dict[str, Any] = {"checked": 0.0, "armed": {}, "db": None, "classify": {}}


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the capture and armed-province tables if missing."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS certify_capture (id INTEGER PRIMARY KEY, ts REAL NOT NULL, province TEXT,"
        " system TEXT, operation TEXT, method TEXT, path TEXT, status INTEGER, request TEXT, response TEXT)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS certify_capture_province ON certify_capture (province, ts)")
    db.execute("CREATE TABLE IF NOT EXISTS certify_armed (province TEXT PRIMARY KEY, until REAL NOT NULL)")


def arm(db: sqlite_utils.Database, province: str, seconds: float) -> float:
    """Capture the province's requests for `seconds` (capped); returns the expiry (POSIX time)."""
    until = time.time() + max(1.0, min(float(seconds), MAX_ARM_S))
    db.execute("INSERT OR REPLACE INTO certify_armed (province, until) VALUES (?, ?)", [province, until])
    # Keep the table bounded: the newest MAX_ROWS rows are enough for any one check.
    db.execute("DELETE FROM certify_capture WHERE id <= (SELECT max(id) FROM certify_capture) - ?", [MAX_ROWS])
    return until


def disarm(db: sqlite_utils.Database, province: str) -> None:
    """Stop capturing the province's requests (what was captured stays readable)."""
    db.execute("DELETE FROM certify_armed WHERE province = ?", [province])


def captured(db: sqlite_utils.Database, province: str, since: float, limit: int = 5000) -> list[dict]:
    """Captured requests of a province since a POSIX time, oldest first, bodies decoded."""
    rows = db.execute(
        "SELECT ts, province, system, operation, method, path, status, request, response FROM certify_capture"
        " WHERE province = ? AND ts >= ? ORDER BY id LIMIT ?",
        [province, since, max(1, min(int(limit), MAX_ROWS))],
    ).fetchall()
    keys = ("ts", "province", "system", "operation", "method", "path", "status", "request", "response")
    out = []
    for row in rows:
        item = dict(zip(keys, row))
        for key in ("request", "response"):
            item[key] = json.loads(item[key]) if item[key] else None
        out.append(item)
    return out


def _armed(db_path: str) -> dict[str, float]:
    now = time.monotonic()
    if now - _state["checked"] >= REFRESH_S or _state["db"] != db_path:
        _state["db"] = db_path
        _state["checked"] = now
        rows = database(db_path).execute("SELECT province, until FROM certify_armed").fetchall()
        _state["armed"] = {p: until for p, until in rows}
    return _state["armed"]


def _mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("***" if k in MASKED and v else _mask(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


def install(app: Flask) -> None:
    """Register the capture hook on the app (runs after every request, records only when armed)."""

    @app.after_request
    def _capture(response):
        settings = current_app.config["SANDBOX"]
        armed = _armed(settings["db"])
        if not armed:
            return response
        classify = _state["classify"].get(settings["db"])
        if classify is None:
            # Imported here: simulator.traffic imports the portal and every system, which import the app's
            # features; at module import time that would be a cycle through simulator.app.
            from simulator.traffic import make_classifier

            classify = _state["classify"][settings["db"]] = make_classifier(settings["db"], settings["max_body_bytes"])
        info = classify(request.environ)
        province = (info.client or "")[1:] if info is not None else ""
        if not province or armed.get(province, 0) < time.time():
            return response
        body = request.get_json(silent=True)
        if body is None and request.content_length:
            body = {"_raw": request.get_data(as_text=True)[:20_000]}  # SOAP and form bodies, as text
        reply = response.get_json(silent=True) if response.is_json and not response.is_streamed else None
        database(settings["db"]).execute(
            "INSERT INTO certify_capture (ts, province, system, operation, method, path, status, request, response)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [time.time(), province, info.system, info.operation, request.method, request.path, response.status_code,
             json.dumps(_mask(body), ensure_ascii=False) if body is not None else None,
             json.dumps(reply, ensure_ascii=False) if reply is not None else None],
        )
        return response
