"""Civil status: dossiers progress on the sandbox clock; results change the population everywhere."""

from __future__ import annotations

import json
from datetime import date

import pytest

from simulator.app_context import db
from simulator.systems.civil_status import store
from tests.conftest import Caller
from tests.systems.bodies import birth, body, request_fields

FATHER, MOTHER = birth()["chaSoDinhDanh"], birth()["meSoDinhDanh"]  # the married persona and his wife
SINGLE_MAN, SINGLE_WOMAN = body("marriage")["chongSoDinhDanh"], body("marriage")["voSoDinhDanh"]


def _full(congdan: dict) -> str:
    return " ".join(p for p in congdan["HoVaTen"].values() if p)


def poll_until_final(caller, clock, code: str) -> list[str]:
    seen = []
    for _ in range(200):
        status = caller.get(f"/civil_status/dossiers/{code}").get_json()["data"]["trangThai"]
        if not seen or seen[-1] != status:
            seen.append(status)
        if status in ("4", "6"):
            return seen
        clock.advance(minutes=15)
    raise AssertionError(f"never finished: {seen}")


def test_birth_goes_1_3_4_and_the_child_appears_in_the_population(caller, clock):
    names = {i: _full(caller.post("/population/lookup", request_fields(i)).get_json()["CongDan"]) for i in (FATHER, MOTHER)}
    reply = caller.post("/civil_status/births", birth(meHoTen=names[MOTHER], chaHoTen=names[FATHER].lower()))
    assert reply.status_code == 200 and reply.get_json()["data"]["trangThai"] == "1", reply.get_json()
    assert poll_until_final(caller, clock, "000.00.01.H56-251103-0001") == ["1", "3", "4"]
    result = caller.get("/civil_status/dossiers/000.00.01.H56-251103-0001").get_json()["data"]["ketQua"]
    child_id = result["nksSoDinhDanh"]
    assert child_id.startswith("0562") and child_id[4:6] == "25"
    child = caller.post("/population/lookup", request_fields(child_id)).get_json()["CongDan"]
    assert _full(child) == "Trần Minh Khôi" and child["NgayThangNamSinh"]["NgayThangNam"] == "20250101"
    assert child["Me"] == {"HoVaTen": names[MOTHER], "QuocTich": "VN", "SoDinhDanh": MOTHER, "SoCMND": ""}
    assert child["Cha"] == {"HoVaTen": names[FATHER], "QuocTich": "VN", "SoDinhDanh": FATHER, "SoCMND": ""}
    mother = caller.post("/population/lookup", request_fields(MOTHER)).get_json()["CongDan"]
    assert {"HoVaTen": "Trần Minh Khôi", "QuocTich": "VN", "SoDinhDanh": child_id, "SoCMND": ""} in mother["Con"]


def test_a_ready_result_queues_exactly_one_durable_callback(caller, clock, app):

    caller.post("/civil_status/births", birth())
    clock.advance(days=30)
    caller.get("/civil_status/dossiers/000.00.01.H56-251103-0001")
    caller.get("/civil_status/dossiers")
    with app.app_context():
        rows = db().execute("SELECT province, event, payload FROM jobs WHERE event = 'civil_status.result'").fetchall()
    assert len(rows) == 1 and rows[0][0] == "56"
    data = json.loads(rows[0][2])["data"]
    assert data["trangThai"] == "4" and data["maHoSo"] == "000.00.01.H56-251103-0001"


def test_sweep_finishes_due_dossiers_without_a_poll(caller, clock, app):

    caller.post("/civil_status/births", birth())
    with app.app_context():
        assert store.sweep_ready(db(), clock.now) == 0
        clock.advance(days=30)
        assert store.sweep_ready(db(), clock.now) == 1
        assert store.sweep_ready(db(), clock.now) == 0
    assert caller.get("/civil_status/dossiers?trangThai=4").get_json()["data"][0]["trangThai"] == "4"


def test_unknown_father_persona_rejects_the_birth_with_a_reason(caller, clock):
    caller.post("/civil_status/births", birth(chaSoDinhDanh="001089000001"))
    assert poll_until_final(caller, clock, "000.00.01.H56-251103-0001")[-1] == "6"
    data = caller.get("/civil_status/dossiers/000.00.01.H56-251103-0001").get_json()["data"]
    assert "Không tìm thấy" in data["lyDo"] and data["ketQua"] is None


def test_mismatched_mother_name_is_rejected(caller, clock):
    caller.post("/civil_status/births", birth(meHoTen="Nguyễn Thị Sai"))
    poll_until_final(caller, clock, "000.00.01.H56-251103-0001")
    assert "không khớp" in caller.get("/civil_status/dossiers/000.00.01.H56-251103-0001").get_json()["data"]["lyDo"]


def test_death_registration_shows_the_person_deceased_everywhere(caller, clock):
    assert caller.post("/civil_status/deaths", body("death", nktSoDinhDanh=SINGLE_MAN)).status_code == 200
    assert poll_until_final(caller, clock, "KT-0001")[-1] == "4"
    record = caller.post("/population/lookup", request_fields(SINGLE_MAN)).get_json()["CongDan"]
    assert record["DaChet"] is True and record["NgayChet"] == "20250201"
    card = caller.get(f"/social_insurance/cards/{SINGLE_MAN}/validity").get_json()["DuLieu"]
    assert card["ConHieuLuc"] is False


