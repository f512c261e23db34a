"""Bearer tokens issued by `POST /ngsp/token`, stored in SQLite so every worker honours them."""

from __future__ import annotations

import secrets
import time

import sqlite_utils


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the gateway's token and access-right tables."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS gateway_tokens (
            token TEXT PRIMARY KEY, province TEXT NOT NULL, expires_at REAL NOT NULL)"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS gateway_rights (
            province TEXT NOT NULL, service TEXT NOT NULL, allowed INTEGER NOT NULL,
            PRIMARY KEY (province, service))"""
    )


def issue(db: sqlite_utils.Database, province: str, ttl_seconds: int) -> str:
    """A new bearer token for a province client."""
    token = secrets.token_urlsafe(32)
    now = time.time()
    db.execute(
        "INSERT INTO gateway_tokens (token, province, expires_at) VALUES (?, ?, ?)",
        [token, province, now + ttl_seconds],
    )
    if secrets.randbelow(100) == 0:
        db.execute("DELETE FROM gateway_tokens WHERE expires_at < ?", [now - 3600])
    return token


def province_for(db: sqlite_utils.Database, token: str) -> tuple[str | None, str]:
    """(province, "") for a live token, else (None, the OAuth2 error description)."""
    if not token:
        return None, "missing bearer token: call POST /ngsp/token first"
    row = db.execute("SELECT province, expires_at FROM gateway_tokens WHERE token = ?", [token]).fetchone()
    if row is None:
        return None, "unknown bearer token"
    if row[1] < time.time():
        return None, "the access token expired"
    return row[0], ""
