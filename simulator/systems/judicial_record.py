"""Judicial record (lý lịch tư pháp, LLTP): certificate requests processed on the sandbox clock.

Contract (seen fragments, completed by the sandbox and documented in OpenAPI):
- `POST /judicial_record/requests` files a request for a certificate (phiếu LLTP số 1 or 2)
  tied to the one-stop dossier `maHoSoMCDT`; the reply is `{statusCode: "00", errorDetail: "",
  data: {maHoSoMCDT, ngayHenTraKetQua}}`.
- `GET /judicial_record/requests/{maHoSoMCDT}` answers the result `{maHoSoMCDT, trangThaiXuLy,
  lyDoTuChoi, ngayHenTraKetQua, ketQuaXuLy}`; `trangThaiXuLy` is "1" received, "2" processing,
  "3" certificate issued, "4" rejected.
- Errors: `{statusCode: "01", errorDetail}` with a 4xx HTTP status.

Processing time is fixed at request time from (seed, province, code): between half and twice
`judicial_median_minutes` of simulated time, `slow_ministry_factor` times more for the slow
persona. The appointment date (`ngayHenTraKetQua`) is the latest possible ready time, so a
result is never late. The first reader of a ready result (a poll or `sweep_ready`) sends the
`judicial_record.result` callback, exactly once.
"""

from __future__ import annotations

import sqlite_utils
from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import EXCLUDE, Schema, fields, validate

from simulator.app_context import db, settings
from simulator.gateway.registry import gateway_service
from simulator.identity import persona_outcome
from simulator.systems import notify, people, registry
from simulator.systems.helpers import (
    citizen_id_validator,
    dd_mm_yyyy_validator,
    ddmmyyyy,
    document_errors,
    processing_minutes,
    sim_now,
    unit_draw,
)
from simulator.systems.registry import SystemSpec

PREFIX = "/judicial_record"
EVENT = "judicial_record.result"
RECEIVED, PROCESSING, ISSUED, REJECTED = "1", "2", "3", "4"
STATUS_NAMES = {RECEIVED: "Đã tiếp nhận", PROCESSING: "Đang xử lý", ISSUED: "Đã cấp phiếu", REJECTED: "Từ chối"}
REJECTION_PERSONA = "Người yêu cầu đang bị truy cứu trách nhiệm hình sự; chưa đủ căn cứ cấp Phiếu lý lịch tư pháp."
REJECTION_UNKNOWN = "Không xác minh được nhân thân người yêu cầu trong CSDL quốc gia về dân cư."
CONVICTION = (
    "Bản án số 125/2015/HS-ST ngày 12/06/2015 của Tòa án nhân dân tỉnh Nghệ An: tội Trộm cắp tài sản "
    "(Điều 138 BLHS 1999), 18 tháng tù; chưa được xóa án tích."
)

blp = Blueprint(
    "judicial_record",
    __name__,
    url_prefix=PREFIX,
    description="Judicial record (lý lịch tư pháp): asynchronous certificate requests. Also reachable as "
    '/ngsp/judicial_record/... . Errors: {statusCode: "01", errorDetail}.',
)


def error_body(status: int, message: str) -> dict:
    """The judicial record system's error format."""
    return {"statusCode": "01", "errorDetail": message}


