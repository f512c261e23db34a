"""Environment dossiers (môi trường): environmental permits (GPMT) and EIA reports (ĐTM).

No public contract exists; this is the sandbox's own, in the style of the other ministries:
- `POST /environment/dossiers` submits a dossier for an enterprise (msdn must exist in the
  business registry) and a project location (province and commune codes).
- `GET /environment/dossiers/{maHoSoMCDT}` follows it: `trangThai` 1 received → 2 appraisal →
  (3 supplement requested, for some dossiers) → 4 approved or 5 refused, with its history.
- `POST /environment/dossiers/{maHoSoMCDT}/supplement` answers a supplement request; the
  appraisal resumes from then.
- Success `{success: true, data}`; errors `{success: false, errorCode: "<HTTP status>", errorMessage}`.

Everything is decided at submission from (seed, province, code): the processing time (half to
twice `environment_median_minutes`), whether a supplement is requested (30 %) and whether the
dossier is refused (15 %, always for a dissolved or suspended enterprise). The first reader of a
final state (a poll or `sweep_ready`) sends the `environment.result` callback, exactly once.
"""

from __future__ import annotations

import sqlite_utils
from flask import g
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from simulator.app_context import db, settings
from simulator.clock import sandbox_clock
from simulator.identity.reference_data import commune_index
from simulator.provinces import province as province_by_code
from simulator.systems import people, registry
from simulator.systems.common import processing_minutes, string_fields, tax_code_validator, unit_draw
from simulator.systems.errors import ErrorFormat
from simulator.systems.operations import ministry_operation
from simulator.systems.result_table import ResultTable
from simulator.wire_formats import to_dmy, to_portal

EVENT = "environment.result"
TABLE = ResultTable("environment_dossiers", EVENT, ready_column="final_at")
RECEIVED, APPRAISAL, SUPPLEMENT, APPROVED, REFUSED = 1, 2, 3, 4, 5
STATUS_NAMES = {
    RECEIVED: "Đã tiếp nhận",
    APPRAISAL: "Đang thẩm định",
    SUPPLEMENT: "Yêu cầu bổ sung hồ sơ",
    APPROVED: "Đã cấp phép / phê duyệt",
    REFUSED: "Từ chối",
}
KINDS = {"GPMT": "Giấy phép môi trường", "DTM": "Báo cáo đánh giá tác động môi trường"}
SUPPLEMENT_SHARE, REFUSAL_SHARE = 0.3, 0.15
SUPPLEMENT_NOTE = "Bổ sung phương án xử lý nước thải và kết quả quan trắc môi trường nền."
REFUSAL_DEFAULT = "Dự án không phù hợp quy hoạch bảo vệ môi trường của tỉnh."
REFUSAL_ENTERPRISE = "Doanh nghiệp không còn hoạt động theo đăng ký kinh doanh."


# The environment system's error reply `{errorCode: "<HTTP status>", errorMessage, success: false}`.
ERRORS = ErrorFormat("errorCode", "errorMessage", constant={"success": False})
SPEC = registry.declare(
    registry.system(
        "environment",
        __name__,
        operations=("dossiers",),
        events=(EVENT,),
        sweep=lambda ctx, now: sweep_ready(ctx.db, now, ctx.settings["environment_median_minutes"]),
        error_body=ERRORS,
    )
)
blp = registry.blueprint(SPEC)


def create_tables(database: sqlite_utils.Database) -> None:
    """Create the environment dossier table."""
    database.execute(
        """CREATE TABLE IF NOT EXISTS environment_dossiers (
            province TEXT NOT NULL, code TEXT NOT NULL, env_code TEXT NOT NULL, msdn TEXT NOT NULL,
            enterprise_name TEXT NOT NULL, project_name TEXT NOT NULL, kind TEXT NOT NULL,
            site_province TEXT NOT NULL, site_commune TEXT NOT NULL, received_at REAL NOT NULL,
            total_minutes REAL NOT NULL, needs_supplement INTEGER NOT NULL, supplement_at REAL,
            final_at REAL, outcome TEXT NOT NULL, refusal_reason TEXT, notified_at REAL,
            PRIMARY KEY (province, code))"""
    )


# --- schemas -------------------------------------------------------------------------------
class EnvironmentError(Schema):
    """An error of the environment system."""

    success = fields.Boolean(required=True, metadata={"example": False})
    errorCode = fields.String(required=True, metadata={"example": "422"})
    errorMessage = fields.String(required=True)


class Site(Schema):
    """Where the project is: current province (2 digits) and commune (5 digits)."""

    maTinh = fields.String(required=True, validate=validate.Regexp(r"^\d{2}$"), metadata={"example": "56"})
    maXa = fields.String(required=True, validate=validate.Regexp(r"^\d{5}$"), metadata={"example": "22333"})

    @validates_schema
    def _known_place(self, data: dict, **kwargs) -> None:

        if province_by_code(data["maTinh"]) is None:
            raise ValidationError(f"unknown province code {data['maTinh']}", "maTinh")
        owner = commune_index().get(data["maXa"])
        # Communes the sandbox does not list are accepted: real connectors send real codes.
        if owner is not None and owner[0] != data["maTinh"]:
            raise ValidationError(f"commune {data['maXa']} is in province {owner[0]}, not {data['maTinh']}", "maXa")