def test_death_of_the_deceased_persona_is_rejected(caller, clock):
    caller.post("/civil_status/deaths", body("death", maHoSo="KT-0002", nktSoDinhDanh="038052000002"))
    assert poll_until_final(caller, clock, "KT-0002")[-1] == "6"


def test_marriage_then_confirmation_shows_married(caller, clock):
    caller.post("/civil_status/marriages", body("marriage"))
    assert poll_until_final(caller, clock, "KH-0001")[-1] == "4"
    wife = caller.post("/population/lookup", request_fields(SINGLE_WOMAN)).get_json()["CongDan"]
    assert wife["TinhTrangHonNhan"] == "2" and wife["VoChong"]["SoDinhDanh"] == SINGLE_MAN
    confirm = {"maHoSo": "XN-0001", "nycHoTen": "Hoàng Thị Liên", "nycSoDinhDanh": SINGLE_WOMAN}
    caller.post("/civil_status/marital-status-confirmations", confirm)
    poll_until_final(caller, clock, "XN-0001")
    result = caller.get("/civil_status/dossiers/XN-0001").get_json()["data"]["ketQua"]
    assert result["tinhTrangHonNhan"] == "2" and result["voChong"]["SoDinhDanh"] == SINGLE_MAN


def test_married_persona_cannot_marry_again(caller, clock):
    caller.post("/civil_status/marriages", body("marriage", maHoSo="KH-0002", chongSoDinhDanh=FATHER, nycSoDinhDanh=FATHER))
    poll_until_final(caller, clock, "KH-0002")
    assert "đang có vợ/chồng" in caller.get("/civil_status/dossiers/KH-0002").get_json()["data"]["lyDo"]


@pytest.mark.parametrize(
    "overrides, needle",
    [
        ({"meSoDinhDanh": FATHER}, "meSoDinhDanh"),
        ({"chaSoDinhDanh": MOTHER}, "chaSoDinhDanh"),
        ({"meSoDinhDanh": "00118699261A"}, "rule digits"),
        ({"nksGioiTinh": "3"}, "nksGioiTinh"),
        ({"nksNgaySinh": "20991231"}, "nksNgaySinh"),
        ({"nksNgaySinh": "2025-01-01"}, "nksNgaySinh"),
        ({"nksHoTen": ""}, "nksHoTen"),
        ({"maHoSo": "a b"}, "maHoSo"),
    ],
)
def test_bad_birth_input_is_400_status_message(caller, overrides, needle):
    reply = caller.post("/civil_status/births", birth(**overrides))
    error = reply.get_json()
    assert reply.status_code == 400 and error["status"] == 400 and needle in error["message"], error


def test_missing_fields_and_malformed_json_are_400(caller):
    reply = caller.post("/civil_status/deaths", {"maHoSo": "x"})
    assert reply.status_code == 400 and "nktSoDinhDanh" in reply.get_json()["message"]
    reply = caller.post("/civil_status/births", data=b"{oops", headers={"Content-Type": "application/json"})
    assert reply.status_code == 400 and set(reply.get_json()) == {"status", "message"}


def test_same_dossier_twice_is_409(caller):
    assert caller.post("/civil_status/births", birth()).status_code == 200
    reply = caller.post("/civil_status/births", birth())
    assert reply.status_code == 409 and "đã tồn tại" in reply.get_json()["message"]


def test_another_province_cannot_see_the_dossier(client, caller):
    caller.post("/civil_status/births", birth())
    other = Caller(client, "79", via_gateway=True)
    assert other.get("/civil_status/dossiers/000.00.01.H56-251103-0001").status_code == 404
    assert other.get("/civil_status/dossiers").get_json()["data"] == []


def test_processing_time_is_deterministic_and_slow_persona_is_slower():
    a = store.processing_minutes(1, "X-1", 240)
    assert a == store.processing_minutes(1, "X-1", 240) and store.processing_minutes(1, "X-1", 240, 20) == a * 20
    assert 120 <= a <= 480  # the ministries' one distribution: between half and twice the median


def test_a_registered_newborn_is_insured_free_from_birth_under_its_id_and_code(caller, clock):
    caller.post("/civil_status/births", birth(nksNgaySinh="20250101"))
    assert poll_until_final(caller, clock, "000.00.01.H56-251103-0001")[-1] == "4"
    child_id = caller.get("/civil_status/dossiers/000.00.01.H56-251103-0001").get_json()["data"]["ketQua"]["nksSoDinhDanh"]
    reply = caller.get(f"/social_insurance/participants/{child_id}")
    assert reply.status_code == 200, reply.get_json()
    card = reply.get_json()["DuLieu"]
    this_year = f"{date.today().year}0101"  # cards are annual: this year's, or from the birth if later
    assert card["MaTheBHYT"].startswith("TE1") and card["GiaTriTuNgay"] == max(this_year, "20250101")
    assert card["SoDinhDanh"] == child_id and card["NgaySinh"] == "20250101"
    by_code = caller.get(f"/social_insurance/participants/{card['MaSoBHXH']}").get_json()["DuLieu"]
    assert by_code["MaTheBHYT"] == card["MaTheBHYT"] and by_code["HoVaTen"] == "Trần Minh Khôi"
    validity = caller.get(f"/social_insurance/cards/{card['MaTheBHYT']}/validity").get_json()["DuLieu"]
    assert validity["ConHieuLuc"] is True
