"""Online submissions: citizens submit on the portal, which assigns MaHoSo and pushes the dossier down.

Each submission is one row of `online_submissions` plus one push job, written in the same
transaction, so a submission the caller was told about always has its delivery queued.
The portal then waits for the province to sync the dossier back (DongBoHoSoMC with that
MaHoSo); stats find it by querying `dossiers`, so the portal code stays unaware of flows.
"""

from __future__ import annotations

import random
import time

import sqlite_utils

from simulator import catalogue
from simulator.catalogue.procedures import online_for_citizens
from simulator.clock import shared_clock
from simulator.db import transaction
from simulator.flows import citizens, push
from simulator.jobs.registry import RunContext
from simulator.provinces import all_provinces
from simulator.wire_formats import to_portal
from simulator.workdays import add_working_days


class SubmissionError(ValueError):
    """A submission refused for a reason naming the field (`field`, `message`)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def create_tables(db: sqlite_utils.Database) -> None:
    """Create `online_submissions` and the per-agency, per-day dossier counters."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS online_submissions (
            MaHoSo TEXT PRIMARY KEY,
            province TEXT NOT NULL,
            procedure TEXT NOT NULL,
            submitted_at TEXT NOT NULL,
            submitted_real REAL NOT NULL,
            due TEXT NOT NULL,
            delivery_id TEXT NOT NULL,
            pushed_at REAL,
            pushed_sim REAL,
            acked_at REAL)"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS online_submissions_province ON online_submissions(province, submitted_at)")
    db.execute("CREATE INDEX IF NOT EXISTS online_submissions_delivery ON online_submissions(delivery_id)")
    db.execute(
        """CREATE TABLE IF NOT EXISTS dossier_counters (
            agency TEXT NOT NULL, day TEXT NOT NULL, last INTEGER NOT NULL, PRIMARY KEY (agency, day))"""
    )


def province_name(code: str) -> str:
    """A province's full name, for agency names."""
    found = next((p for p in all_provinces() if p.code == code), None)
    return found.full_name if found else f"H{code}"


def next_code(conn, agency: str, day: str) -> str:
    """The next MaHoSo `{agency}-{yyMMdd}-{NNNN}` of the day (call inside a transaction)."""
    conn.execute(
        "INSERT INTO dossier_counters (agency, day, last) VALUES (?, ?, 1) ON CONFLICT(agency, day) DO UPDATE SET last = last + 1",
        [agency, day],
    )
    number = conn.execute("SELECT last FROM dossier_counters WHERE agency = ? AND day = ?", [agency, day]).fetchone()[0]
    return f"{agency}-{day}-{number:04d}"


def build_dossier(code: str, province: str, procedure: catalogue.Procedure, now, seed: int) -> dict:
    """The dossier as the portal pushes it: real field names, online channel, status 1."""
    rng = random.Random(f"{seed}:submission:{code}")
    person = citizens.applicant(rng, province, seed)
    channel = procedure.online_channel
    due = add_working_days(now, channel.days)
    fees = channel.fees
    agency_name = f"{catalogue.generic_agency_name(procedure.agency_kind)} {province_name(province)}"
    return {
        "MaHoSo": code,
        # OpenCPS' receivers read MaHoSoQG (release-candidate-3.0 /nps/nhanhsdvcqg) and require
        # MaSoThue, which they look up with TraCuuTechID (mstorcmnd: tax code or ID number).
        "MaHoSoQG": code,
        "MaSoThue": person.citizen_id,
        "MaTTHC": procedure.code,
        "TenTTHC": procedure.name,
        "MaLinhVuc": procedure.field_code,
        "TenLinhVuc": procedure.field.name,
        "KenhThucHien": "2",
        "SoBienNhan": "",
        "ChuHoSo": person.name,
        "SoGiayToChuHoSo": person.citizen_id,
        "LoaiDoiTuong": "1",
        "MaDoiTuong": person.tech_id,
        "Email": person.email,
        "SoDienThoai": person.phone,
        "TrichYeuHoSo": f"{procedure.name} - {person.name}",
        "DinhDanhCHS": [{"LoaiDinhDanh": "1", "SoDinhDanh": person.citizen_id}],
        "NgayTiepNhan": to_portal(now),
        "NgayHenTra": to_portal(due),
        "NgayTra": "",
        "NgayKetThucXuLy": "",
        "NgayTuChoi": "",
        "NgayNopHoSo": to_portal(now),
        "TrangThaiHoSo": "1",
        "DonViXuLy": agency_name,
        "NoiNopHoSo": "2",
        "HinhThuc": "0",
        "DuocThanhToanTrucTuyen": "1" if fees else "3",
        "TaiLieuNop": [
            {"TenTepDinhKem": doc.name, "DuongDanTaiTepTin": f"https://dichvucong.gov.vn/files/{code}/{i + 1}.pdf"}
            for i, doc in enumerate(procedure.documents)
        ],
        "DanhSachLePhi": [
            {
                "TenPhiLePhi": fee.description or "Lệ phí",
                "MaPhiLePhi": f"LP{i + 1:02d}",
                "HinhThucThu": "2",
                "Gia": str(fee.amount),
                "LoaiPhiLePhi": "1",
            }
            for i, fee in enumerate(fees)
        ],
        "DanhSachHoSoBoSung": [],
        "DanhSachGiayToKetQua": [],
    }


