"""Province connector endpoints: where the portal pushes a province's events, and the shared secret."""

from __future__ import annotations

import time

import sqlite_utils


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the `connectors` table (one endpoint per province)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS connectors (
            province TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            secret TEXT NOT NULL,
            updated_at REAL NOT NULL)"""
    )


def set_connector(db: sqlite_utils.Database, province: str, url: str, secret: str) -> dict:
    """Register or replace a province's push endpoint and secret."""
    db.execute(
        "INSERT OR REPLACE INTO connectors (province, url, secret, updated_at) VALUES (?, ?, ?, ?)",
        [province, url, secret, time.time()],
    )
    return get_connector(db, province)


def get_connector(db: sqlite_utils.Database, province: str) -> dict | None:
    """A province's connector (province, url, secret, updated_at) or None."""
    row = db.execute(
        "SELECT province, url, secret, updated_at FROM connectors WHERE province = ?", [province]
    ).fetchone()
    return dict(zip(("province", "url", "secret", "updated_at"), row)) if row else None


def list_connectors(db: sqlite_utils.Database) -> list[dict]:
    """Every registered connector, by province code."""
    rows = db.execute("SELECT province, url, secret, updated_at FROM connectors ORDER BY province").fetchall()
    return [dict(zip(("province", "url", "secret", "updated_at"), r)) for r in rows]


def delete_connector(db: sqlite_utils.Database, province: str) -> bool:
    """Remove a province's connector; False when there was none."""
    return db.execute("DELETE FROM connectors WHERE province = ?", [province]).rowcount == 1


def masked(connector: dict) -> dict:
    """A connector for display: the secret reduced to a hint."""
    secret = connector["secret"]
    hint = ("…" + secret[-4:]) if len(secret) > 8 else "…"
    return {**{k: v for k, v in connector.items() if k != "secret"}, "secret_hint": hint}
