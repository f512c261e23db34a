"""The services behind the portal's single integration endpoint, one handler per `service` name.

Every handler receives the validated body and the caller's province and returns the portal's
reply: `error_code` "00" and a message containing "thành công" on success, a non-zero code and
a message naming the problem otherwise (see ERROR_CODES).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils
from marshmallow import ValidationError

from simulator import catalogue, schema_cache
from simulator.app_context import settings
from simulator.identity import InvalidIdentifier
from simulator.portal import accounts, store
from simulator.portal.schemas import Dossier, ProgressEntry, flatten_errors
from simulator.registrar import file_under
from simulator.schema_cache import schema_instance

# The portal's service error codes, one source for handlers, docs and tests.
ERROR_CODES = {
    "00": "Thành công (success)",
    "-1": "Dữ liệu không hợp lệ (invalid input: the message names the field)",
    "-2": "Session thiếu, không hợp lệ hoặc hết hạn (missing, invalid or expired session)",
    "-3": 'Hồ sơ đã tồn tại (dossier already exists: retry with isUpdating "True")',
    "-4": "Không tìm thấy (not found, or belongs to another province)",
    "-5": "Chuyển trạng thái không hợp lệ (impossible status transition)",
    "-6": "Không có quyền với đơn vị này (madonvi or agency not of the calling province)",
    "-7": "Service không được hỗ trợ (unknown service)",
}


@dataclass(frozen=True)
class Caller:
    """The authenticated province client making a service call."""

    province: str
    madonvi: str


Handler = Callable[[sqlite_utils.Database, Caller, dict], dict]
HANDLERS: dict[str, Handler] = {}


def handles(name: str) -> Callable[[Handler], Handler]:
    """Register a handler for a `service` name."""
    return file_under(HANDLERS, name)


def reply(error_code: str, message: str, result: list | None = None) -> dict:
    """A service reply in the portal's shape."""
    body = {"error_code": error_code, "message": message}
    if result is not None:
        body["result"] = result
    return body


def validate_entries(schema: type, entries: list, label: str) -> list[tuple[int, dict | None, str]]:
    """Validate each entry on its own: (index, loaded entry or None, error message naming the field)."""
    out = []
    for index, raw in enumerate(entries):
        try:
            out.append((index, schema_cache.load(schema_instance(schema), raw), ""))
        except ValidationError as err:
            code = raw.get("MaHoSo", "") if isinstance(raw, dict) else ""
            where = f"{label}[{index}]" + (f" ({code})" if code else "")
            out.append((index, None, f"{where}: " + "; ".join(flatten_errors(err.messages))))
    return out


def record_entries(
    schema: type, entries: list, record: Callable[[dict, str], str], key: str = "MaHoSo", default_ref: str = ""
) -> list[store.Outcome]:
    """Validate and record each entry of a batch on its own: one Outcome per entry, in order.

    `record(entry, ref)` stores a valid entry and returns the success message, or raises
    `store.StoreError` (its code, and a message this prefixes with `data[i]:`); `ref` is the
    entry's `key` field as sent, or `default_ref` when blank. An invalid entry is "-1" and
    writes nothing.
    """
    outcomes = []
    for index, entry, error in validate_entries(schema, entries, "data"):
        raw = entries[index]
        value = raw.get(key) if isinstance(raw, dict) else None
        ref = ("" if value is None else str(value)).strip() or default_ref
        if entry is None:
            outcomes.append(store.Outcome(ref, "-1", error, key=key))
            continue
        try:
            outcomes.append(store.Outcome(ref, "00", record(entry, ref), key=key))
        except store.StoreError as err:
            outcomes.append(store.Outcome(ref, err.code, f"data[{index}]: {err.message}", key=key))
    return outcomes