class DossierSubmission(Schema):
    """An environmental permit or EIA dossier."""

    class Meta:
        unknown = EXCLUDE

    maHoSoMCDT = fields.String(required=True, validate=validate.Length(min=1, max=64))
    msdn = fields.String(
        required=True,
        validate=[validate.Regexp(r"^\d{10}(-?\d{3})?$", error="must be 10 or 13 digits"), tax_code_validator],
        metadata={"example": "0100233488"},
    )
    tenDuAn = fields.String(required=True, validate=validate.Length(min=1, max=300))
    loaiHoSo = fields.String(required=True, validate=validate.OneOf(list(KINDS)), metadata={"example": "GPMT"})
    diaDiem = fields.Nested(Site, required=True)


class Supplement(Schema):
    """The enterprise's answer to a supplement request."""

    class Meta:
        unknown = EXCLUDE

    noiDungBoSung = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class HistoryEntry(Schema):
    """One status change."""

    trangThai = fields.Integer(required=True)
    tenTrangThai = fields.String(required=True)
    thoiGian = fields.String(required=True, metadata={"description": "yyyyMMddHHmmss"})


class Decision(Schema):
    """The final decision."""

    soGiayPhep = fields.String(allow_none=True, required=True)
    ngayQuyetDinh = fields.String(required=True, metadata={"description": "dd/MM/yyyy"})
    lyDoTuChoi = fields.String(required=True)


class DossierState(string_fields("maHoSoMCDT maHoSoMT msdn tenDoanhNghiep tenDuAn loaiHoSo")):
    """A dossier as the environment system sees it."""

    trangThai = fields.Integer(
        required=True,
        metadata={"description": "1 received, 2 appraisal, 3 supplement requested, 4 approved, 5 refused"},
    )
    tenTrangThai = fields.String(required=True)
    ngayHenTra = fields.String(allow_none=True, required=True, metadata={"description": "dd/MM/yyyy"})
    yeuCauBoSung = fields.String(allow_none=True, required=True)
    lichSu = fields.List(fields.Nested(HistoryEntry), required=True)
    ketQua = fields.Nested(Decision, allow_none=True, required=True)


class DossierReply(Schema):
    """Success envelope."""

    success = fields.Boolean(required=True)
    data = fields.Nested(DossierState, required=True)