# Declared like every system: its prefix on the gateway, its error format for errors and faults.
SPEC = registry.declare(
    SystemSpec(
        name="judicial_record",
        module=__name__,
        label_vi="Lý lịch tư pháp",
        label_en="Judicial record",
        sector_vi="Tư pháp",
        sector_en="Justice",
        prefix=PREFIX,
        operations=("requests",),
        events=(EVENT,),
        error_body=error_body,
    )
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
    database.execute(
        "CREATE INDEX IF NOT EXISTS judicial_requests_pending ON judicial_requests (ready_at) WHERE notified_at IS NULL"
    )


# --- schemas -------------------------------------------------------------------------------
class JudicialError(Schema):
    """An error of the judicial record system."""

    statusCode = fields.String(required=True, metadata={"example": "01"})
    errorDetail = fields.String(required=True)


class CertificateRequest(Schema):
    """A request for a judicial record certificate, as the one-stop software files it."""

    class Meta:
        unknown = EXCLUDE  # connectors send extra fields (phone, address...): accepted, ignored

    maHoSoMCDT = fields.String(
        required=True, validate=validate.Length(min=1, max=64), metadata={"description": "One-stop dossier code"}
    )
    soDinhDanh = fields.String(
        required=True,
        validate=[validate.Regexp(r"^\d{12}$", error="must be 12 digits"), citizen_id_validator],
        metadata={"description": "Applicant's 12-digit ID", "example": "056090001234"},
    )
    hoTen = fields.String(required=True, validate=validate.Length(min=1, max=100))
    ngaySinh = fields.String(
        required=True,
        validate=[validate.Regexp(r"^\d{2}/\d{2}/\d{4}$", error="must be dd/MM/yyyy"), dd_mm_yyyy_validator],
        metadata={"description": "dd/MM/yyyy", "example": "05/08/1980"},
    )
    loaiPhieu = fields.Integer(
        required=True, strict=False, validate=validate.OneOf([1, 2]), metadata={"description": "Phiếu số 1 or 2"}
    )
    mucDichSuDung = fields.String(
        load_default="", validate=validate.Length(max=500), metadata={"description": "Purpose of use"}
    )


class Appointment(Schema):
    """The dossier code and the appointment date for the result."""

    maHoSoMCDT = fields.String(required=True)
    ngayHenTraKetQua = fields.String(required=True, metadata={"example": "28/11/2026"})


class RequestAccepted(Schema):
    """Reply to a filed request."""

    statusCode = fields.String(required=True, metadata={"example": "00"})
    errorDetail = fields.String(required=True)
    data = fields.Nested(Appointment, required=True)


class Certificate(Schema):
    """The issued certificate (phiếu lý lịch tư pháp)."""

    soPhieuLLTP = fields.String(required=True)
    ngayCapPhieu = fields.String(required=True, metadata={"description": "dd/MM/yyyy"})
    loaiPhieu = fields.Integer(required=True)
    coAnTich = fields.Boolean(required=True, metadata={"description": "Whether a conviction is recorded"})
    noiDungAnTich = fields.String(allow_none=True)


class RequestResult(Schema):
    """The state of a request and, once issued, the certificate."""

    maHoSoMCDT = fields.String(required=True)
    trangThaiXuLy = fields.String(
        required=True, metadata={"description": "1 received, 2 processing, 3 issued, 4 rejected"}
    )
    tenTrangThai = fields.String(required=True)
    lyDoTuChoi = fields.String(required=True, metadata={"description": "Empty unless rejected"})
    ngayHenTraKetQua = fields.String(required=True)
    ketQuaXuLy = fields.Nested(Certificate, allow_none=True, required=True)


class CodePath(Schema):
    """The one-stop dossier code in the path."""

    maHoSoMCDT = fields.String(required=True, validate=validate.Length(min=1, max=64))


# --- logic ---------------------------------------------------------------------------------
def _outcome(applicant_id: str) -> tuple[str, str | None]:
    persona = persona_outcome(applicant_id)
    if persona == "judicial_rejected":
        return "rejected", REJECTION_PERSONA
    if persona == "judicial_conviction":
        return "conviction", None
    if people.citizen_with_overlays(db(), applicant_id) is None:
        return "rejected", REJECTION_UNKNOWN
    return "clean", None


def file_request(database: sqlite_utils.Database, province: str, req: dict, now: float, conf: dict) -> dict:
    """Store a new request (or return the stored one for an identical retry); 409 on a clash."""
    code = req["maHoSoMCDT"]
    existing = database.execute(
        "SELECT applicant_id, due_at FROM judicial_requests WHERE province = ? AND code = ?", [province, code]
    ).fetchone()
    if existing is not None:
        if existing[0] != req["soDinhDanh"]:
            abort(409, message=f"Hồ sơ {code} đã tồn tại với người yêu cầu khác (already exists)")
        return {"maHoSoMCDT": code, "ngayHenTraKetQua": ddmmyyyy(existing[1])}
    key = f"{province}:{code}"
    median = conf["judicial_median_minutes"]
    slow = conf["slow_ministry_factor"] if persona_outcome(req["soDinhDanh"]) == "slow_ministry" else 1
    minutes = processing_minutes(conf["seed"], "judicial", key, median) * slow
    outcome, reason = _outcome(req["soDinhDanh"])
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
            None if outcome == "rejected" else f"{number:06d}/{ddmmyyyy(ready_at)[-4:]}/LLTP",
            reason,
        ],
    )
    return {"maHoSoMCDT": code, "ngayHenTraKetQua": ddmmyyyy(due_at)}


