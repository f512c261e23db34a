"""Judicial record requests in SQLite: how each is decided at filing, and its state on the sandbox clock.

Processing time is fixed at request time from (seed, province, code): between half and twice
`judicial_median_minutes` of simulated time, `slow_ministry_factor` times more for the slow
persona. The appointment date (`ngayHenTraKetQua`) is the latest possible ready time, so a
result is never late. The first reader of a ready result (a poll or `sweep_ready`) sends the
`judicial_record.result` callback, exactly once (`ResultTable`).
"""

from __future__ import annotations

import sqlite_utils

from simulator.app_context import db
from simulator.identity import persona_outcome
from simulator.systems import citizen_match, people
from simulator.systems.common import processing_minutes, unit_draw
from simulator.systems.result_table import ResultTable
from simulator.wire_formats import to_dmy

EVENT = "judicial_record.result"
TABLE = ResultTable("judicial_requests", EVENT, ready_column="ready_at")
RECEIVED, PROCESSING, ISSUED, REJECTED = "1", "2", "3", "4"
STATUS_NAMES = {RECEIVED: "Đã tiếp nhận", PROCESSING: "Đang xử lý", ISSUED: "Đã cấp phiếu", REJECTED: "Từ chối"}
REJECTION_PERSONA = "Người yêu cầu đang bị truy cứu trách nhiệm hình sự; chưa đủ căn cứ cấp Phiếu lý lịch tư pháp."
REJECTION_UNKNOWN = "Không xác minh được nhân thân người yêu cầu trong CSDL quốc gia về dân cư."
CONVICTION = (
    "Bản án số 125/2015/HS-ST ngày 12/06/2015 của Tòa án nhân dân tỉnh Nghệ An: tội Trộm cắp tài sản "
    "(Điều 138 BLHS 1999), 18 tháng tù; chưa được xóa án tích."
)


def create_tables(database: sqlite_utils.Database) -> None:
    """Create the judicial request table."""
    database.execute(
        """CREATE TABLE IF NOT EXISTS judicial_requests (
            province TEXT NOT NULL, code TEXT NOT NULL, applicant_id TEXT NOT NULL, full_name TEXT NOT NULL,
            birth_date TEXT NOT NULL, certificate_type INTEGER NOT NULL, purpose TEXT NOT NULL,
            received_at REAL NOT NULL, ready_at REAL NOT NULL, due_at REAL NOT NULL, outcome TEXT NOT NULL,
            certificate_no TEXT, rejection_reason TEXT, notified_at REAL,
            PRIMARY KEY (province, code))"""
    )
    database.execute("CREATE INDEX IF NOT EXISTS judicial_requests_pending ON judicial_requests (ready_at) WHERE notified_at IS NULL")


def _outcome(req: dict) -> tuple[str, str | None]:
    """How the ministry will decide: personas first, then the identity check against the population."""
    applicant_id = req["soDinhDanh"]
    persona = persona_outcome(applicant_id)
    if persona == "judicial_rejected":
        return "rejected", REJECTION_PERSONA
    citizen = people.citizen_with_overlays(db(), applicant_id)
    if citizen is None:
        return "rejected", REJECTION_UNKNOWN
    # The ministry checks the declared identity against the national population database.
    try:
        birth = citizen_match.parse_birth(req["ngaySinh"][:10] if "T" in req["ngaySinh"] else req["ngaySinh"])
    except ValueError:
        birth = None
    problems = citizen_match.mismatches(citizen, req["hoTen"], birth)
    if problems:
        return "rejected", f"Thông tin nhân thân không khớp: {'; '.join(problems)} (số định danh {applicant_id})."
    if persona == "judicial_conviction":
        return "conviction", None
    return "clean", None


def file_request(database: sqlite_utils.Database, province: str, req: dict, now: float, conf: dict) -> dict:
    """Store a new request (or return the stored one for an identical retry); 409 on a clash."""
    code = req["maHoSoMCDT"]
    clash = f"Hồ sơ {code} đã tồn tại với người yêu cầu khác (already exists)"
    existing = TABLE.retried(database, province, code, lambda row: row["applicant_id"] == req["soDinhDanh"], clash)
    if existing is not None:
        return {"maHoSoMCDT": code, "ngayHenTraKetQua": to_dmy(existing["due_at"])}
    key = f"{province}:{code}"
    median = conf["judicial_median_minutes"]
    slow = conf["slow_ministry_factor"] if persona_outcome(req["soDinhDanh"]) == "slow_ministry" else 1
    minutes = processing_minutes(conf["seed"], "judicial", key, median) * slow
    outcome, reason = _outcome(req)
    ready_at = now + minutes * 60
    due_at = now + 2 * median * slow * 60  # the longest possible processing time
    number = int(unit_draw(conf["seed"], "judicial-no", key) * 1_000_000)
    database.execute(
        """INSERT INTO judicial_requests (province, code, applicant_id, full_name, birth_date, certificate_type,
            purpose, received_at, ready_at, due_at, outcome, certificate_no, rejection_reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            province,
            code,
            req["soDinhDanh"],
            req["hoTen"],
            req["ngaySinh"],
            req["loaiPhieu"],
            req["mucDichSuDung"],
            now,
            ready_at,
            due_at,
            outcome,
            None if outcome == "rejected" else f"{number:06d}/{to_dmy(ready_at)[-4:]}/LLTP",
            reason,
        ],
    )
    return {"maHoSoMCDT": code, "ngayHenTraKetQua": to_dmy(due_at)}


def result(row: dict, now: float) -> dict:
    """The wire result of a stored request at simulated time `now`."""
    ready = now >= row["ready_at"]
    if ready:
        status = REJECTED if row["outcome"] == "rejected" else ISSUED
    else:
        # The first tenth of the time the request waits at intake, then it is being processed.
        status = RECEIVED if now < row["received_at"] + (row["ready_at"] - row["received_at"]) / 10 else PROCESSING
    certificate = None
    if status == ISSUED:
        conviction = row["outcome"] == "conviction"
        certificate = {
            "soPhieuLLTP": row["certificate_no"],
            "ngayCapPhieu": to_dmy(row["ready_at"]),
            "loaiPhieu": row["certificate_type"],
            "coAnTich": conviction,
            "noiDungAnTich": CONVICTION if conviction else None,
        }
    return {
        "maHoSoMCDT": row["code"],
        "trangThaiXuLy": status,
        "tenTrangThai": STATUS_NAMES[status],
        "lyDoTuChoi": (row["rejection_reason"] or "") if status == REJECTED else "",
        "ngayHenTraKetQua": to_dmy(row["due_at"]),
        "ketQuaXuLy": certificate,
    }


def lookup(database: sqlite_utils.Database, province: str, code: str, now: float) -> dict | None:
    """The result of a province's request, sending the callback if it just became ready."""
    return TABLE.read(database, province, code, now, result)


def sweep_ready(database: sqlite_utils.Database, now: float) -> int:
    """Send the callback for every request that became ready by `now`; how many were sent."""
    return TABLE.sweep(database, now, result)
