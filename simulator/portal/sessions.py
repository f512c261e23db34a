"""Portal sessions: issued by the handshake, stored in SQLite so every worker honours them.

Every integration call checks its session. Each worker keeps the sessions it read in a cache
(`worker_cache.CountedRows`) that a change counter keeps honest, as the gateway's token cache does: SQLite
triggers bump `portal_session_version` whenever a session row is changed or deleted (credential
rotation, a sandbox reset, the purge of long-expired sessions), whoever writes it. A worker
re-reads the counter at most every `REFRESH_S`, and at once after it wrote anything itself, and
drops the whole cache when the counter moved: an ended session stops working in every worker
within `REFRESH_S` (documented: within one second), and at once in the worker that ended it.
A new session needs no bump (no worker can hold it yet); expiry is checked on every call.
"""

from __future__ import annotations

import secrets
import time

import sqlite_utils

from simulator import worker_cache
from simulator.worker_cache import CountedRows, PerConnection

REFRESH_S = worker_cache.REFRESH_S
_SESSION_SQL = "SELECT province, expires_at FROM portal_sessions WHERE token = ?"


def create_tables(db: sqlite_utils.Database) -> None:
    """The change counter and its triggers (`portal_sessions` itself is created by the portal store)."""
    db.execute("CREATE TABLE IF NOT EXISTS portal_session_version (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)")
    db.execute("INSERT OR IGNORE INTO portal_session_version (id, n) VALUES (1, 0)")
    bump = "BEGIN UPDATE portal_session_version SET n = n + 1 WHERE id = 1; END"
    for event in ("UPDATE", "DELETE"):
        db.execute(f"CREATE TRIGGER IF NOT EXISTS portal_sessions_{event.lower()}_bump AFTER {event} ON portal_sessions {bump}")


def open_session(db: sqlite_utils.Database, province: str, username: str, ttl_seconds: int) -> str:
    """Issue a new session token for a province client."""
    token = secrets.token_hex(24)
    now = time.time()
    db.execute(
        "INSERT INTO portal_sessions (token, province, username, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        [token, province, username, now, now + ttl_seconds],
    )
    # Forget long-expired sessions now and then so the table stays small.
    if secrets.randbelow(100) == 0:
        db.execute("DELETE FROM portal_sessions WHERE expires_at < ?", [now - 86400])
    return token


_caches = PerConnection(lambda: CountedRows(_SESSION_SQL, "SELECT n FROM portal_session_version WHERE id = 1"))


def session_province(db: sqlite_utils.Database, token: str) -> tuple[str | None, str]:
    """(province code, "") for a live session, else (None, reason in Vietnamese and English)."""
    if not isinstance(token, str) or not token:
        return None, "Thiếu session (missing session)"
    row = _caches.get(db).get(db.conn, token)
    if row is None:
        return None, "Session không hợp lệ (invalid session): đăng nhập lại qua /dvcqg/api/auth"
    if row[1] < time.time():
        return None, "Session đã hết hạn (session expired): đăng nhập lại qua /dvcqg/api/auth"
    return row[0], ""