# --- logic ---------------------------------------------------------------------------------
def submit(database: sqlite_utils.Database, province: str, req: dict, now: float, conf: dict) -> None:
    """Store a new dossier; an identical retry is accepted, another dossier under the code is 409."""
    code = req["maHoSoMCDT"]
    clash = f"Hồ sơ {code} đã tồn tại (already exists with other content)"
    same = (req["msdn"][:10], req["tenDuAn"])
    if TABLE.retried(database, province, code, lambda row: (row["msdn"], row["project_name"]) == same, clash) is not None:
        return  # an identical retry: the dossier stands as first submitted
    enterprise = people.enterprise(req["msdn"][:10])
    if enterprise is None:
        abort(404, message=f"Không tìm thấy doanh nghiệp có mã số {req['msdn']} (enterprise not found)")
    key = f"{province}:{code}"
    seed = conf["seed"]
    total = processing_minutes(seed, "environment", key, conf["environment_median_minutes"])
    needs_supplement = unit_draw(seed, "environment-supplement", key) < SUPPLEMENT_SHARE
    reason = None
    if enterprise.legal_status in ("dissolved", "suspended"):
        reason = REFUSAL_ENTERPRISE
    elif unit_draw(seed, "environment-refusal", key) < REFUSAL_SHARE:
        reason = REFUSAL_DEFAULT
    count = database.execute("SELECT COUNT(*) FROM environment_dossiers WHERE province = ?", [province]).fetchone()
    database.execute(
        """INSERT INTO environment_dossiers (province, code, env_code, msdn, enterprise_name, project_name, kind,
            site_province, site_commune, received_at, total_minutes, needs_supplement, final_at, outcome,
            refusal_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            province,
            code,
            f"MT.H{province}.{to_portal(now)[:8]}.{count[0] + 1:05d}",
            req["msdn"][:10],
            enterprise.name,
            req["tenDuAn"],
            req["loaiHoSo"],
            req["diaDiem"]["maTinh"],
            req["diaDiem"]["maXa"],
            now,
            total,
            int(needs_supplement),
            None if needs_supplement else now + total * 60,
            "refused" if reason else "approved",
            reason,
        ],
    )


def timeline(row: dict) -> list[tuple[int, float]]:
    """Every status change the dossier has had or will have (as far as known), in order."""
    start, minutes = row["received_at"], row["total_minutes"] * 60
    events = [(RECEIVED, start), (APPRAISAL, start + 0.1 * minutes)]
    if row["needs_supplement"]:
        events.append((SUPPLEMENT, start + 0.4 * minutes))
        if row["supplement_at"] is None:
            return events
        events.append((APPRAISAL, row["supplement_at"]))
    events.append((REFUSED if row["outcome"] == "refused" else APPROVED, row["final_at"]))
    return events


def state(row: dict, now: float, median_minutes: int) -> dict:
    """The wire state of a dossier at simulated time `now`."""
    past = [(s, at) for s, at in timeline(row) if at <= now]
    status = past[-1][0]
    final = status in (APPROVED, REFUSED)
    if row["supplement_at"] is not None:
        due = row["supplement_at"] + 0.6 * 2 * median_minutes * 60
    else:
        due = row["received_at"] + 2 * median_minutes * 60
    decision = None
    if final:
        decision = {
            "soGiayPhep": None if status == REFUSED else f"{row['env_code']}/GP-{row['kind']}",
            "ngayQuyetDinh": to_dmy(past[-1][1]),
            "lyDoTuChoi": row["refusal_reason"] or "",
        }
    return {
        "maHoSoMCDT": row["code"],
        "maHoSoMT": row["env_code"],
        "msdn": row["msdn"],
        "tenDoanhNghiep": row["enterprise_name"],
        "tenDuAn": row["project_name"],
        "loaiHoSo": row["kind"],
        "trangThai": status,
        "tenTrangThai": STATUS_NAMES[status],
        "ngayHenTra": None if status == SUPPLEMENT else to_dmy(due),
        "yeuCauBoSung": SUPPLEMENT_NOTE if status == SUPPLEMENT else None,
        "lichSu": [{"trangThai": s, "tenTrangThai": STATUS_NAMES[s], "thoiGian": to_portal(at)} for s, at in past],
        "ketQua": decision,
    }


def lookup(database: sqlite_utils.Database, province: str, code: str, now: float, median: int) -> dict | None:
    """A province's dossier at `now`, sending the final callback if it just became final."""
    return TABLE.read(database, province, code, now, lambda row, at: state(row, at, median))


def sweep_ready(database: sqlite_utils.Database, now: float, median: int = 1440) -> int:
    """Send the callback for every dossier that became final by `now`; how many were sent."""
    return TABLE.sweep(database, now, lambda row, at: state(row, at, median))


def answer_supplement(database: sqlite_utils.Database, province: str, code: str, now: float) -> None:
    """Record the supplement; appraisal resumes now and ends after 60 % of the processing time."""
    row = TABLE.row(database, province, code)
    if row is None:
        abort(404, message=f"Không tìm thấy hồ sơ {code} (not found)")
    current = [s for s, at in timeline(row) if at <= now][-1]
    if current != SUPPLEMENT:
        abort(409, message=f"Hồ sơ {code} không ở trạng thái yêu cầu bổ sung (status {current})")
    database.execute(
        "UPDATE environment_dossiers SET supplement_at = ?, final_at = ? WHERE province = ? AND code = ?",
        [now, now + 0.6 * row["total_minutes"] * 60, province, code],
    )


# --- routes --------------------------------------------------------------------------------
def _reply(code: str) -> dict:
    """The success envelope around a dossier's current state (its data None when unknown)."""
    conf = settings()
    return {"success": True, "data": lookup(db(), g.province, code, sandbox_clock().timestamp(), conf["environment_median_minutes"])}


def _operation(service: str, summary: str, statuses: tuple[int, ...], body: type[Schema] | None = None):
    """An environment operation: every one answers a dossier (`DossierReply`) or its own error."""
    return ministry_operation(blp, service, summary, body=body, reply=DossierReply, error=EnvironmentError, statuses=statuses)


@blp.route("/dossiers")
class Dossiers(MethodView):
    """Environment dossiers."""

    @_operation("environment.submit", "Submit an environmental permit or EIA dossier", (400, 404, 409, 422), DossierSubmission)
    def post(self, req: dict):
        """Submit a dossier; the enterprise (msdn) must exist in the business registry."""
        submit(db(), g.province, req, sandbox_clock().timestamp(), settings())
        return _reply(req["maHoSoMCDT"])


@blp.route("/dossiers/<string:maHoSoMCDT>")
class DossierItem(MethodView):
    """One dossier."""

    @_operation("environment.status", "Status, history and decision of an environment dossier", (404,))
    def get(self, maHoSoMCDT: str):
        """Follow a dossier: received, appraisal, supplement requested, approved or refused."""
        reply = _reply(maHoSoMCDT)
        if reply["data"] is None:
            abort(404, message=f"Không tìm thấy hồ sơ {maHoSoMCDT} (not found)")
        return reply


@blp.route("/dossiers/<string:maHoSoMCDT>/supplement")
class DossierSupplement(MethodView):
    """The answer to a supplement request."""

    @_operation("environment.supplement", "Answer a supplement request on an environment dossier", (400, 404, 409, 422), Supplement)
    def post(self, req: dict, maHoSoMCDT: str):
        """Send the requested documents; appraisal resumes (409 unless a supplement is requested)."""
        answer_supplement(db(), g.province, maHoSoMCDT, sandbox_clock().timestamp())
        return _reply(maHoSoMCDT)