_COLUMNS = "province, code, certificate_type, received_at, ready_at, due_at, outcome, certificate_no, rejection_reason"


def _result(row: dict, now: float) -> dict:
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
            "ngayCapPhieu": ddmmyyyy(row["ready_at"]),
            "loaiPhieu": row["certificate_type"],
            "coAnTich": conviction,
            "noiDungAnTich": CONVICTION if conviction else None,
        }
    return {
        "maHoSoMCDT": row["code"],
        "trangThaiXuLy": status,
        "tenTrangThai": STATUS_NAMES[status],
        "lyDoTuChoi": (row["rejection_reason"] or "") if status == REJECTED else "",
        "ngayHenTraKetQua": ddmmyyyy(row["due_at"]),
        "ketQuaXuLy": certificate,
    }


def _notify_once(database: sqlite_utils.Database, row: dict, now: float) -> bool:
    """Queue the result callback if this caller is the first to see the request ready (atomically)."""
    return notify.claim_and_notify(
        database,
        "UPDATE judicial_requests SET notified_at = ? WHERE province = ? AND code = ? AND notified_at IS NULL",
        [now, row["province"], row["code"]],
        row["province"],
        EVENT,
        lambda: _result(row, now),
    )


def lookup(database: sqlite_utils.Database, province: str, code: str, now: float) -> dict | None:
    """The result of a province's request, sending the callback if it just became ready."""
    cursor = database.execute(
        f"SELECT {_COLUMNS} FROM judicial_requests WHERE province = ? AND code = ?", [province, code]
    )
    values = cursor.fetchone()
    if values is None:
        return None
    row = dict(zip([c[0] for c in cursor.description], values, strict=True))
    if now >= row["ready_at"]:
        _notify_once(database, row, now)
    return _result(row, now)


def sweep_ready(database: sqlite_utils.Database, now: float) -> int:
    """Send the callback for every request that became ready by `now`; how many were sent."""
    cursor = database.execute(
        f"SELECT {_COLUMNS} FROM judicial_requests WHERE notified_at IS NULL AND ready_at <= ?", [now]
    )
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    return sum(_notify_once(database, row, now) for row in rows)


# --- routes --------------------------------------------------------------------------------
@blp.route("/requests")
class Requests(MethodView):
    """Certificate requests."""

    @gateway_service("judicial_record.request", "File a judicial record certificate request (asynchronous)")
    @blp.arguments(CertificateRequest)
    @blp.response(200, RequestAccepted)
    @document_errors(blp, JudicialError, (400, 409, 422))
    @blp.doc(security=[{"bearer": []}])
    def post(self, req: dict):
        """File a request; the reply gives the appointment date (ngayHenTraKetQua, dd/MM/yyyy)."""
        data = file_request(db(), g.province, req, sim_now(), settings())
        return {"statusCode": "00", "errorDetail": "", "data": data}


@blp.route("/requests/<string:maHoSoMCDT>")
class RequestItem(MethodView):
    """One request's result."""

    @gateway_service("judicial_record.result", "The state and result of a judicial record request")
    @blp.response(200, RequestResult)
    @document_errors(blp, JudicialError, (404,))
    @blp.doc(security=[{"bearer": []}])
    def get(self, maHoSoMCDT: str):
        """Poll a request: received, processing, then issued (ketQuaXuLy) or rejected (lyDoTuChoi)."""
        result = lookup(db(), g.province, maHoSoMCDT, sim_now())
        if result is None:
            abort(404, message=f"Không tìm thấy hồ sơ {maHoSoMCDT} (not found)")
        return result
