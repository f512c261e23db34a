"""Portal sessions: issued by the handshake, stored in SQLite so every worker honours them.

Every integration call checks its session. Each worker keeps the sessions it read in a cache
(`SessionCache`) that a change counter keeps honest, as the gateway's token cache does: SQLite
triggers bump `portal_session_version` whenever a session row is changed or deleted (credential
rotation, a sandbox reset, the purge of long-expired sessions), whoever writes it. A worker
re-reads the counter at most every `REFRESH_S`, and at once after it wrote anything itself, and
drops the whole cache when the counter moved: an ended session stops working in every worker
within `REFRESH_S` (documented: within one second), and at once in the worker that ended it.
A new session needs no bump (no worker can hold it yet); expiry is checked on every call.
"""

from __future__ import annotations

import os
import secrets
import time

import sqlite_utils

REFRESH_S = 0.25
CACHE_MAX = 10_000
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


class SessionCache:
    """One worker's session rows, valid while `portal_session_version` stands still (module docstring)."""

    def __init__(self) -> None:
        self.rows: dict[str, tuple[str, float]] = {}
        self.version: int | None = None
        self.checked_at = float("-inf")
        self.changes = -1  # the connection's total_changes when last checked: our own writes
        self.conn = None  # held, so that no later connection can reuse its id() and find these rows

    def get(self, conn, token: str) -> tuple[str, float] | None:
        """(province, expires_at) of a stored session, expired or not; None when there is no such session."""
        self._validate(conn)
        row = self.rows.get(token)
        if row is None:
            row = conn.execute(_SESSION_SQL, [token]).fetchone()
            if row is not None:  # unknown tokens are not kept: anyone can send garbage
                if len(self.rows) >= CACHE_MAX:
                    self.rows.clear()
                self.rows[token] = row
        return row

    def _validate(self, conn) -> None:
        now = time.monotonic()
        if conn is self.conn and conn.total_changes == self.changes and now - self.checked_at < REFRESH_S:
            return
        found = conn.execute("SELECT n FROM portal_session_version WHERE id = 1").fetchone()
        version = found[0] if found else None
        if conn is not self.conn or version != self.version or version is None:
            self.rows.clear()
        self.conn, self.version, self.checked_at, self.changes = conn, version, now, conn.total_changes


_caches: dict[tuple[int, int], SessionCache] = {}


def _cache_for(db: sqlite_utils.Database) -> SessionCache:
    # One per process and connection: a forked worker starts empty, tests open several databases.
    key = (os.getpid(), id(db.conn))
    cache = _caches.get(key)
    if cache is None:
        cache = _caches[key] = SessionCache()
    return cache


def session_province(db: sqlite_utils.Database, token: str) -> tuple[str | None, str]:
    """(province code, "") for a live session, else (None, reason in Vietnamese and English)."""
    if not isinstance(token, str) or not token:
        return None, "Thiếu session (missing session)"
    row = _cache_for(db).get(db.conn, token)
    if row is None:
        return None, "Session không hợp lệ (invalid session): đăng nhập lại qua /dvcqg/api/auth"
    if row[1] < time.time():
        return None, "Session đã hết hạn (session expired): đăng nhập lại qua /dvcqg/api/auth"
    return row[0], ""
