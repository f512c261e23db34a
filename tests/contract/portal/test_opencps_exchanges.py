"""OpenCPS v2 exchanging accounts, statuses, ratings and questions with a served sandbox.

Client: VietOpenCPS/opencps-v2, DVCQGIntegrationActionImpl.java: `doCreateDossierFromDVCQG`
(TraCuuTechID, master and release-candidate-3.0), `syncDossierAndDossierStatus` for dossiers
received from the portal (DongBoTrangThaiHoSo, release-candidate-3.0), `syncSummaryVote` /
`payloadSummaryVote` (DongBoDanhGia, release-candidate-3.0), `doSyncSharingQA` /
`extractFAQResult` / `getAnswer` and `syncFAQToDVCQG` (Q&A, master).
"""

from __future__ import annotations

import pytest
import requests

from simulator.portal.accounts import tech_id
from tests.conftest import ADMIN, SEED
from tests.contract.portal.conftest import get_array, get_int, get_integer, get_string

pytestmark = pytest.mark.live


def test_techid_lookup_by_tax_code_or_citizen_id(opencps):
    """doCreateDossierFromDVCQG: {provider wso2is, mstorcmnd}, getInteger(error_code) == 0, result[0].TECHNICALID."""
    for number in ("0100109106", "056090001234"):
        search = opencps.sync_data({"service": "TraCuuTechID", "provider": "wso2is", "mstorcmnd": number},
                                   "share_endpoint")  # fmt: skip
        assert get_integer(get_string(search, "error_code")) == 0
        assert get_string(get_array(search, "result")[0], "TECHNICALID") == tech_id(SEED, number)


def test_techid_lookup_of_a_person_without_account_or_a_malformed_number(opencps):
    """The not_found persona has no account (empty result); a malformed number is -1 naming mstorcmnd."""
    empty = opencps.sync_data({"service": "TraCuuTechID", "provider": "wso2is", "mstorcmnd": "001089000001"})
    assert get_integer(get_string(empty, "error_code")) == 0 and get_array(empty, "result") == []
    bad = opencps.sync_data({"service": "TraCuuTechID", "provider": "wso2is", "mstorcmnd": "12ab"})
    assert get_string(bad, "error_code") == "-1" and "mstorcmnd" in bad["message"]
    missing = opencps.sync_data({"service": "TraCuuTechID", "provider": "wso2is"})
    assert get_string(missing, "error_code") == "-1" and "mstorcmnd" in missing["message"]


def test_status_of_a_dossier_received_from_the_portal(served_sandbox, opencps):
    """DongBoTrangThaiHoSo with type "2" and `data` an object (createSyncTTKMDossierBodyRequest)."""
    made = requests.post(served_sandbox.base + "/sandbox/submissions", json={"province": "56", "count": 1},
                         headers=ADMIN, timeout=10).json()[0]  # fmt: skip
    data = {
        "MaHoSo": made["MaHoSo"],
        "MaHoSoDonVi": "HS-2026-000123",
        "MaDoiTuong": "",
        "NoiDung": "Tiếp nhận hồ sơ",
        "NgayXuLy": "20261126090000",
        "TrangThai": "2",
        "TaiLieuXuLy": [],
    }
    result = opencps.sync_data({"service": "DongBoTrangThaiHoSo", "type": "2", "data": data})
    assert get_string(result, "error_code") == "00", result
    unknown = opencps.sync_data({"service": "DongBoTrangThaiHoSo", "type": "2", "data": {**data, "MaHoSo": "X-1"}})
    assert get_string(unknown, "error_code") == "-4"
    mistyped = opencps.sync_data({"service": "DongBoTrangThaiHoSo", "type": "2", "data": {**data, "NgayXuLy": 1}})
    assert get_string(mistyped, "error_code") == "-1" and "NgayXuLy" in mistyped["message"]


