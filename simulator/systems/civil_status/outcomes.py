"""What the registrar decides when a civil-status dossier is due, and what a result changes.

Checks against the population database (with overlays) happen here, at processing time, as a
real registrar checks: a parent or subject not found, already deceased, a name that does not
match, an age that is impossible, a person already married all reject the dossier (6) with
the reason in `lyDo`. The personas give these outcomes on purpose (`not_found`, `deceased`,
`married`, `minor_turning_18`, `child_born_2020` as a parent...). Ages are full years by the one
age function `rules.age_on` (birthday-aware: a bride must be full 18, a groom full 20 on the day
the registrar decides). A result (4) writes overlays so every system sees it, on both people of a
couple: `birth` (a registered child with a new ID, named on both parents), `death` (and the
surviving spouse widowed, TinhTrangHonNhan 3), `marriage` (on the husband and the wife).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlite_utils

from simulator.identity.overlays import record_death, record_event, record_marriage
from simulator.identity.records import Citizen, Relative
from simulator.identity.reference_data import communes
from simulator.identity.rules import MARRIAGE_MIN_AGE, age_on
from simulator.identity.wire import MARITAL_CODES
from simulator.systems import people
from simulator.wire_formats import local, to_portal

MARITAL_NAMES = {
    "single": "Chưa kết hôn",
    "married": "Đang có vợ/chồng",
    "widowed": "Góa vợ/chồng",
    "divorced": "Đã ly hôn",
}


@dataclass
class Decision:
    """The registrar's outcome: status "4" or "6", the rejection reason, the result fields."""

    status: str
    reason: str = ""
    result: dict = field(default_factory=dict)
    effects: dict = field(default_factory=dict)


def _ymd(value: str) -> date:
    return datetime.strptime(value, "%Y%m%d").date()


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _person(db, pop, id12: str, role: str, given_name: str = "") -> tuple[Citizen | None, str]:
    """(citizen, rejection reason or '') for a person named in a dossier."""
    person = people.citizen_with_overlays(db, id12, pop)
    if person is None:
        return None, f"Không tìm thấy thông tin {role} (số định danh {id12}) trong CSDL quốc gia về dân cư"
    if given_name and not _same(given_name, person.name.full):
        return person, f"Họ tên {role} '{given_name}' không khớp với CSDL dân cư ('{person.name.full}')"
    return person, ""


def decide(db: sqlite_utils.Database, row: dict, now_ts: float) -> Decision:
    """The outcome of a due dossier (pure reading; `apply` writes the effects)."""
    pop = people.population(row["seed"], row["missing_share"])
    data = json.loads(row["payload"])
    today = local(now_ts).date()
    number = f"{row['module']}-{row['maHoSo'][-12:]}"

    registered = {"soDangKy": number, "ngayDangKy": to_portal(now_ts)}
    module = row["module"]
    if module == "KS":
        return _birth(db, pop, row, data, registered)
    if module == "KT":
        person, reason = _person(db, pop, data["nktSoDinhDanh"], "người được khai tử", data.get("nktHoTen", ""))
        if reason:
            return Decision("6", reason)
        if person.deceased:
            return Decision("6", f"Công dân {person.name.full} đã được đăng ký khai tử trước đó")
        if _ymd(data["nktNgayChet"]) < person.birth_date:
            return Decision("6", "Ngày chết trước ngày sinh của công dân")
        married = person.spouse is not None and person.marital_status == "married"
        return Decision("4", result=registered, effects={"spouse_id": person.spouse.id if married else None})
    if module == "XNHN":
        target = data.get("nxnSoDinhDanh") or data["nycSoDinhDanh"]
        person, reason = _person(db, pop, target, "người được xác nhận")
        if reason:
            return Decision("6", reason)
        if person.deceased:
            return Decision("6", f"Công dân {person.name.full} đã chết, không cấp giấy xác nhận")
        spouse = {"HoVaTen": person.spouse.name.full, "SoDinhDanh": person.spouse.id} if person.spouse else None
        return Decision(
            "4",
            result={
                "soGiayXacNhan": number,
                "ngayCap": registered["ngayDangKy"],
                "soDinhDanh": person.id,
                "hoTen": person.name.full,
                "tinhTrangHonNhan": MARITAL_CODES[person.marital_status],
                "tenTinhTrangHonNhan": MARITAL_NAMES[person.marital_status],
                "voChong": spouse,
            },
        )
    return _marriage(db, pop, data, registered, today)


