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

import base64

import sqlite_utils
from flask import g
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import EXCLUDE, Schema, fields, validate

from simulator.app_context import db, settings
from simulator.clock import sandbox_clock
from simulator.gateway.registry import gateway_service
from simulator.identity import persona_outcome
from simulator.systems import citizen_match, notify, people, registry
from simulator.systems.common import (
    citizen_id_validator,
    dd_mm_yyyy_validator,
    document_errors,
    processing_minutes,
    unit_draw,
)
from simulator.systems.errors import ErrorFormat
from simulator.wire_formats import to_dmy

EVENT = "judicial_record.result"
RECEIVED, PROCESSING, ISSUED, REJECTED = "1", "2", "3", "4"
STATUS_NAMES = {RECEIVED: "Đã tiếp nhận", PROCESSING: "Đang xử lý", ISSUED: "Đã cấp phiếu", REJECTED: "Từ chối"}
REJECTION_PERSONA = "Người yêu cầu đang bị truy cứu trách nhiệm hình sự; chưa đủ căn cứ cấp Phiếu lý lịch tư pháp."
REJECTION_UNKNOWN = "Không xác minh được nhân thân người yêu cầu trong CSDL quốc gia về dân cư."
CONVICTION = (
    "Bản án số 125/2015/HS-ST ngày 12/06/2015 của Tòa án nhân dân tỉnh Nghệ An: tội Trộm cắp tài sản "
    "(Điều 138 BLHS 1999), 18 tháng tù; chưa được xóa án tích."
)

# The judicial record system's error reply: `{statusCode: "01", errorDetail}` whatever the status.
ERRORS = ErrorFormat("statusCode", "errorDetail", server="01", other="01")
SPEC = registry.declare(
    registry.system(
        "judicial_record",
        __name__,
        operations=("requests", "lltp"),
        events=(EVENT,),
        sweep=lambda ctx, now: sweep_ready(ctx.db, now),
        error_body=ERRORS,
    )
)
blp = registry.blueprint(SPEC)


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


# --- schemas -------------------------------------------------------------------------------
class JudicialError(Schema):
    """An error of the judicial record system."""

    statusCode = fields.String(required=True, metadata={"example": "01"})
    errorDetail = fields.String(required=True)


class CertificateRequest(Schema):
    """A request for a judicial record certificate, as the one-stop software files it."""

    class Meta:
        unknown = EXCLUDE  # connectors send extra fields (phone, address...): accepted, ignored

    maHoSoMCDT = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={"description": "One-stop dossier code"})
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
    loaiPhieu = fields.Integer(required=True, strict=False, validate=validate.OneOf([1, 2]), metadata={"description": "Phiếu số 1 or 2"})
    mucDichSuDung = fields.String(load_default="", validate=validate.Length(max=500), metadata={"description": "Purpose of use"})


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
    trangThaiXuLy = fields.String(required=True, metadata={"description": "1 received, 2 processing, 3 issued, 4 rejected"})
    tenTrangThai = fields.String(required=True)
    lyDoTuChoi = fields.String(required=True, metadata={"description": "Empty unless rejected"})
    ngayHenTraKetQua = fields.String(required=True)
    ketQuaXuLy = fields.Nested(Certificate, allow_none=True, required=True)


class CodePath(Schema):
    """The one-stop dossier code in the path."""

    maHoSoMCDT = fields.String(required=True, validate=validate.Length(min=1, max=64))


# --- logic ---------------------------------------------------------------------------------
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
    existing = database.execute(
        "SELECT applicant_id, due_at FROM judicial_requests WHERE province = ? AND code = ?", [province, code]
    ).fetchone()
    if existing is not None:
        if existing[0] != req["soDinhDanh"]:
            abort(409, message=f"Hồ sơ {code} đã tồn tại với người yêu cầu khác (already exists)")
        return {"maHoSoMCDT": code, "ngayHenTraKetQua": to_dmy(existing[1])}
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
    cursor = database.execute(f"SELECT {_COLUMNS} FROM judicial_requests WHERE province = ? AND code = ?", [province, code])
    values = cursor.fetchone()
    if values is None:
        return None
    row = dict(zip([c[0] for c in cursor.description], values, strict=True))
    if now >= row["ready_at"]:
        _notify_once(database, row, now)
    return _result(row, now)


def sweep_ready(database: sqlite_utils.Database, now: float) -> int:
    """Send the callback for every request that became ready by `now`; how many were sent."""
    cursor = database.execute(f"SELECT {_COLUMNS} FROM judicial_requests WHERE notified_at IS NULL AND ready_at <= ?", [now])
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
        data = file_request(db(), g.province, req, sandbox_clock().timestamp(), settings())
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
        result = lookup(db(), g.province, maHoSoMCDT, sandbox_clock().timestamp())
        if result is None:
            abort(404, message=f"Không tìm thấy hồ sơ {maHoSoMCDT} (not found)")
        return result


