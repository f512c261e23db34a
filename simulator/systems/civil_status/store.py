"""Civil-status dossiers in SQLite and their progression on the sandbox clock.

A dossier is received (trangThai 1 waiting), taken up (3 processing) and finished (4 result
ready or 6 rejected) at instants drawn once, at receipt, from the ministries' one processing
time distribution (`common.processing_minutes`: median `civil_status_median_minutes` simulated
minutes, between half and twice that, × `slow_ministry_factor` for the `slow_ministry` persona) seeded by (seed, maHoSo):
polling the same dossier on the
same clock always shows the same history. Supplement requests (2) are part of the status code
list but the sandbox never asks for one.

Finishing runs once per dossier (a conditional UPDATE claims it), either when a poll sees the
due time passed or from `sweep_ready(db, now)` (the job runner's periodic call); the claimer
applies the effects (overlays, registered child) and notifies the province.
"""

from __future__ import annotations

import json
from datetime import datetime

import sqlite_utils

from simulator.identity.personas import persona_outcome
from simulator.systems import notify
from simulator.systems.civil_status import outcomes
from simulator.systems.common import processing_minutes as ministry_minutes
from simulator.wire_formats import to_portal

TABLE = "civil_status_dossiers"
WAITING_SHARE = 0.2  # share of the processing time spent waiting before a clerk takes it up
STATUS_NAMES = {
    "1": "Chờ tiếp nhận xử lý",
    "2": "Yêu cầu bổ sung hồ sơ",
    "3": "Đang xử lý",
    "4": "Đã có kết quả",
    "6": "Từ chối",
}
PROCEDURES = {"KS": "1.001193", "KT": "1.000656", "KH": "1.000894", "XNHN": "1.004873"}
EVENT = "civil_status.result"


class DuplicateDossier(Exception):
    """A dossier with this maHoSo was already received."""


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the dossier table and its indexes if missing."""
    db.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} ("
        " maHoSo TEXT PRIMARY KEY, province TEXT NOT NULL, maTTHC TEXT NOT NULL, module TEXT NOT NULL,"
        " ngayTiepNhan TEXT NOT NULL, received_ts REAL NOT NULL, started_ts REAL NOT NULL, due_ts REAL NOT NULL,"
        " payload TEXT NOT NULL, seed INTEGER NOT NULL, missing_share REAL NOT NULL,"
        " finalized INTEGER NOT NULL DEFAULT 0, trangThai TEXT, lyDo TEXT, result TEXT, finalized_at REAL)"
    )
    db.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_due ON {TABLE} (finalized, due_ts)")
    db.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_province ON {TABLE} (province, received_ts)")


def processing_minutes(seed: int, code: str, median: float, slow_factor: float = 1) -> float:
    """Simulated minutes from receipt to result for dossier `code` (deterministic)."""
    return ministry_minutes(seed, "civil_status", code, median) * slow_factor


def submit(
    db: sqlite_utils.Database,
    *,
    code: str,
    province: str,
    module: str,
    payload: dict,
    now_ts: float,
    seed: int,
    missing_share: float,
    median_minutes: float,
    slow_factor: float,
) -> dict:
    """Receive a dossier; returns its row. Raises DuplicateDossier for a maHoSo already received."""
    slow = any(isinstance(v, str) and persona_outcome(v) == "slow_ministry" for v in payload.values())
    total = processing_minutes(seed, code, median_minutes, slow_factor if slow else 1) * 60
    row = {
        "maHoSo": code,
        "province": province,
        "maTTHC": payload.get("maTTHC") or PROCEDURES[module],
        "module": module,
        "ngayTiepNhan": to_portal(now_ts),
        "received_ts": now_ts,
        "started_ts": now_ts + total * WAITING_SHARE,
        "due_ts": now_ts + total,
        "payload": json.dumps(payload, ensure_ascii=False),
        "seed": seed,
        "missing_share": missing_share,
    }
    cursor = db.execute(f"INSERT OR IGNORE INTO {TABLE} ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))
    if cursor.rowcount != 1:
        raise DuplicateDossier(code)
    return get(db, code)


def get(db: sqlite_utils.Database, code: str) -> dict | None:
    """The stored row of a dossier, or None."""
    rows = list(db.query(f"SELECT * FROM {TABLE} WHERE maHoSo = ?", [code]))
    return rows[0] if rows else None


def list_for(db: sqlite_utils.Database, province: str, module: str | None = None, limit: int = 500) -> list[dict]:
    """A province's dossiers, newest first."""
    sql, args = f"SELECT * FROM {TABLE} WHERE province = ?", [province]
    if module:
        sql, args = sql + " AND module = ?", [*args, module]
    return list(db.query(sql + " ORDER BY received_ts DESC LIMIT ?", [*args, limit]))


def refresh(db: sqlite_utils.Database, row: dict, now_ts: float) -> dict:
    """The row after finishing it if its due time has passed (idempotent)."""
    if not row["finalized"] and now_ts >= row["due_ts"]:
        finalize(db, row, now_ts)
        row = get(db, row["maHoSo"])
    return row


def finalize(db: sqlite_utils.Database, row: dict, now_ts: float) -> bool:
    """Decide and record a dossier's outcome once; True for the caller that did it."""
    decision = outcomes.decide(db, row, now_ts)
    cursor = db.execute(
        f"UPDATE {TABLE} SET finalized = 1, trangThai = ?, lyDo = ?, result = ?, finalized_at = ? WHERE maHoSo = ? AND finalized = 0",
        [decision.status, decision.reason, json.dumps(decision.result, ensure_ascii=False), now_ts, row["maHoSo"]],
    )
    if cursor.rowcount != 1:
        return False  # another worker or the sweep got there first
    if decision.status == "4":
        outcomes.apply(db, row, decision)
    notify.result_ready(row["province"], EVENT, wire_result(row, decision.status, decision.result), db=db)
    return True


def sweep_ready(db: sqlite_utils.Database, now: datetime | float) -> int:
    """Finish every dossier whose due time has passed (the job runner's periodic call); count."""
    now_ts = now.timestamp() if isinstance(now, datetime) else float(now)
    rows = list(db.query(f"SELECT * FROM {TABLE} WHERE finalized = 0 AND due_ts <= ?", [now_ts]))
    return sum(1 for row in rows if finalize(db, row, now_ts))


def status_at(row: dict, now_ts: float) -> str:
    """trangThai of a dossier at an instant: 1 before take-up, 3 while processing, then final."""
    if row["finalized"]:
        return row["trangThai"]
    return "1" if now_ts < row["started_ts"] else "3"


def wire_result(row: dict, status: str, result: dict | None) -> dict:
    """The payload of the `civil_status.result` callback."""
    return {
        "maHoSo": row["maHoSo"],
        "maTTHC": row["maTTHC"],
        "module": row["module"],
        "trangThai": status,
        **(result or {}),
    }


def to_wire(row: dict, now_ts: float) -> dict:
    """A dossier as the registry reports it when polled."""
    status = status_at(row, now_ts)
    final = bool(row["finalized"])
    return {
        "maHoSo": row["maHoSo"],
        "maTTHC": row["maTTHC"],
        "module": row["module"],
        "ngayTiepNhan": row["ngayTiepNhan"],
        "ngayHenTra": to_portal(row["due_ts"]),
        "trangThai": status,
        "tenTrangThai": STATUS_NAMES[status],
        "lyDo": (row["lyDo"] or "") if final else "",
        "ketQua": json.loads(row["result"]) if final and status == "4" else None,
    }