def _birth(db, pop, row: dict, data: dict, registered: dict) -> Decision:
    born = _ymd(data["nksNgaySinh"])
    mother, reason = _person(db, pop, data["meSoDinhDanh"], "người mẹ", data.get("meHoTen", ""))
    if reason:
        return Decision("6", reason)
    parents = [("người mẹ", mother)]
    father = None
    if data.get("chaSoDinhDanh"):
        father, reason = _person(db, pop, data["chaSoDinhDanh"], "người cha", data.get("chaHoTen", ""))
        if reason:
            return Decision("6", reason)
        parents.append(("người cha", father))
    for role, parent in parents:
        # why: a father may die during the pregnancy, a mother not before the birth
        latest = born - timedelta(days=300 if role == "người cha" else 0)
        if parent.death_date is not None and parent.death_date < latest:
            return Decision("6", f"Thông tin {role} không hợp lệ: đã chết trước ngày sinh của trẻ")
        if age_on(parent.birth_date, born) < 13:
            return Decision("6", f"Thông tin {role} không hợp lệ: chưa đủ tuổi để là {role.split()[-1]} của trẻ")
    sex = "male" if data["nksGioiTinh"] == "1" else "female"
    child_id = people.new_child_id(db, pop, row["maHoSo"], row["province"], sex, born)
    options = communes(row["province"])
    home = mother.permanent_residence
    commune = home.commune_code if home.province_code == row["province"] else options[0]["code"]
    parts = data["nksHoTen"].split()
    name = {"family": parts[0] if len(parts) > 1 else "", "middle": " ".join(parts[1:-1]), "given": parts[-1]}
    record = {
        "name": name,
        "sex": sex,
        "birth_date": born.isoformat(),
        "birth_place": {"province_code": row["province"], "commune_code": commune, "detail": data["nksNoiSinh"]},
        "father_id": father.id if father else None,
        "mother_id": mother.id,
        "ethnicity": data.get("nksDanToc") or mother.ethnicity,
        "nationality": data.get("nksQuocTich") or "Việt Nam",
        "maHoSo": row["maHoSo"],
    }
    result = {**registered, "nksSoDinhDanh": child_id, "nksHoTen": " ".join(parts)}
    return Decision("4", result=result, effects={"child_id": child_id, "record": record})


def _marriage(db, pop, data: dict, registered: dict, today: date) -> Decision:
    husband, reason = _person(db, pop, data["chongSoDinhDanh"], "người chồng", data.get("chongHoTen", ""))
    if reason:
        return Decision("6", reason)
    wife, reason = _person(db, pop, data["voSoDinhDanh"], "người vợ", data.get("voHoTen", ""))
    if reason:
        return Decision("6", reason)
    for role, person, minimum in (
        ("người chồng", husband, MARRIAGE_MIN_AGE["male"]),
        ("người vợ", wife, MARRIAGE_MIN_AGE["female"]),
    ):
        if person.deceased:
            return Decision("6", f"{role.capitalize()} {person.name.full} đã chết")
        if person.marital_status == "married":
            return Decision("6", f"{role.capitalize()} {person.name.full} đang có vợ/chồng")
        if age_on(person.birth_date, today) < minimum:
            return Decision("6", f"{role.capitalize()} chưa đủ tuổi kết hôn ({minimum})")
    return Decision("4", result=registered, effects={"husband": husband, "wife": wife})


def apply(db: sqlite_utils.Database, row: dict, decision: Decision) -> None:
    """Write the overlays a result (4) implies, so every system shows it."""
    data = json.loads(row["payload"])
    when = decision.result.get("ngayDangKy", "")[:8]
    if row["module"] == "KS":
        child_id, record = decision.effects["child_id"], decision.effects["record"]
        people.register_child(db, child_id, record, source=row["maHoSo"])
        child = {"SoDinhDanh": child_id, "HoVaTen": decision.result["nksHoTen"]}
        for parent in (record["mother_id"], record["father_id"]):
            if parent:
                record_event(db, parent, "birth", {"child": child, "date": data["nksNgaySinh"]})
    elif row["module"] == "KT":
        # The surviving spouse reads widowed everywhere, as derived widows do.
        record_death(db, data["nktSoDinhDanh"], data["nktNgayChet"], decision.effects.get("spouse_id"))
    elif row["module"] == "KH":
        husband, wife = decision.effects["husband"], decision.effects["wife"]
        record_marriage(db, Relative(husband.id, husband.name), Relative(wife.id, wife.name), when)
