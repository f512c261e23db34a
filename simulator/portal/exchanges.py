"""Status reports on dossiers the portal sent down to a province (`DongBoTrangThaiHoSo`).

A dossier submitted on the portal (an online submission pushed to the province) is handled by
the province, which reports its handling status back. OpenCPS (release-candidate-3.0,
`syncDossierAndDossierStatus` for dossiers it received from the portal) sends
`{service: "DongBoTrangThaiHoSo", type: "2", data: {MaHoSo, MaHoSoDonVi, MaDoiTuong, NoiDung,
NgayXuLy, TrangThai, TaiLieuXuLy}}` with TrangThai "2" (accepted, processing, finished) or "5"
(supplement requested, refused, stopped). Each report is kept, in order, per dossier.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlite_utils


def create_tables(db: sqlite_utils.Database) -> None:
    """Create `portal_status_reports` (one row per report, in the order received)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS portal_status_reports (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            MaHoSo TEXT NOT NULL,
            province TEXT NOT NULL,
            kind TEXT NOT NULL,
            status INTEGER NOT NULL,
            at TEXT NOT NULL,
            received_at TEXT NOT NULL,
            data TEXT NOT NULL)"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS portal_status_reports_code ON portal_status_reports(MaHoSo, id)")


def known_to_province(db: sqlite_utils.Database, code: str, province: str) -> bool:
    """Whether `code` is a dossier of `province`: submitted on the portal for it, or synced by it."""
    for table in ("online_submissions", "dossiers"):
        exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()
        if exists and db.execute(f"SELECT 1 FROM {table} WHERE MaHoSo = ? AND province = ?", [code, province]).fetchone():
            return True
    return False


def save_status_report(db: sqlite_utils.Database, province: str, kind: str, entry: dict) -> None:
    """Store one validated report; LookupError when the dossier is not the province's."""
    code = entry["MaHoSo"]
    if not known_to_province(db, code, province):
        raise LookupError(code)
    db.execute(
        "INSERT INTO portal_status_reports (MaHoSo, province, kind, status, at, received_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            code,
            province,
            kind,
            int(entry["TrangThai"]),
            entry["NgayXuLy"],
            datetime.now(UTC).isoformat(timespec="milliseconds"),
            json.dumps(entry, ensure_ascii=False),
        ],
    )


def status_reports(db: sqlite_utils.Database, code: str) -> list[dict]:
    """The reports on one dossier, oldest first, as sent."""
    rows = db.execute("SELECT data FROM portal_status_reports WHERE MaHoSo = ? ORDER BY id", [code]).fetchall()
    return [json.loads(r[0]) for r in rows]
