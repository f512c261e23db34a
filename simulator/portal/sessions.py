"""Portal sessions: issued by the handshake, stored in SQLite so every worker honours them."""

from __future__ import annotations

import secrets
import time

import sqlite_utils


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


def session_province(db: sqlite_utils.Database, token: str) -> tuple[str | None, str]:
    """(province code, "") for a live session, else (None, reason in Vietnamese and English)."""
    if not isinstance(token, str) or not token:
        return None, "Thiếu session (missing session)"
    row = db.execute("SELECT province, expires_at FROM portal_sessions WHERE token = ?", [token]).fetchone()
    if row is None:
        return None, "Session không hợp lệ (invalid session): đăng nhập lại qua /dvcqg/api/auth"
    if row[1] < time.time():
        return None, "Session đã hết hạn (session expired): đăng nhập lại qua /dvcqg/api/auth"
    return row[0], ""
