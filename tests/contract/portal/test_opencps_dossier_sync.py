"""OpenCPS v2 syncing dossiers and progress, replayed literally against a served sandbox.

Client: VietOpenCPS/opencps-v2, modules/backend-dossiermgt/backend-dossiermgt-service/src/main/
java/org/opencps/dossiermgt/action/impl/DVCQGIntegrationActionImpl.java (master and
release-candidate-3.0): `syncDossierAndDossierStatus`, `createSyncDossierBodyRequest`,
`createSyncDossierStatusBodyRequest`, `hasSyncDossier` / `searchDossier`.
"""

from __future__ import annotations

import pytest

from tests.contract.portal.conftest import OpenCpsClient, get_array, get_integer, get_string

pytestmark = pytest.mark.live


def opencps_dossier(code: str, status: str, **overrides) -> dict:
    """createSyncDossierBodyRequest: the fields in its order, blanks where OpenCPS has no value."""
    body = {
        "MaHoSo": code,
        "MaTTHC": "1.001193",
        "TenTTHC": "Đăng ký khai sinh",  # from LayThuTuc TENTTHC
        "MaLinhVuc": "G09-TP03",
        "TenLinhVuc": "Hộ tịch",
        "ChuHoSo": "Lê Thị Hoa",
        "LoaiDoiTuong": "1",
        "MaDoiTuong": "",
        "ThongTinKhac": "",
        "Email": "hoa@example.vn",
        "Fax": "0912345678",
        "SoDienThoai": "0912345678",
        "TrichYeuHoSo": "Đăng ký khai sinh",
        "NgayTiepNhan": "20261126083000",
        "NgayHenTra": "20261126170000",
        "TrangThaiHoSo": status,
        "NgayTra": "",
        "ThongTinTra": "",
        "HinhThuc": "0",
        "NgayKetThucXuLy": "",
        "DonViXuLy": "Ủy ban nhân dân phường Nha Trang",
        "GhiChu": "",
        "DanhSachLePhi": [],
        "DanhSachTepDinhKemKhac": [],
        "DanhSachHoSoBoSung": [],
        "DanhSachGiayToKetQua": [],
        "TaiLieuNop": [
            {"TenTepDinhKem": "To khai.pdf", "MaThanhPhanHoSo": "", "TepDinhKemId": "101",
             "DuongDanTaiTepTin": "http://opencps.local/documents/1/2/To%20khai.pdf", "IsDeleted": "False"}
        ],
    }  # fmt: skip
    body.update(overrides)
    return body


def opencps_progress(code: str, status: str) -> dict:
    """createSyncDossierStatusBodyRequest: NguoiXuLy, blanks for ChucDanh, PhongBanXuLy and the dates."""
    return {
        "MaHoSo": code,
        "NguoiXuLy": "Nguyễn Văn Cán Bộ",
        "ChucDanh": "",
        "ThoiDiemXuLy": "20261126100000",
        "PhongBanXuLy": "",
        "NoiDungXuLy": "Chuyển bước",
        "TrangThai": status,
        "NgayBatDau": "",
        "NgayKetThucTheoQuyDinh": "",
    }


def sync_dossier_and_status(client: OpenCpsClient, dossier: dict) -> dict:
    """syncDossierAndDossierStatus: TraCuuHoSo, DongBoHoSoMC, and on 0 CapNhatTienDoHoSoMC at the same status."""
    search = client.sync_data({"service": "TraCuuHoSo", "mahoso": dossier["MaHoSo"]})
    has_sync = bool(get_array(search, "result"))
    result = client.sync_data({"isUpdating": "True" if has_sync else "False", "data": [dossier], "service": "DongBoHoSoMC"})
    if "error_code" in result and get_integer(get_string(result, "error_code")) == 0:
        result = client.sync_data(
            {"service": "CapNhatTienDoHoSoMC", "data": [opencps_progress(dossier["MaHoSo"], dossier["TrangThaiHoSo"])]}
        )
    return result