def pick_procedure(code: str | None, rng: random.Random) -> catalogue.Procedure:
    """The named procedure (must be online-capable), or one drawn from the online catalogue."""
    if code:
        procedure = catalogue.procedure(code)
        if procedure is None:
            raise SubmissionError("procedure", f"unknown procedure {code!r}")
        if procedure.online_channel is None:
            raise SubmissionError("procedure", f"procedure {code} cannot be submitted online")
        return procedure
    return rng.choice(online_for_citizens())


def submit(db: sqlite_utils.Database, *, province: str, count: int, seed: int, db_path: str, procedure: str | None = None) -> list[dict]:
    """Create `count` online submissions for a province, each with its push queued; returns them."""
    if province not in {p.code for p in all_provinces()}:
        raise SubmissionError("province", f"unknown province {province!r} (a 2-digit code of the 34 provinces)")
    agency = f"000.00.01.H{province}"
    out = []
    now = shared_clock(db_path).now()
    day = now.strftime("%y%m%d")
    with transaction(db) as conn:
        for _ in range(count):
            code = next_code(conn, agency, day)
            chosen = pick_procedure(procedure, random.Random(f"{seed}:procedure:{code}"))
            dossier = build_dossier(code, province, chosen, now, seed)
            delivery = push.enqueue_push(conn, province, push.SUBMITTED, dossier)
            conn.execute(
                """INSERT INTO online_submissions
                   (MaHoSo, province, procedure, submitted_at, submitted_real, due, delivery_id)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [code, province, chosen.code, dossier["NgayTiepNhan"], time.time(), dossier["NgayHenTra"], delivery],
            )
            out.append({"MaHoSo": code, "delivery_id": delivery, "MaTTHC": chosen.code, "NgayHenTra": dossier["NgayHenTra"]})
    return out


def _mark_pushed(ctx: RunContext, delivery_id: str, data: dict) -> None:
    # First attempt only: push-to-sync latency and lost detection count from the first try.
    ctx.db.execute(
        "UPDATE online_submissions SET pushed_at = ?, pushed_sim = ? WHERE delivery_id = ? AND pushed_at IS NULL",
        [time.time(), shared_clock(ctx.settings["db"]).timestamp(), delivery_id],
    )


def _mark_acked(ctx: RunContext, delivery_id: str, data: dict) -> None:
    ctx.db.execute(
        "UPDATE online_submissions SET acked_at = ? WHERE delivery_id = ? AND acked_at IS NULL",
        [time.time(), delivery_id],
    )


push.on_attempt(push.SUBMITTED, _mark_pushed)
push.on_ack(push.SUBMITTED, _mark_acked)


def list_submissions(db: sqlite_utils.Database, province: str | None = None, limit: int = 100) -> list[dict]:
    """Submissions, newest first, with whether each was pushed, acknowledged and synced back."""
    where = " WHERE s.province = ?" if province else ""
    rows = db.execute(
        f"""SELECT s.MaHoSo, s.province, s.procedure, s.submitted_at, s.due, s.delivery_id, s.pushed_at, s.acked_at,
                   d.status FROM online_submissions s LEFT JOIN dossiers d ON d.MaHoSo = s.MaHoSo{where}
            ORDER BY s.submitted_real DESC LIMIT ?""",
        [*([province] if province else []), limit],
    ).fetchall()
    keys = ("MaHoSo", "province", "MaTTHC", "submitted_at", "NgayHenTra", "delivery_id", "pushed_at", "acked_at")
    return [{**dict(zip(keys, r[:8])), "synced": r[8] is not None, "status": r[8]} for r in rows]
