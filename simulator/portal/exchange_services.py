"""Portal services beyond dossier sync: portal dossiers' status, ratings, online services, questions.

Request and reply fields are those OpenCPS v2 (`DVCQGIntegrationActionImpl.java`, master and
release-candidate-3.0) sends and reads; docs/contract.md names the source of each. Batches are
answered entry by entry like `DongBoHoSoMC`: a refused entry writes nothing and is named in the
reply, the others are recorded.
"""

from __future__ import annotations

import sqlite_utils

from simulator import catalogue
from simulator.app_context import settings
from simulator.clock import sandbox_clock
from simulator.flows import satisfaction
from simulator.portal import exchanges, questions, store
from simulator.portal.schemas import PortalDossierStatus, ProvinceAnswer, ProvinceQuestion, RatingSummary
from simulator.portal.services import Caller, batch_reply, handles, record_entries, reply


def _own_unit(field: str, code: str, caller: Caller) -> None:
    """Refuse (-6) a unit code named in an entry that belongs to another province than the caller's."""
    if code and catalogue.province_of_agency(code) != caller.province:
        raise store.StoreError("-6", f"{field} {code!r} không thuộc tỉnh của đơn vị gọi (H{caller.province})")


@handles("DongBoTrangThaiHoSo")
def report_portal_dossier_status(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """Record the province's handling status of dossiers the portal sent down (`data` an object or list)."""

    def record(entry: dict, code: str) -> str:
        try:
            exchanges.save_status_report(db, caller.province, str(body.get("type", "2")), entry)
        except LookupError:
            raise store.StoreError("-4", f"Hồ sơ {code} không tồn tại") from None
        return f"Đồng bộ trạng thái hồ sơ {code} thành công"

    return batch_reply(record_entries(PortalDossierStatus, body["data"], record), "Đồng bộ trạng thái hồ sơ")


@handles("DongBoDanhGia")
def sync_rating_summaries(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """Store each unit's satisfaction summary for a period; they feed the satisfaction index."""

    def record(entry: dict, unit: str) -> str:
        _own_unit("Madonvi", unit, caller)
        try:
            satisfaction.save_summary(db, caller.province, unit, entry)
        except ValueError as err:
            raise store.StoreError("-1", str(err)) from None
        return "Đồng bộ đánh giá thành công"

    outcomes = record_entries(RatingSummary, body["data"], record, key="Madonvi", default_ref=caller.madonvi)
    return batch_reply(outcomes, "Đồng bộ đánh giá", "mục")


def _public_service(proc: catalogue.Procedure, province: str) -> dict:
    """One `LayDVC` item: the online service of a procedure in a province (MADVC our design)."""
    ministry = catalogue.sector(proc.sector)
    units = [a for a in catalogue.agencies(province) if a.kind == proc.agency_kind and a.level == proc.level]
    return {
        "MADVC": f"{proc.code}.000.00.00.H{province}",
        "TENDVC": f"{proc.name} (dịch vụ công trực tuyến)",
        "MATTHC": proc.code,
        "TENTTHC": proc.name,
        "MALINHVUC": proc.field.code,
        "TENLINHVUC": proc.field.name,
        "TENCOQUANBANHANH": ministry.ministry if ministry else "",
        "APDUNGDVC": [{"MADONVI": a.code, "TENDONVI": a.name} for a in units],
    }


@handles("LayDVC")
def list_public_services(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """Online public services (procedures with an online channel) of the caller's province."""
    wanted = (body.get("maTTHC") or body.get("MATTHC") or "").strip()
    national = catalogue.split_procedure_code(wanted)
    items = [
        _public_service(p, caller.province)
        for p in catalogue.procedures()
        if any(c.kind == "2" for c in p.channels) and (not wanted or (national and p.code == national[0]))
    ]
    # Seen: OpenCPS reads `result.data[]` (an object, unlike the other look-ups).
    return {
        "error_code": "00",
        "message": f"Lấy danh sách dịch vụ công thành công ({len(items)})",
        "result": {"total": len(items), "data": items},
    }


def _seeded(db: sqlite_utils.Database, caller: Caller) -> None:
    questions.ensure_seeded(db, settings()["seed"], caller.province, sandbox_clock().now())


@handles("LayDanhSachHoiDapGuiTuDVCQG")
def list_citizen_questions(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """Questions citizens asked on the portal to the province's agencies, with the latest answer."""
    _seeded(db, caller)
    items = questions.list_questions(db, caller.province, ("citizen",), body.get("malinhvuc", "").strip())
    return reply("00", f"Lấy danh sách hỏi đáp thành công ({len(items)})", items)


@handles("LayDanhSachHoiDapBoCoQuan")
def list_agency_questions(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """Questions and answers compiled by ministries and agencies, and those the province published."""
    _seeded(db, caller)
    items = questions.list_questions(db, caller.province, ("agency", "province"), body.get("malinhvuc", "").strip())
    return reply("00", f"Lấy danh sách hỏi đáp thành công ({len(items)})", items)


@handles("LayNoiDungTraLoiTheoCauHoi")
def get_answers(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """The answers to one of the province's questions (`result: []` when unknown or another's)."""
    if not body["cauhoiid"].isdigit():
        return reply("-1", f"LayNoiDungTraLoiTheoCauHoi: cauhoiid {body['cauhoiid']!r} phải là số (HOIDAPID)")
    items = questions.answers_of(db, caller.province, int(body["cauhoiid"]))
    return reply("00", f"Lấy nội dung trả lời thành công ({len(items)})", items)


def _question_id(entry: dict) -> None:
    """Refuse (-1) a HOIDAPID that is not a number (the province's own question id)."""
    if not str(entry["HOIDAPID"]).isdigit():
        raise store.StoreError("-1", f"HOIDAPID: {entry['HOIDAPID']!r} phải là số")


@handles("DongBoHoiDap")
def sync_province_questions(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """Publish the province's own questions (and answers) on the portal; HOIDAPID is the province's id."""
    now = sandbox_clock().now()

    def record(entry: dict, _: str) -> str:
        _question_id(entry)
        _own_unit("MADONVI", entry["MADONVI"], caller)
        return f"Đồng bộ hỏi đáp thành công (mã trên Cổng {questions.sync_province_question(db, caller.province, entry, now)})"

    outcomes = record_entries(ProvinceQuestion, body["data"], record, key="HOIDAPID")
    return batch_reply(outcomes, "Đồng bộ hỏi đáp", "câu hỏi")


@handles("DongBoKetQuaHoiDapGuiTuDVCQG")
def sync_answers(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """Record the province's answers to questions citizens asked on the portal."""
    now = sandbox_clock().now()

    def record(entry: dict, ref: str) -> str:
        _question_id(entry)
        try:
            answered_at = questions.answer_date(entry.get("NGAYTRALOI", ""), now)
        except ValueError as err:
            raise store.StoreError("-1", str(err)) from None
        try:
            answer_id = questions.answer_citizen_question(db, caller.province, entry, answered_at)
        except LookupError:
            raise store.StoreError("-4", f"Câu hỏi {ref} không tồn tại") from None
        return f"Đồng bộ trả lời thành công (TRALOIID {answer_id})"

    outcomes = record_entries(ProvinceAnswer, body["data"], record, key="HOIDAPID")
    return batch_reply(outcomes, "Đồng bộ trả lời hỏi đáp", "câu trả lời")
