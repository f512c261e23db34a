"""Business registration: replay the public clients' enterprise look-ups and read the replies as they do."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from simulator.systems import people
from tests.conftest import SEED, get_token

MSDN = "0100233488"


@pytest.fixture
def bearer(client) -> dict:
    """A Khánh Hòa gateway token."""
    return {"Authorization": f"Bearer {get_token(client, '56')}"}


@pytest.fixture
def enterprise():
    """The enterprise as the sandbox population derives it."""
    return people.population(SEED, 0.02).enterprise(MSDN)


def test_opencps_reads_data_maininformation_name_and_representatives_full_name(client, bearer, enterprise):
    """github VietOpenCPS/opencps-v2 ApplicantManagementImpl.getEnterpriseInformationFromDVCQG: GET
    {consumerAdapter = .../chiTietDoanhNghiep}?category=chiTietDoanhNghiep&version=1.1&msdn=...; reads Data.MainInformation.NAME,
    FOUNDING_DATE, HOAdress.AddressFullText, Representatives[0].FULL_NAME, BusinessActivities."""
    reply = client.get(
        f"/ngsp/business_registration/chiTietDoanhNghiep?category=chiTietDoanhNghiep&version=1.1&msdn={MSDN}",
        headers={**bearer, "Accept": "application/json", "Content-Type": "application/json"},
    )
    data = json.loads(reply.data)["Data"]
    main = data["MainInformation"]
    assert reply.status_code == 200 and main["NAME"] == enterprise.name and main["SHORT_NAME"]
    datetime.fromisoformat(main["FOUNDING_DATE"])
    assert data["Representatives"][0]["FULL_NAME"] == enterprise.representative.name.full
    assert data["HOAdress"]["AddressFullText"] and data["BusinessActivities"]


def test_opencps_verify_path_reads_maininformation_on_the_ngsp_path(client, bearer, enterprise):
    """ApplicantManagementImpl.verifyApplicantInfo: .../apiCSDLDKDN/1.0/chiTietDoanhNghiep; Validator.isNull on
    Data.MainInformation means "not found", so it must be an object with NAME."""
    reply = client.get(f"/ngsp/business_registration/chiTietDoanhNghiep?msdn={MSDN}", headers=bearer)
    main = json.loads(reply.data)["Data"]["MainInformation"]
    assert isinstance(main, dict) and main["NAME"] == enterprise.name


def test_thanh_hoa_backend_reads_getentcert_with_representatives_nested(client, bearer, enterprise):
    """github HuanVu201/DichVuCong_KhoaLuan_PASETO GetTraCuuThongTinDoanhNghiepHandler: GET
    .../apiDKKD/DoanhNghiep/chiTietDoanhNghiep?msdn=; JsonConvert into BusinessInfo{GetEntCert: [EntCert]} with
    DateTime NgayDangKyLanDau, int MaTinhThanh, int LaNganhChinh, DaiDienPhapLuat[].ThongTinCaNhan[]."""
    reply = client.get(f"/ngsp/business_registration/DoanhNghiep/chiTietDoanhNghiep?msdn={MSDN}", headers=bearer)
    cert = json.loads(reply.data)["GetEntCert"][0]
    assert cert["MaSoDoanhNghiep"] == MSDN and cert["TenTiengViet"] == enterprise.name
    datetime.fromisoformat(cert["NgayDangKyLanDau"])  # a .NET DateTime reads ISO 8601
    person = cert["DaiDienPhapLuat"][0]["ThongTinCaNhan"][0]
    assert person["HoVaTen"] == enterprise.representative.name.full
    address = cert["DiaChiTruSo"][0]["DiaChi"][0]
    assert isinstance(address["MaTinhThanh"], int) and isinstance(address["MaPhuongXa"], int)
    assert all(isinstance(i["LaNganhChinh"], int) for i in cert["NganhNgheKinhDoanh"])
    assert cert["TinhTrangPhapLy"][0]["TinhTrangPhapLy"]


def test_bad_msdn_is_refused_naming_the_check_digit(client, bearer):
    """A mistyped code gets the system's own error, never a half record."""
    reply = client.get("/ngsp/business_registration/chiTietDoanhNghiep?msdn=0100233489", headers=bearer)
    body = reply.get_json()
    assert reply.status_code == 400 and body["MaLoi"] == "MSDN_KHONG_HOP_LE" and "check" in body["ThongBao"]
