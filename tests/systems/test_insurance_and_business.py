"""Social insurance and business registration: records, personas, bad input in their own formats."""

from __future__ import annotations

import pytest

from tests.systems.bodies import request_fields


def test_participant_by_citizen_id_and_by_bhxh_code_is_the_same(caller):
    by_id = caller.get("/social_insurance/participants/001088000004").get_json()
    assert by_id["MaLoi"] == "00"
    code = by_id["DuLieu"]["MaSoBHXH"]
    by_code = caller.get(f"/social_insurance/participants/{code}").get_json()
    assert by_code["DuLieu"] == by_id["DuLieu"]


def test_expired_card_persona_is_not_valid_with_the_reason(caller):
    body = caller.get("/social_insurance/cards/092085000006/validity").get_json()["DuLieu"]
    assert body["ConHieuLuc"] is False and body["MaLyDo"] == "HET_HAN"
    card = body["MaTheBHYT"]
    last_year = body["GiaTriDenNgay"]
    on_that_day = caller.get(f"/social_insurance/cards/{card}/validity?date={last_year}").get_json()["DuLieu"]
    assert on_that_day["ConHieuLuc"] is True


def test_valid_card_by_card_number_today(caller):
    card = caller.get("/social_insurance/participants/001088000004").get_json()["DuLieu"]["MaTheBHYT"]
    body = caller.get(f"/social_insurance/cards/{card}/validity").get_json()["DuLieu"]
    assert body["ConHieuLuc"] is True and body["MaLyDo"] == "CON_HIEU_LUC"


def test_card_number_of_another_group_does_not_match(caller):
    card = caller.get("/social_insurance/participants/001088000004").get_json()["DuLieu"]["MaTheBHYT"]
    other = ("HT" if not card.startswith("HT") else "DN") + card[2:]
    body = caller.get(f"/social_insurance/cards/{other}/validity").get_json()["DuLieu"]
    assert body["ConHieuLuc"] is False and body["MaLyDo"] == "SAI_THONG_TIN_THE"


def test_deceased_persona_card_is_not_valid(caller):
    body = caller.get("/social_insurance/cards/038052000002/validity").get_json()["DuLieu"]
    assert body["ConHieuLuc"] is False and body["MaLyDo"] in {"DA_CHET", "HET_HAN"}


def test_no_insurance_persona_is_404_maloi_02(caller):
    for path in (
        "/participants/031087999907",
        "/participants/031087999907/contributions",
        "/cards/031087999907/validity",
    ):
        reply = caller.get("/social_insurance" + path)
        assert reply.status_code == 404 and reply.get_json()["MaLoi"] == "02" and reply.get_json()["DuLieu"] is None


def test_contribution_history_sums_its_periods(caller):
    body = caller.get("/social_insurance/participants/001088000004/contributions").get_json()["DuLieu"]
    assert body["TongSoThangDong"] == sum(p["SoThang"] for p in body["QuaTrinh"])


@pytest.mark.parametrize(
    "path",
    [
        "/participants/12345",
        "/participants/00108800000A",
        "/participants/001988000004",
        "/cards/XX1560012345678/validity",
        "/cards/DN4560012345678/validity?date=20251345",
        "/cards/001088000004/validity?date=abc",
    ],
)
def test_bad_insurance_input_is_400_maloi_01(caller, path):
    reply = caller.get("/social_insurance" + path)
    body = reply.get_json()
    assert reply.status_code == 400 and body["MaLoi"] == "01" and body["MoTaLoi"], body


def test_enterprise_representative_is_a_real_citizen_with_the_same_name(caller):
    ent = caller.get("/business_registration/chiTietDoanhNghiep?msdn=0100233488").get_json()["GetEntCert"][0]
    rep = ent["DaiDienPhapLuat"][0]["ThongTinCaNhan"][0]
    person = caller.post("/population/lookup", request_fields(rep["SoGiayChungThuc"])).get_json()["CongDan"]
    assert rep["HoVaTen"] == " ".join(p for p in person["HoVaTen"].values() if p)
    assert ent["MaSoDoanhNghiep"] == "0100233488" and ent["NganhNgheKinhDoanh"]


@pytest.mark.parametrize("msdn, status", [("0102000016", "dissolved"), ("0303000023", "suspended")])
def test_dissolved_and_suspended_personas(caller, msdn, status):
    ent = caller.get(f"/business_registration/chiTietDoanhNghiep?msdn={msdn}").get_json()["GetEntCert"][0]
    assert ent["TinhTrangPhapLy"][0]["MaTinhTrangPhapLy"] == status


@pytest.mark.parametrize(
    "msdn, rule",
    [
        ("0100233489", "check_digit"),
        ("0100233488-000", "branch"),
        ("01002334AB", "digits"),
        ("010023348", "length"),
        ("0100000000", "serial"),
    ],
)
def test_bad_tax_codes_are_400_naming_the_rule(caller, msdn, rule):
    reply = caller.get(f"/business_registration/chiTietDoanhNghiep?msdn={msdn}")
    body = reply.get_json()
    assert reply.status_code == 400 and body["MaLoi"] == "MSDN_KHONG_HOP_LE" and f"rule {rule}" in body["ThongBao"]


def test_missing_msdn_is_400_thieu_tham_so(caller):
    reply = caller.get("/business_registration/chiTietDoanhNghiep")
    assert reply.status_code == 400 and reply.get_json()["MaLoi"] == "THIEU_THAM_SO"


def test_branch_code_is_valid_but_not_registered(caller):
    reply = caller.get("/business_registration/chiTietDoanhNghiep?msdn=0100233488-001")
    assert reply.status_code == 404 and reply.get_json()["MaLoi"] == "KHONG_TIM_THAY"
