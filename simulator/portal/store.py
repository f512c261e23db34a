"""Dossier and progress storage: each write is one transaction, so a refused entry leaves no trace."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

from simulator import statuses
from simulator.catalogue import province_of_agency
from simulator.db import transaction, where_clause
from simulator.portal import exchanges, questions, sessions


def create_tables(db: sqlite_utils.Database) -> None:
    """Create the dossier, progress and session tables."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS dossiers (
            MaHoSo TEXT PRIMARY KEY,
            province TEXT NOT NULL,
            agency TEXT NOT NULL,
            status INTEGER NOT NULL,
            procedure TEXT NOT NULL,
            channel TEXT NOT NULL DEFAULT '',
            received TEXT NOT NULL,
            due TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            data TEXT NOT NULL)"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS dossiers_province_status ON dossiers(province, status)")
    db.execute("CREATE INDEX IF NOT EXISTS dossiers_received ON dossiers(received)")
    db.execute(
        """CREATE TABLE IF NOT EXISTS dossier_progress (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            MaHoSo TEXT NOT NULL REFERENCES dossiers(MaHoSo) ON DELETE CASCADE,
            status INTEGER NOT NULL,
            at TEXT NOT NULL,
            received_at TEXT NOT NULL,
            data TEXT NOT NULL)"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS dossier_progress_code ON dossier_progress(MaHoSo, id)")
    # The portal's other exchanges keep their own tables; one entry in the app's table list.
    exchanges.create_tables(db)
    questions.create_tables(db)
    db.execute(
        """CREATE TABLE IF NOT EXISTS portal_sessions (
            token TEXT PRIMARY KEY,
            province TEXT NOT NULL,
            username TEXT NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL)"""
    )
    sessions.create_tables(db)


def _utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class StoreError(Exception):
    """A dossier write refused for a domain reason; `code` is the portal error_code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Outcome:
    """The result of one batch entry: its dossier code, portal error_code and message."""

    MaHoSo: str
    error_code: str
    message: str
    key: str = "MaHoSo"  # the entry's identifying field on the wire (HOIDAPID for questions, ...)

    def as_dict(self) -> dict:
        """The outcome as it appears in a reply's `result`."""
        return {self.key: self.MaHoSo, "error_code": self.error_code, "message": self.message}


def get_dossier(db: sqlite_utils.Database, code: str, province: str | None = None) -> dict | None:
    """The stored dossier (wire fields) or None; with `province`, another province's reads as None."""
    row = db.execute("SELECT province, data FROM dossiers WHERE MaHoSo = ?", [code]).fetchone()
    if row is None or (province is not None and row[0] != province):
        return None
    return json.loads(row[1])


def progress_of(db: sqlite_utils.Database, code: str) -> list[dict]:
    """A dossier's progress entries in the order they were reported."""
    rows = db.execute("SELECT data FROM dossier_progress WHERE MaHoSo = ? ORDER BY id", [code]).fetchall()
    return [json.loads(r[0]) for r in rows]


def save_dossier(db: sqlite_utils.Database, dossier: dict, province: str, updating: bool) -> str:
    """Create or update one validated dossier atomically; raises StoreError when refused."""
    code = dossier["MaHoSo"]
    agency = code.rsplit("-", 2)[0]
    if province_of_agency(agency) != province:
        if updating:
            # Another province's dossier reads as absent: its existence is not disclosed.
            raise StoreError("-4", f"Hồ sơ {code} không tồn tại")
        raise StoreError("-6", f"Hồ sơ {code}: mã cơ quan {agency} không thuộc tỉnh của đơn vị gọi (H{province})")
    new_status = int(dossier["TrangThaiHoSo"])
    now = _utcnow()
    with transaction(db):
        row = db.execute("SELECT province, status, data, created_at FROM dossiers WHERE MaHoSo = ?", [code]).fetchone()
        if row is not None and row[0] != province:
            # Another province's dossier with a forged agency code: answer as if absent.
            raise StoreError("-4", f"Hồ sơ {code} không tồn tại")
        if updating:
            if row is None:
                raise StoreError("-4", f'Hồ sơ {code} không tồn tại, không thể cập nhật (gửi isUpdating "False" để tạo mới)')
            current = row[1]
            if new_status != current and not statuses.can_move(current, new_status):
                raise StoreError("-5", _transition_message(code, current, new_status))
            merged = {**json.loads(row[2]), **dossier}
            created_at = row[3]
        else:
            if row is not None:
                raise StoreError("-3", f"Hồ sơ {code} đã tồn tại")
            merged = dossier
            created_at = now
        # An upsert, not INSERT OR REPLACE: a REPLACE deletes the row first, and the foreign key's
        # ON DELETE CASCADE would wipe the dossier's progress history on every update.
        db.execute(
            """INSERT INTO dossiers
               (MaHoSo, province, agency, status, procedure, channel, received, due, created_at, updated_at, data)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(MaHoSo) DO UPDATE SET status = excluded.status, procedure = excluded.procedure,
                 channel = excluded.channel, received = excluded.received, due = excluded.due,
                 updated_at = excluded.updated_at, data = excluded.data""",
            [
                code,
                province,
                agency,
                new_status,
                merged["MaTTHC"],
                merged.get("KenhThucHien", ""),
                merged["NgayTiepNhan"],
                merged.get("NgayHenTra", ""),
                created_at,
                now,
                json.dumps(merged, ensure_ascii=False),
            ],
        )
    return "Cập nhật hồ sơ thành công" if updating else "Tạo mới hồ sơ thành công"


# The dossier date each status stamps when a progress entry reaches it.
_STATUS_DATES = {3: "NgayTuChoi", 9: "NgayKetThucXuLy", 10: "NgayTra"}


def add_progress(db: sqlite_utils.Database, entry: dict, province: str) -> str:
    """Append one validated progress entry and move its dossier's status, atomically."""
    code = entry["MaHoSo"]
    new_status = int(entry["TrangThai"])
    with transaction(db):
        row = db.execute("SELECT province, status, data FROM dossiers WHERE MaHoSo = ?", [code]).fetchone()
        if row is None or row[0] != province:
            raise StoreError("-4", f"Hồ sơ {code} không tồn tại")
        current = row[1]
        # A repeated status is a no-op kept in the history: OpenCPS' syncDossierAndDossierStatus
        # always follows DongBoHoSoMC with CapNhatTienDoHoSoMC at the status it just synced.
        if new_status != current and not statuses.can_move(current, new_status):
            raise StoreError("-5", _transition_message(code, current, new_status))
        data = json.loads(row[2])
        data["TrangThaiHoSo"] = str(new_status)
        stamp = _STATUS_DATES.get(new_status)
        if stamp and not data.get(stamp):
            data[stamp] = entry["ThoiDiemXuLy"]
        now = _utcnow()
        db.execute(
            "INSERT INTO dossier_progress (MaHoSo, status, at, received_at, data) VALUES (?, ?, ?, ?, ?)",
            [code, new_status, entry["ThoiDiemXuLy"], now, json.dumps(entry, ensure_ascii=False)],
        )
        db.execute(
            "UPDATE dossiers SET status = ?, updated_at = ?, data = ? WHERE MaHoSo = ?",
            [new_status, now, json.dumps(data, ensure_ascii=False), code],
        )
    if new_status == current:
        return f"Cập nhật tiến độ hồ sơ {code} thành công (trạng thái {current} không đổi)"
    return f"Cập nhật tiến độ hồ sơ {code} thành công"


def _transition_message(code: str, current: int, new: int) -> str:
    allowed = statuses.allowed_next(current)
    options = ", ".join(str(s) for s in allowed) if allowed else "không có (trạng thái cuối)"
    return (
        f"Hồ sơ {code}: không thể chuyển trạng thái từ {current} ({statuses.name(current)}) "
        f"sang {new} ({statuses.name(new)}); trạng thái hợp lệ tiếp theo: {options}"
    )


def list_dossiers(
    db: sqlite_utils.Database,
    *,
    province: str | None = None,
    status: int | None = None,
    procedure: str | None = None,
    received_from: str | None = None,
    received_to: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[dict]]:
    """Dossiers matching the filters, newest first, with the total count before paging."""
    sql_where, params = where_clause(
        ("province = ?", province),
        ("status = ?", status),
        ("procedure = ?", procedure),
        ("received >= ?", received_from),
        ("received <= ?", received_to),
    )
    total = db.execute(f"SELECT count(*) FROM dossiers{sql_where}", params).fetchone()[0]
    rows = db.execute(
        f"SELECT data FROM dossiers{sql_where} ORDER BY received DESC, MaHoSo LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return total, [json.loads(r[0]) for r in rows]
