"""Sandbox reset: delete records per province or everywhere, leaving the schema in place."""

from __future__ import annotations

import sqlite_utils

from simulator.db import transaction

# Tables holding per-province records, with the column naming the province. Features that
# add tables with province data list them here so a reset reaches them.
PROVINCE_TABLES: dict[str, str] = {
    "dossier_progress": "MaHoSo IN (SELECT MaHoSo FROM dossiers WHERE province = ?)",
    "dossiers": "province = ?",
    "portal_sessions": "province = ?",
    "gateway_tokens": "province = ?",
}
# Tables emptied by a whole reset only.
GLOBAL_TABLES = ("identity_overlays", "gateway_rights", "credential_rotations")


def _existing(db: sqlite_utils.Database) -> set[str]:
    return set(db.table_names())


def reset_province(db: sqlite_utils.Database, province: str) -> dict[str, int]:
    """Delete one province's records; returns rows removed per table."""
    removed = {}
    tables = _existing(db)
    with transaction(db) as conn:
        for table, where in PROVINCE_TABLES.items():
            if table in tables:
                removed[table] = conn.execute(f"DELETE FROM {table} WHERE {where}", [province]).rowcount
    return removed


def reset_all(db: sqlite_utils.Database) -> dict[str, int]:
    """Delete every record of every province and every overlay."""
    removed = {}
    tables = _existing(db)
    with transaction(db) as conn:
        for table in (*PROVINCE_TABLES, *GLOBAL_TABLES):
            if table in tables:
                removed[table] = conn.execute(f"DELETE FROM {table}").rowcount
    return removed
