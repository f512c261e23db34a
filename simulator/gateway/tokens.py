"""Bearer tokens issued by `POST /ngsp/token`, stored in SQLite so every worker honours them."""

from __future__ import annotations

import json
import secrets
import time

import sqlite_utils

from simulator.gateway import dialects


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
    dialects.create_tables(db)


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


ENVIRON_KEY = "sandbox.gateway_token"
# The token's province and expiry, and that province's admin overrides of access rights as a JSON
# object {service: 0|1} (NULL when none): one statement for everything the gateway checks.
_TOKEN_SQL = (
    "SELECT t.province, t.expires_at, (SELECT json_group_object(r.service, r.allowed) FROM gateway_rights r"
    " WHERE r.province = t.province) FROM gateway_tokens t WHERE t.token = ?"
)


def lookup(db: sqlite_utils.Database, token: str, environ: dict | None = None) -> tuple | None:
    """(province, expires_at, overrides JSON) of a token, expired or not, or None; kept in `environ`."""
    memo = environ.get(ENVIRON_KEY) if environ is not None else None
    if memo is not None and memo[0] == token:
        return memo[1]
    row = db.conn.execute(_TOKEN_SQL, [token]).fetchone()
    if environ is not None:
        environ[ENVIRON_KEY] = (token, row)
    return row


def rights_overrides(environ: dict, token: str) -> dict[str, bool] | None:
    """The admin overrides of the token's province read with it this request, or None if not read."""
    memo = environ.get(ENVIRON_KEY)
    if memo is None or memo[0] != token or memo[1] is None:
        return None
    return {service: bool(allowed) for service, allowed in json.loads(memo[1][2] or "{}").items()}


def province_for(db: sqlite_utils.Database, token: str, environ: dict | None = None) -> tuple[str | None, str]:
    """(province, "") for a live token, else (None, the OAuth2 error description).

    With the request's WSGI `environ`, the row read is kept there: the fault classifier (which
    needs the caller's province before the app runs) and the gateway guard share one read, which
    also brings the province's access-right overrides (see `rights_overrides`).
    """
    if not token:
        return None, "missing bearer token: call POST /ngsp/token first"
    row = lookup(db, token, environ)
    if row is None:
        return None, "unknown bearer token"
    if row[1] < time.time():
        return None, "the access token expired"
    return row[0], ""


def presented_token(request) -> str:
    """The bearer token of a service call: `Authorization: Bearer`, else the JSON body's `accessToken`.

    Some LGSP JSON wrappers carry `{"accessToken": "Bearer <token>", "lgspAccessToken": ..., "data": ...}`
    in the body instead of the header (docs/contract.md).
    """
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    if request.is_json:
        body = request.get_json(silent=True)
        carried = body.get("accessToken") if isinstance(body, dict) else None
        if isinstance(carried, str):
            scheme, _, token = carried.partition(" ")
            return token.strip() if scheme.lower() == "bearer" else carried.strip()
    return ""
