"""Bearer tokens issued by `POST /ngsp/token`, stored in SQLite so every worker honours them.

Every gateway call checks its token and its province's access rights. Each worker keeps the rows
it read in a cache (`worker_cache.CountedRows`) that a change counter keeps honest: SQLite triggers bump
`gateway_auth_version` whenever a token is deleted or changed (expiry purge, credential rotation,
reset) or an access right is granted, revoked or restored, whoever writes it. A worker re-reads the
counter at most every `REFRESH_S`, and at once after it wrote anything itself, and drops the whole
cache when the counter moved: a revoked token or right stops working in every worker within
`REFRESH_S` (documented: within one second), and at once in the worker that changed it.
"""

from __future__ import annotations

import functools
import json
import secrets
import time

import sqlite_utils

from simulator import worker_cache
from simulator.gateway import dialects
from simulator.worker_cache import CountedRows, PerConnection


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
    # The change counter (see the module docstring). A new token needs no bump: no worker can hold it yet.
    db.execute("CREATE TABLE IF NOT EXISTS gateway_auth_version (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)")
    db.execute("INSERT OR IGNORE INTO gateway_auth_version (id, n) VALUES (1, 0)")
    bump = "BEGIN UPDATE gateway_auth_version SET n = n + 1 WHERE id = 1; END"
    for table, events in (("gateway_tokens", ("UPDATE", "DELETE")), ("gateway_rights", ("INSERT", "UPDATE", "DELETE"))):
        for event in events:
            db.execute(f"CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_bump AFTER {event} ON {table} {bump}")
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


REFRESH_S = worker_cache.REFRESH_S
_caches = PerConnection(lambda: CountedRows(_TOKEN_SQL, "SELECT n FROM gateway_auth_version WHERE id = 1"))


def lookup(db: sqlite_utils.Database, token: str, environ: dict | None = None) -> tuple | None:
    """(province, expires_at, overrides JSON) of a token, expired or not, or None; kept in `environ`."""
    memo = environ.get(ENVIRON_KEY) if environ is not None else None
    if memo is not None and memo[0] == token:
        return memo[1]
    row = _caches.get(db).get(db.conn, token)
    if environ is not None:
        environ[ENVIRON_KEY] = (token, row)
    return row


def rights_overrides(environ: dict, token: str) -> dict[str, bool] | None:
    """The admin overrides of the token's province read with it this request, or None if not read.

    The mapping is shared between requests: read it, never change it.
    """
    memo = environ.get(ENVIRON_KEY)
    if memo is None or memo[0] != token or memo[1] is None:
        return None
    return _parsed_overrides(memo[1][2])


@functools.lru_cache(maxsize=256)
def _parsed_overrides(text: str | None) -> dict[str, bool]:
    return {service: bool(allowed) for service, allowed in json.loads(text or "{}").items()}


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