def test_every_action_syncs_then_reports_the_same_status_even_at_a_final_status(opencps):
    """Each OpenCPS action re-syncs the dossier and reports its status; 10 twice is a no-op, not "-5"."""
    code = "000.00.01.H56-261126-0101"
    for status in ("2", "4", "9", "10", "10"):
        result = sync_dossier_and_status(opencps, opencps_dossier(code, status))
        assert get_integer(get_string(result, "error_code")) == 0, result
        assert get_string(result, "error_code") == "00" and "thành công" in get_string(result, "message")
    found = opencps.sync_data({"service": "TraCuuHoSo", "mahoso": code})["result"][0]
    assert found["TrangThaiHoSo"] == "10"
    assert [p["TrangThai"] for p in found["QuaTrinhXuLy"]] == ["2", "4", "9", "10", "10"]


def test_a_truly_impossible_move_is_still_refused_with_minus_5(opencps):
    """CapNhatTienDoHoSoMC from 10 back to 4 is refused; the dossier stays at 10."""
    code = "000.00.01.H56-261126-0102"
    for status in ("2", "9", "10"):
        assert get_integer(get_string(sync_dossier_and_status(opencps, opencps_dossier(code, status)), "error_code")) == 0
    refused = opencps.sync_data({"service": "CapNhatTienDoHoSoMC", "data": [opencps_progress(code, "4")]})
    assert get_string(refused, "error_code") == "-5" and "thành công" not in get_string(refused, "message")
    assert opencps.sync_data({"service": "TraCuuHoSo", "mahoso": code})["result"][0]["TrangThaiHoSo"] == "10"


def test_a_local_procedure_code_is_accepted(opencps):
    """A Hà Giang admissions client syncs MaTTHC "3.000181.000.00.00.H22"-style local codes."""
    dossier = opencps_dossier("000.00.01.H56-261126-0103", "2", MaTTHC="3.000181.000.00.00.H56")
    assert get_integer(get_string(sync_dossier_and_status(opencps, dossier), "error_code")) == 0


def test_a_wrong_type_or_missing_field_is_minus_1_naming_it_and_writes_nothing(opencps):
    """One bad entry of a batch is refused with -1 naming its field; the good entry is recorded."""
    good = opencps_dossier("000.00.01.H56-261126-0104", "2")
    wrong_type = opencps_dossier("000.00.01.H56-261126-0105", "2", NgayTiepNhan=20261126083000)
    missing = {k: v for k, v in opencps_dossier("000.00.01.H56-261126-0106", "2").items() if k != "TrangThaiHoSo"}
    reply = opencps.sync_data({"isUpdating": "False", "data": [good, wrong_type, missing], "service": "DongBoHoSoMC"})
    assert get_string(reply, "error_code") == "-1"
    assert "NgayTiepNhan" in reply["message"] and "TrangThaiHoSo" in reply["message"]
    assert [r["error_code"] for r in reply["result"]] == ["00", "-1", "-1"]
    assert opencps.sync_data({"service": "TraCuuHoSo", "mahoso": good["MaHoSo"]})["result"]
    for code in (wrong_type["MaHoSo"], missing["MaHoSo"]):
        assert opencps.sync_data({"service": "TraCuuHoSo", "mahoso": code})["result"] == []


def test_unknown_fields_are_ignored_and_codes_may_be_numbers(opencps):
    """Extra fields (ThongTinKhac, Fax, GhiChu, anything new) pass; "2" and 2 are the same status."""
    dossier = opencps_dossier("000.00.01.H56-261126-0107", 2, LoaiDoiTuong=1, TruongMoi={"x": 1})
    reply = opencps.sync_data({"isUpdating": "False", "data": [dossier], "service": "DongBoHoSoMC"})
    assert get_string(reply, "error_code") == "00", reply