# --- the LGSP face one-stop backends call (docs/contract.md, judicial record) -----------------
# Public client: github HuanVu201/DichVuCong_KhoaLuan_PASETO, DichVuCongApi/src/Infrastructure/KetNoi/LLTP/
# LLTPService.cs (sends DataLGSP, counts a reply as sent when its text contains "gửi thông tin thành công"
# or "đã được tiếp nhận, không thể cập nhật thông tin", else reads errorDescription) and
# Core/Application/Common/KetNoi/LLTP/LLTPRequestParams.cs (field names).
SENT = "Gửi thông tin thành công"
ALREADY_RECEIVED = "Hồ sơ đã được tiếp nhận, không thể cập nhật thông tin"
# Our statuses as the dossier status codes the client reads (9/10 = finished, with ketQuaXuLy).
LGSP_STATUS = {RECEIVED: "2", PROCESSING: "4", ISSUED: "9", REJECTED: "3"}


class LgspAddress(Schema):
    """An address in the declaration (`nycThuongTru`, `nycNoiSinh`, ...)."""

    class Meta:
        unknown = EXCLUDE

    maTinhThanh = fields.String(load_default="")
    tenTinhThanh = fields.String(load_default="")
    maPhuongXa = fields.String(load_default="")
    tenPhuongXa = fields.String(load_default="")
    dcChiTiet = fields.String(load_default="")


class ToKhai(Schema):
    """The applicant's declaration (`toKhai`): the `nyc*` fields the ministry checks; the rest is kept as sent."""

    class Meta:
        unknown = EXCLUDE  # the declaration carries ~60 fields (relatives, mandate, files): accepted

    nycHoTen = fields.String(required=True, validate=validate.Length(min=1, max=100))
    nycNgaySinh = fields.String(required=True, validate=validate.Length(min=4, max=40), metadata={"description": "dd/MM/yyyy"})
    nycSoGiayTo = fields.String(
        required=True,
        validate=[validate.Regexp(r"^\d{12}$", error="must be a 12-digit ID"), citizen_id_validator],
        metadata={"example": "056090001234"},
    )
    loaiPhieu = fields.String(load_default="1", validate=validate.OneOf(["1", "2"]))
    tenMucDich = fields.String(load_default="", allow_none=True)
    mucDichKhac = fields.String(load_default="", allow_none=True)
    nycThuongTru = fields.Nested(LgspAddress, allow_none=True)


class LgspRequest(Schema):
    """`DataLGSP`: a one-stop dossier's judicial record request through the province's LGSP."""

    class Meta:
        unknown = EXCLUDE

    authKey = fields.String(required=True, validate=validate.Length(min=1, max=500))
    maTinh = fields.String(required=True, validate=validate.Length(min=1, max=10))
    tenTinh = fields.String(load_default="", allow_none=True)
    maHoSoMCDT = fields.String(required=True, validate=validate.Length(min=1, max=64))
    nguonDangKy = fields.String(load_default="", allow_none=True)
    tenNguonDangKy = fields.String(load_default="", allow_none=True)
    ngayTiepNhan = fields.String(required=True, validate=[dd_mm_yyyy_validator], metadata={"description": "dd/MM/yyyy"})
    toKhai = fields.Nested(ToKhai, required=True)


class LgspStatusRequest(Schema):
    """A status poll: `{authKey, maTinh, maHoSoMCDT}`."""

    class Meta:
        unknown = EXCLUDE

    authKey = fields.String(required=True, validate=validate.Length(min=1, max=500))
    maTinh = fields.String(required=True, validate=validate.Length(min=1, max=10))
    maHoSoMCDT = fields.String(required=True, validate=validate.Length(min=1, max=64))


class LgspReply(Schema):
    """`{status, statusDescription, errorCode, errorDescription}`: status "1" sent, "0" refused."""

    status = fields.String(required=True)
    statusDescription = fields.String(required=True)
    errorCode = fields.String(required=True)
    errorDescription = fields.String(required=True)


class LgspResult(Schema):
    """`ketQuaXuLy` of a finished request."""

    soPhieuLLTP = fields.String(required=True)
    ngayCapPhieu = fields.String(required=True, metadata={"description": "dd/MM/yyyy"})
    loaiPhieu = fields.String(required=True)
    nguoiKy = fields.String(required=True)
    chucVu = fields.String(required=True)
    tinhTrangAnTich = fields.String(required=True, metadata={"description": "1 no conviction, 2 conviction"})
    tenTinhTrangAnTich = fields.String(required=True)
    thongTinAn = fields.List(fields.Dict(), required=True)
    phieuLLTP = fields.String(required=True, metadata={"description": "base64 of the certificate (text/plain)"})


