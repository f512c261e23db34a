"""Province connector endpoints: where the portal pushes a province's events, the shared secret and the body style.

Body styles (per connector): `flat` (the default) puts the pushed record's fields at the top of
the JSON body, as OpenCPS' receiver `/nps/createdossierfromdvcqg` reads them
(`data.getString("MaHoSo")`, `data.getString("MaSoThue")`, ...); `nested` wraps them as
`{delivery_id, event, sent_at, madonvi, data: {...}}` (the sandbox's earlier envelope, our design).
"""

from __future__ import annotations

import time

import sqlite_utils

BODY_STYLES = ("flat", "nested")
DEFAULT_BODY_STYLE = "flat"
_COLUMNS = ("province", "url", "secret", "body_style", "updated_at")


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the `connectors` table (one endpoint per province); add `body_style` to an older file."""
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS connectors (
            province TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            secret TEXT NOT NULL,
            body_style TEXT NOT NULL DEFAULT '{DEFAULT_BODY_STYLE}',
            updated_at REAL NOT NULL)"""
    )
    columns = {row[1] for row in db.execute("PRAGMA table_info(connectors)").fetchall()}
    if "body_style" not in columns:
        db.execute(f"ALTER TABLE connectors ADD COLUMN body_style TEXT NOT NULL DEFAULT '{DEFAULT_BODY_STYLE}'")


def set_connector(db: sqlite_utils.Database, province: str, url: str, secret: str, body_style: str = DEFAULT_BODY_STYLE) -> dict:
    """Register or replace a province's push endpoint, secret and body style."""
    if body_style not in BODY_STYLES:
        raise ValueError(f"body_style must be one of {', '.join(BODY_STYLES)}, got {body_style!r}")
    db.execute(
        "INSERT OR REPLACE INTO connectors (province, url, secret, body_style, updated_at) VALUES (?, ?, ?, ?, ?)",
        [province, url, secret, body_style, time.time()],
    )
    return get_connector(db, province)


def get_connector(db: sqlite_utils.Database, province: str) -> dict | None:
    """A province's connector (province, url, secret, body_style, updated_at) or None."""
    row = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM connectors WHERE province = ?", [province]).fetchone()
    return dict(zip(_COLUMNS, row)) if row else None


def list_connectors(db: sqlite_utils.Database) -> list[dict]:
    """Every registered connector, by province code."""
    rows = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM connectors ORDER BY province").fetchall()
    return [dict(zip(_COLUMNS, r)) for r in rows]


def delete_connector(db: sqlite_utils.Database, province: str) -> bool:
    """Remove a province's connector; False when there was none."""
    return db.execute("DELETE FROM connectors WHERE province = ?", [province]).rowcount == 1


def masked(connector: dict) -> dict:
    """A connector for display: the secret reduced to a hint."""
    secret = connector["secret"]
    hint = ("…" + secret[-4:]) if len(secret) > 8 else "…"
    return {**{k: v for k, v in connector.items() if k != "secret"}, "secret_hint": hint}
