"""Judicial record (LLTP): replay the one-stop backend's LGSP declaration and poll, read replies as it does."""

from __future__ import annotations

import json

import pytest

from simulator.systems import people
from tests.conftest import SEED, get_token

APPLICANT = "056090001234"
CODE = "000.00.01.H56-261126-0042"
SENT_MARKERS = ("gửi thông tin thành công", "đã được tiếp nhận, không thể cập nhật thông tin")


@pytest.fixture
def bearer(client) -> dict:
    """A Khánh Hòa gateway token."""
    return {"Authorization": f"Bearer {get_token(client, '56')}"}


def data_lgsp(name: str, born: str, code: str = CODE) -> dict:
    """LLTPService.ConvertFromVNeID2LGSP / ConvertFromEform2LGSP: DataLGSP with toKhai (nyc* fields, strings)."""
    return {
        "authKey": "lltp-key-56",
        "maTinh": "56",
        "tenTinh": "Khánh Hòa",
        "maHoSoMCDT": code,
        "nguonDangKy": "1",
        "tenNguonDangKy": "Hồ sơ đăng ký trực tuyến qua cổng DVC của địa phương",
        "ngayTiepNhan": "26/11/2026",
        "toKhai": {
            "ngayHenTra": "04/12/2026",
            "nycNoiSinhNuocNgoai": "",
            "loaiPhieu": "1",
            "yeuCauCDNCV": "0",
            "maMucDich": "1",
            "mucDich": "",
            "tenMucDich": "Bổ sung hồ sơ xin việc",
            "soLuongCap": "1",
            "nycHoTen": name,
            "nycTenGoiKhac": "",
            "nycGioiTinh": "1",
            "nycTenGioiTinh": "Nam",
            "nycNgaySinh": born,
            "nycThuongTru": {"maTinhThanh": "56", "tenTinhThanh": "Khánh Hòa", "dcChiTiet": "12 Trần Phú"},
            "nycDienThoai": "0912345678",
            "nycEmail": "",
            "nycSoGiayTo": APPLICANT,
            "nycLoaiGiayTo": "1",
            "nycQuocTich": "VN",
            "nycDanToc": "01",
            "nycHoTenCha": "",
            "nycHoTenMe": "",
            "uyQuyen": "0",
            "fileHoSo": [],
        },
    }


def sent(reply) -> bool:
    """GuiLienThongBo: success when the reply text contains one of the markers (lower-cased)."""
    return any(marker in reply.data.decode("utf-8").lower() for marker in SENT_MARKERS)


@pytest.fixture
def applicant():
    """The applicant as the population database holds them."""
    return people.population(SEED, 0.02).citizen(APPLICANT)


def test_declaration_with_the_population_identity_is_sent_then_polled(client, bearer, applicant):
    """github HuanVu201/DichVuCong_KhoaLuan_PASETO LLTPService.GuiLienThongBo posts DataLGSP to UrlAPIDVC_BTP;
    LLTPGetHandler polls UrlNhanTrangThai with {authKey, maTinh, maHoSoMCDT} and reads value[i].trangThaiXuLy."""
    body = data_lgsp(applicant.name.full, applicant.birth_date.strftime("%d/%m/%Y"))
    reply = client.post("/ngsp/judicial_record/lltp", json=body, headers=bearer)
    assert reply.status_code == 200 and sent(reply)
    again = client.post("/ngsp/judicial_record/lltp", json=body, headers=bearer)
    assert sent(again) and "đã được tiếp nhận" in again.get_json()["statusDescription"]
    poll = client.post(
        "/ngsp/judicial_record/lltp/status",
        json={"authKey": "lltp-key-56", "maTinh": "56", "maHoSoMCDT": CODE},
        headers=bearer,
    )
    status = json.loads(poll.data)
    assert status["status"] == 1 and status["value"][0]["maHoSoMCDT"] == CODE
    assert status["value"][0]["trangThaiXuLy"] in {"2", "4", "9", "10"}


def test_declaration_whose_name_differs_from_the_population_is_refused_with_the_reason(client, clock, bearer, applicant):
    """Issue 16: the ministry checks identity against the national database; the poll shows the refusal reason
    (LLTPService reads value[i].trangThaiXuLy; 3 = refused with lyDoTuChoi)."""
    body = data_lgsp("Nguyễn Văn Sai", applicant.birth_date.strftime("%d/%m/%Y"), code=CODE + "9")
    assert sent(client.post("/ngsp/judicial_record/lltp", json=body, headers=bearer))
    clock.advance(days=30)  # far past the longest processing time
    status = client.post(
        "/ngsp/judicial_record/lltp/status",
        json={"authKey": "lltp-key-56", "maTinh": "56", "maHoSoMCDT": CODE + "9"},
        headers=bearer,
    ).get_json()
    value = status["value"][0]
    assert value["trangThaiXuLy"] == "3" and value["ketQuaXuLy"] is None
    assert "họ tên không khớp" in value["lyDoTuChoi"] and APPLICANT in value["lyDoTuChoi"]


def test_declaration_missing_the_applicant_id_is_refused_naming_the_field(client, bearer, applicant):
    """A declaration without nycSoGiayTo cannot be checked: the system's own error names the field."""
    body = data_lgsp(applicant.name.full, applicant.birth_date.strftime("%d/%m/%Y"))
    del body["toKhai"]["nycSoGiayTo"]
    reply = client.post("/ngsp/judicial_record/lltp", json=body, headers=bearer)
    assert reply.status_code == 422 and "nycSoGiayTo" in reply.get_json()["errorDetail"]
    assert not sent(reply)
