"""The shared builders of what connectors send: dossiers, progress entries and payment messages.

Signatures are checked against an independent SHA-256 of the documented field order (payment
platform 1.0.6, as OpenCPS' PayGateUtil.generateChecksum joins it), never with `signing` itself.
"""

from __future__ import annotations

import hashlib

import pytest

from simulator import connector_messages
from simulator.systems.payment import signing

INIT_FIELDS = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "SoTien", "LoaiHinhThanhToan", "MaKenhThanhToan",
               "MaThietBi", "NgonNgu", "MaTienTe", "MaNganHang", "ThongTinGiaoDich", "ThoiGianGD", "Ip")  # fmt: skip
LOOKUP_FIELDS = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD")
SECRET = "khoa-bi-mat"


def independent_mac(values: dict, order: tuple[str, ...]) -> str:
    return hashlib.sha256("|".join([*(str(values[k]) for k in order), SECRET]).encode("utf-8")).hexdigest()


def test_init_message_carries_the_fourteen_signed_fields_first_in_the_signing_order():
    receipt = {"MaDichVu": "2", "MaHoSo": "000.00.01.H56-261126-0001"}
    message = signing.init_message("000.00.01.H56", "TT-1", "50000", description="Lệ phí", at="20261126090000", receipt=receipt)
    assert tuple(message)[:14] == INIT_FIELDS and message["ThongTinBienLai"] == receipt
    assert (message["PhienBan"], message["LoaiHinhThanhToan"], message["MaTienTe"], message["NgonNgu"]) == ("1.0.6", "PAY", "VND", "vi-VN")
    assert "MaXacThuc" not in message


def test_signed_init_carries_the_sha256_of_its_fields_and_the_secret_and_keeps_the_amount_as_given():
    for amount in ("150000", 150000):
        message = signing.signed(signing.init_message("000.00.01.H56", "TT-1", amount, description="x", at="20261126090000"), SECRET)
        assert message["SoTien"] == amount and message["MaXacThuc"] == independent_mac(message, INIT_FIELDS)


@pytest.mark.parametrize("kind", ["QUERY", "GET_BILL"])
def test_signed_lookup_is_signed_over_the_five_lookup_fields(kind):
    message = signing.signed(signing.lookup_message(kind, "000.00.01.H56", "TT-1", "20261126091000"), SECRET)
    assert tuple(message) == (*LOOKUP_FIELDS, "MaXacThuc") and message["MaXacThuc"] == independent_mac(message, LOOKUP_FIELDS)


def test_signed_does_not_change_the_message_it_is_given():
    unsigned = signing.lookup_message("QUERY", "000.00.01.H56", "TT-1", "20261126091000")
    signing.signed(unsigned, SECRET)
    assert "MaXacThuc" not in unsigned


def test_a_lookup_of_another_message_type_is_refused_naming_it():
    with pytest.raises(ValueError, match="'INIT'"):
        signing.lookup_message("INIT", "000.00.01.H56", "TT-1", "20261126091000")


def test_dossier_names_its_applicant_in_both_places_connectors_fill():
    built = connector_messages.dossier(
        "000.00.01.H56-261126-0009", applicant="Lê Thị Hoa", applicant_id="056190000001", status="1", channel="2"
    )
    assert (built["MaHoSo"], built["ChuHoSo"], built["SoGiayToChuHoSo"]) == ("000.00.01.H56-261126-0009", "Lê Thị Hoa", "056190000001")
    assert built["DinhDanhCHS"] == [{"LoaiDinhDanh": "1", "SoDinhDanh": "056190000001"}]
    assert (built["TrangThaiHoSo"], built["KenhThucHien"]) == ("1", "2")


def test_each_dossier_is_a_fresh_copy():
    first = connector_messages.dossier("000.00.01.H56-261126-0001")
    first["DinhDanhCHS"].append({"LoaiDinhDanh": "2"})
    first["TaiLieuNop"].append({})
    again = connector_messages.dossier("000.00.01.H56-261126-0001")
    assert len(again["DinhDanhCHS"]) == 1 and again["TaiLieuNop"] == []


def test_progress_entry_carries_status_time_note_and_officer():
    entry = connector_messages.progress_entry("000.00.01.H56-261126-0001", "9", at="20261127100000", note="Chờ trả kết quả")
    assert (entry["TrangThai"], entry["ThoiDiemXuLy"], entry["NoiDungXuLy"], entry["NguoiXuLy"]) == (
        "9",
        "20261127100000",
        "Chờ trả kết quả",
        connector_messages.OFFICER,
    )