def test_monthly_vote_summary_feeds_the_satisfaction_index(served_sandbox, opencps):
    """payloadSummaryVote: percentages as "NN%" strings, NgayTongHop "M-yyyy", Madonvi the unit."""
    item = {
        "NgayTongHop": "11-2026",
        "TongSoNguoiDanhGia": 40,
        "PhanTramDanhGiaRatHaiLong": "50%",
        "PhanTramDanhGiaHaiLong": "25%",
        "PhanTramDanhGiaChuaHaiLong": "25%",
        "DanhSachNoiDungYKien": "",
        "MaThuTuc": "",
        "NoiDung": "Đánh giá dịch vụ",
        "PhanTramDanhGiaDichVuRatHaiLong": "50%",
        "PhanTramDanhGiaDichVuHaiLong": "25%",
        "PhanTramDanhGiaDichVuChuaHaiLong": "25%",
        "Madonvi": "000.00.01.H56",
        "TenDonVi": "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa",
    }
    assert get_string(opencps.sync_data({"service": "DongBoDanhGia", "data": [item]}), "error_code") == "00"
    # Re-sent during the month: replaces, does not double count.
    assert get_string(opencps.sync_data({"service": "DongBoDanhGia", "data": [item]}), "error_code") == "00"
    groups = requests.get(served_sandbox.base + "/api/v1/satisfaction?group_by=agency&quarter=2026Q4", timeout=10).json()
    (unit,) = [g for g in groups["groups"] if g["group"] == "000.00.01.H56"]
    assert unit["count"] == 40 and unit["reported"] == 40 and unit["share_satisfied"] == 0.75
    bad = opencps.sync_data({"service": "DongBoDanhGia", "data": [{**item, "PhanTramDanhGiaHaiLong": "nhiều"}]})
    assert get_string(bad, "error_code") == "-1" and "PhanTramDanhGiaHaiLong" in bad["message"]


def test_questions_are_read_answered_and_published(opencps):
    """doSyncSharingQA lists both kinds; syncFAQToDVCQG answers and publishes; getAnswer reads answers."""
    agencies = {get_string(a, "MADONVI") for a in opencps.sync_data({"service": "LayDanhMucCoQuan"})["result"]}
    asked = opencps.sync_data({"service": "LayDanhSachHoiDapGuiTuDVCQG"})
    compiled = opencps.sync_data({"service": "LayDanhSachHoiDapBoCoQuan"})
    for qajson in (asked, compiled):
        assert get_int(qajson, "error_code") == 0 and get_array(qajson, "result")
        for qa in qajson["result"]:  # extractFAQResult's reads
            assert int(qa["HOIDAPID"]) > 0 and get_string(qa, "NOIDUNG") and get_string(qa, "MALINHVUC")
            assert get_string(qa, "MADONVI") in agencies and get_string(qa, "TENDONVI")
            assert get_int(qa, "TRANGTHAI") != 0
    assert all(int(qa["TRALOIID"]) > 0 and qa["NOIDUNGTRALOI"] for qa in compiled["result"])
    question = asked["result"][0]
    assert int(question["TRALOIID"]) == 0 and get_string(question, "NOIDUNGTRALOI") == ""

    answer = {"HOIDAPID": str(question["HOIDAPID"]), "MADONVI": question["MADONVI"], "NGUOITRALOI": "Cán bộ A",
              "CHUCVUNGUOITRALOI": "cb", "NGAYTRALOI": "26/11/2026", "NOIDUNGTRALOI": "Hồ sơ gồm tờ khai."}  # fmt: skip
    assert get_int(opencps.sync_data({"service": "DongBoKetQuaHoiDapGuiTuDVCQG", "data": [answer]}), "error_code") == 0
    answers = opencps.sync_data({"service": "LayNoiDungTraLoiTheoCauHoi", "cauhoiid": question["HOIDAPID"]})
    assert [get_string(a, "NOIDUNGTRALOI") for a in answers["result"]] == ["Hồ sơ gồm tờ khai."]
    again = opencps.sync_data({"service": "LayDanhSachHoiDapGuiTuDVCQG"})["result"]
    assert next(q for q in again if q["HOIDAPID"] == question["HOIDAPID"])["NOIDUNGTRALOI"] == "Hồ sơ gồm tờ khai."

    published = {"HOIDAPID": 987, "MaLinhVuc": "G09-TP03", "NOIDUNG": "Khai sinh cho con cần gì?",
                 "MADONVI": "000.00.12.H56", "TENDONVI": "Sở Tư pháp tỉnh Khánh Hòa"}  # fmt: skip
    result = opencps.sync_data({"service": "DongBoHoiDap", "data": [published]})
    assert "error_code" in result and get_int(result, "error_code") == 0
    listed = opencps.sync_data({"service": "LayDanhSachHoiDapBoCoQuan"})["result"]
    assert any(q["NOIDUNG"] == published["NOIDUNG"] for q in listed)

    foreign = opencps.sync_data({"service": "DongBoHoiDap", "data": [{**published, "MADONVI": "000.00.12.H01"}]})
    assert get_string(foreign, "error_code") == "-6"
    unknown = opencps.sync_data({"service": "DongBoKetQuaHoiDapGuiTuDVCQG", "data": [{**answer, "HOIDAPID": "1"}]})
    assert get_string(unknown, "error_code") == "-4"