def batch_reply(outcomes: list[store.Outcome], verb: str, unit: str = "hồ sơ") -> dict:
    """The reply to a batch: "00" when every entry was recorded, else the first failure's code."""
    failures = [o for o in outcomes if o.error_code != "00"]
    result = [o.as_dict() for o in outcomes]
    if not failures:
        return reply("00", f"{verb} thành công {len(outcomes)} {unit}", result)
    ok = len(outcomes) - len(failures)
    details = " | ".join(o.message for o in failures)
    # Never say "thành công" here: some connectors count any reply containing it as success.
    return reply(failures[0].error_code, f"{verb} có lỗi ({ok}/{len(outcomes)} {unit} đã ghi nhận): {details}", result)


@handles("DongBoHoSoMC")
def sync_dossiers(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """Create or update each dossier of `data`; each entry succeeds or fails on its own."""
    updating = str(body.get("isUpdating", "False")).lower() == "true"
    outcomes = record_entries(Dossier, body["data"], lambda dossier, _: store.save_dossier(db, dossier, caller.province, updating))
    return batch_reply(outcomes, "Đồng bộ hồ sơ")


@handles("CapNhatTienDoHoSoMC")
def report_progress(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """Append progress entries in order; an impossible transition is refused for that entry only."""
    outcomes = record_entries(ProgressEntry, body["data"], lambda entry, _: store.add_progress(db, entry, caller.province))
    return batch_reply(outcomes, "Cập nhật tiến độ")


def dossier_with_history(db: sqlite_utils.Database, dossier: dict) -> dict:
    """A stored dossier plus its progress history under `QuaTrinhXuLy`."""
    return {**dossier, "QuaTrinhXuLy": store.progress_of(db, dossier["MaHoSo"])}


@handles("TraCuuHoSo")
def look_up_dossier(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """The dossier with its history, or `result: []` when unknown or another province's."""
    dossier = store.get_dossier(db, body["mahoso"].strip(), caller.province)
    if dossier is None:
        return reply("00", "Tra cứu thành công: không tìm thấy hồ sơ", [])
    return reply("00", "Tra cứu thành công", [dossier_with_history(db, dossier)])


@handles("TraCuuTechID")
def look_up_tech_id(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """The portal account (TECHNICALID) of a citizen ID or tax code; `result: []` when it has none."""
    number = body["mstorcmnd"].strip()
    try:
        account = accounts.account_of(settings()["seed"], number)
    except InvalidIdentifier as err:
        return reply("-1", f"TraCuuTechID: mstorcmnd: {err}")
    if account is None:
        return reply("00", "Tra cứu thành công: không có tài khoản", [])
    return reply("00", "Tra cứu thành công", [account])


@handles("LayDanhSachTTHC")
def list_procedures(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """The procedure catalogue as the national procedure database lists it."""

    field = body.get("malinhvuc", "")
    items = [catalogue.to_danhsach_tthc(p) for p in catalogue.procedures() if not field or p.field_code == field]
    return reply("00", f"Lấy danh sách thủ tục thành công ({len(items)})", items)


@handles("LayThuTuc")
def get_procedure(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """One procedure in upper-case fields, `result: []` when the code is unknown."""

    proc = catalogue.procedure(body["maTTHC"].strip())
    if proc is None:
        return reply("00", "Lấy thủ tục thành công: không tìm thấy mã thủ tục", [])
    return reply("00", "Lấy thủ tục thành công", [catalogue.to_laythutuc(proc, caller.madonvi)])


@handles("LayDanhMucCoQuan")
def list_agencies(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """Agencies, all or of one province (`matinh`)."""

    province = (body.get("matinh") or "").strip() or None
    items = [catalogue.to_coquan(a) for a in catalogue.agencies(province)]
    return reply("00", f"Lấy danh mục cơ quan thành công ({len(items)})", items)


@handles("LayDanhMucLinhVuc")
def list_fields(db: sqlite_utils.Database, caller: Caller, body: dict) -> dict:
    """Fields of activity (lĩnh vực)."""

    items = [catalogue.to_linhvuc(f, caller.madonvi) for f in catalogue.fields()]
    return reply("00", f"Lấy danh mục lĩnh vực thành công ({len(items)})", items)