class LgspValue(Schema):
    """One dossier's state."""

    maHoSoMCDT = fields.String(required=True)
    trangThaiXuLy = fields.String(required=True, metadata={"description": "2 received, 4 processing, 9 issued, 3 refused"})
    lyDoTuChoi = fields.String(required=True)
    ngayHenTraKetQua = fields.String(required=True)
    ketQuaXuLy = fields.Nested(LgspResult, allow_none=True, required=True)


class LgspStatusReply(Schema):
    """`{status: 1, statusDescription, value: [...]}` (status 0 and an empty list for an unknown dossier)."""

    status = fields.Integer(required=True)
    statusDescription = fields.String(required=True)
    value = fields.List(fields.Nested(LgspValue), required=True)


def _lgsp_value(result: dict) -> dict:
    """Our result in the shape the LGSP client reads (`value[i]`)."""
    certificate = result["ketQuaXuLy"]
    outcome = None
    if certificate is not None:
        text = (
            f"PHIẾU LÝ LỊCH TƯ PHÁP SỐ {certificate['loaiPhieu']} - {certificate['soPhieuLLTP']} - "
            f"{certificate['noiDungAnTich'] or 'Không có án tích'}"
        )
        outcome = {
            "soPhieuLLTP": certificate["soPhieuLLTP"],
            "ngayCapPhieu": certificate["ngayCapPhieu"],
            "loaiPhieu": str(certificate["loaiPhieu"]),
            "nguoiKy": "Giám đốc Sở Tư pháp",
            "chucVu": "Giám đốc",
            "tinhTrangAnTich": "2" if certificate["coAnTich"] else "1",
            "tenTinhTrangAnTich": "Có án tích" if certificate["coAnTich"] else "Không có án tích",
            "thongTinAn": [{"noiDung": certificate["noiDungAnTich"]}] if certificate["coAnTich"] else [],
            "phieuLLTP": base64.b64encode(text.encode("utf-8")).decode("ascii"),
        }
    return {
        "maHoSoMCDT": result["maHoSoMCDT"],
        "trangThaiXuLy": LGSP_STATUS[result["trangThaiXuLy"]],
        "lyDoTuChoi": result["lyDoTuChoi"],
        "ngayHenTraKetQua": result["ngayHenTraKetQua"],
        "ketQuaXuLy": outcome,
    }


def _refused(code: str, description: str) -> dict:
    return {"status": "0", "statusDescription": "Gửi thông tin thất bại", "errorCode": code, "errorDescription": description}


@blp.route("/lltp")
class LgspDeclaration(MethodView):
    """The one-stop dossier's declaration, as LGSP clients send it."""

    @gateway_service("judicial_record.request", "File a judicial record request (LGSP declaration toKhai)")
    @blp.arguments(LgspRequest)
    @blp.response(200, LgspReply)
    @document_errors(blp, JudicialError, (400, 422))
    @blp.doc(security=[{"bearer": []}])
    def post(self, req: dict):
        """File the declaration; "Gửi thông tin thành công", or the reason in errorDescription (status "0")."""
        declaration = req["toKhai"]
        if req["maTinh"] not in (g.province, g.province.lstrip("H")):
            return _refused("MA_TINH", f"maTinh {req['maTinh']} is not the calling province {g.province}")
        request_fields = {
            "maHoSoMCDT": req["maHoSoMCDT"],
            "soDinhDanh": declaration["nycSoGiayTo"],
            "hoTen": declaration["nycHoTen"],
            "ngaySinh": declaration["nycNgaySinh"],
            "loaiPhieu": int(declaration["loaiPhieu"]),
            "mucDichSuDung": declaration.get("tenMucDich") or declaration.get("mucDichKhac") or "",
        }
        existed = lookup(db(), g.province, req["maHoSoMCDT"], sandbox_clock().timestamp()) is not None
        file_request(db(), g.province, request_fields, sandbox_clock().timestamp(), settings())
        description = ALREADY_RECEIVED if existed else SENT
        return {"status": "1", "statusDescription": description, "errorCode": "", "errorDescription": ""}


@blp.route("/lltp/status")
class LgspStatus(MethodView):
    """A dossier's state and result, as LGSP clients poll it."""

    @gateway_service("judicial_record.result", "The state and result of a judicial record request (LGSP poll)")
    @blp.arguments(LgspStatusRequest)
    @blp.response(200, LgspStatusReply)
    @document_errors(blp, JudicialError, (400, 422))
    @blp.doc(security=[{"bearer": []}])
    def post(self, req: dict):
        """`value` holds the dossier (empty with status 0 when unknown); trangThaiXuLy 9 carries ketQuaXuLy."""
        result = lookup(db(), g.province, req["maHoSoMCDT"], sandbox_clock().timestamp())
        if result is None:
            return {"status": 0, "statusDescription": f"Không tìm thấy hồ sơ {req['maHoSoMCDT']}", "value": []}
        return {"status": 1, "statusDescription": "Thành công", "value": [_lgsp_value(result)]}
