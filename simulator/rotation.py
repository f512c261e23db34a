"""Per-province credential rotation: replace one province's password and gateway secret.

Credentials are derived from the sandbox seed (`simulator.clients`); a rotation stores a fresh
random password and gateway secret for one province in SQLite, so every worker honours it at
once and the seed-derived ones stop working. Rotating also ends the province's open portal
sessions and gateway tokens. Restoring deletes the row: the seed-derived credentials apply again.
"""

from __future__ import annotations

import dataclasses
import secrets
import time

import sqlite_utils

from simulator import clients
from simulator.clients import ProvinceClient
from simulator.db import transaction


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the table of rotated credentials."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS credential_rotations (
            province TEXT PRIMARY KEY, password TEXT NOT NULL, gateway_secret TEXT NOT NULL,
            generation INTEGER NOT NULL, rotated_at REAL NOT NULL)"""
    )


def current(db: sqlite_utils.Database, client: ProvinceClient | None) -> ProvinceClient | None:
    """The client with its rotated password and secret, if the province's were rotated."""
    if client is None:
        return None
    row = db.execute("SELECT password, gateway_secret FROM credential_rotations WHERE province = ?", [client.province_code]).fetchone()
    return client if row is None else dataclasses.replace(client, password=row[0], gateway_secret=row[1])


def by_province(db: sqlite_utils.Database, seed: int, code: str) -> ProvinceClient | None:
    """A province's client as issued now."""
    return current(db, clients.by_province(seed, code))


def by_username(db: sqlite_utils.Database, seed: int, username: str) -> ProvinceClient | None:
    """The client with this portal username, as issued now."""
    return current(db, clients.by_username(seed, username))


def by_gateway_key(db: sqlite_utils.Database, seed: int, key: str) -> ProvinceClient | None:
    """The client with this gateway key, as issued now."""
    return current(db, clients.by_gateway_key(seed, key))


def all_current(db: sqlite_utils.Database, seed: int) -> list[ProvinceClient]:
    """Every province's client as issued now, in province-code order."""
    return [current(db, c) for c in clients.province_clients(seed)]


def rotate(db: sqlite_utils.Database, seed: int, code: str) -> ProvinceClient:
    """New random password and gateway secret for one province; its sessions and tokens end now."""
    if clients.by_province(seed, code) is None:
        raise KeyError(code)
    password, secret = f"Sbx-{secrets.token_hex(6)}", secrets.token_hex(16)
    with transaction(db) as conn:
        conn.execute(
            """INSERT INTO credential_rotations (province, password, gateway_secret, generation, rotated_at)
               VALUES (?, ?, ?, 1, ?)
               ON CONFLICT (province) DO UPDATE SET password = excluded.password,
                 gateway_secret = excluded.gateway_secret, generation = generation + 1, rotated_at = excluded.rotated_at""",
            [code, password, secret, time.time()],
        )
        _end_sessions(conn, code)
    return by_province(db, seed, code)


def restore(db: sqlite_utils.Database, seed: int, code: str) -> ProvinceClient:
    """Back to the seed-derived credentials; the province's sessions and tokens end now."""
    if clients.by_province(seed, code) is None:
        raise KeyError(code)
    with transaction(db) as conn:
        conn.execute("DELETE FROM credential_rotations WHERE province = ?", [code])
        _end_sessions(conn, code)
    return by_province(db, seed, code)


def rotation_info(db: sqlite_utils.Database, code: str) -> dict:
    """How many times the province's credentials were rotated, and when last (None: never)."""
    row = db.execute("SELECT generation, rotated_at FROM credential_rotations WHERE province = ?", [code]).fetchone()
    return {"generation": row[0] if row else 0, "rotated_at": row[1] if row else None}


def _end_sessions(conn, code: str) -> None:
    # A leaked credential is why one rotates: what it already opened must close too.
    for table in ("portal_sessions", "gateway_tokens"):
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone():
            conn.execute(f"DELETE FROM {table} WHERE province = ?", [code])
