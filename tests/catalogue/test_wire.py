"""Wire mappers: the national procedure database's upper-case names and shapes."""

from __future__ import annotations

import json

import pytest

from simulator import catalogue

LAYTHUTUC_KEYS = {
    "MATTHC", "TENTTHC", "MALINHVUC", "LINHVUCTHUCHIEN", "CACHTHUCTHUCHIEN", "THANHPHANHOSO",
    "TRINHTUTHUCHIEN", "COQUANTHUCHIEN", "KETQUATHUCHIEN", "CANCUPHAPLY", "YEUCAU", "DOITUONGTHUCHIEN",
    "CAPTHUCHIEN", "MACOQUANCONGBO", "TRANGTHAI",
}  # fmt: skip


@pytest.mark.parametrize("proc", catalogue.procedures(), ids=lambda p: p.code)
def test_laythutuc_has_exactly_the_documented_keys_and_is_json(proc: catalogue.Procedure) -> None:
    item = catalogue.to_laythutuc(proc, "000.00.01.H56")
    assert set(item) == LAYTHUTUC_KEYS
    json.dumps(item, ensure_ascii=False)
    assert all("{" not in step["TENTRINHTU"] for step in item["TRINHTUTHUCHIEN"][0]["TRINHTU"])


def test_laythutuc_shapes() -> None:
    item = catalogue.to_laythutuc(catalogue.procedure("2.000488.000.00.12.H56"), "000.00.01.H56")
    assert item["MATTHC"] == "2.000488"
    assert item["LINHVUCTHUCHIEN"] == [{"MALINHVUC": "G09-TP02", "TENLINHVUC": "Lý lịch tư pháp"}]
    channel = item["CACHTHUCTHUCHIEN"][0]
    assert set(channel) == {"KENH", "TENKENH", "THOIGIAN"} and channel["KENH"] == 1
    time = channel["THOIGIAN"][0]
    assert time["THOIGIANGIAIQUYET"] == 10 and time["DONVITINH"] == "Ngày làm việc"
    assert set(time["PHILEPHI"][0]) == {"MAPHILEPHI", "SOTIEN", "DONVI", "MOTA"}
    assert time["PHILEPHI"][0]["SOTIEN"] == 200000 and time["PHILEPHI"][0]["DONVI"] == "Đồng"
    assert item["COQUANTHUCHIEN"] == [{"MADONVI": "000.00.12.H56", "TENDONVI": "Sở Tư pháp tỉnh Khánh Hòa"}]
    assert item["MACOQUANCONGBO"] == "000.00.00.H56" and item["TRANGTHAI"] == 1
    assert item["CAPTHUCHIEN"] == "Cấp Tỉnh"
    assert item["THANHPHANHOSO"][0]["GIAYTO"][0]["MAGIAYTO"] == "GT01"


def test_laythutuc_without_caller_names_the_generic_agency() -> None:
    item = catalogue.to_laythutuc(catalogue.procedure("1.001193"))
    assert item["COQUANTHUCHIEN"] == [{"MADONVI": "", "TENDONVI": "Ủy ban nhân dân cấp xã"}]
    assert item["MACOQUANCONGBO"] == ""
    assert "Ủy ban nhân dân cấp xã" in item["TRINHTUTHUCHIEN"][0]["TRINHTU"][0]["TENTRINHTU"]


def test_online_channel_has_its_own_fees() -> None:
    item = catalogue.to_laythutuc(catalogue.procedure("1.004222"))
    fees = {c["KENH"]: c["THOIGIAN"][0]["PHILEPHI"][0]["SOTIEN"] for c in item["CACHTHUCTHUCHIEN"]}
    assert fees == {1: 20000, 2: 10000, 3: 20000}


def test_danhsach_tthc_summary() -> None:
    item = catalogue.to_danhsach_tthc(catalogue.procedure("1.001193"))
    assert item["MATTHC"] == "1.001193" and item["TENTTHC"] == "Đăng ký khai sinh"
    assert item["MALINHVUC"] == "G09-TP03" and item["TENLINHVUC"] == "Hộ tịch"
    assert item["THOIGIANGIAIQUYET"] == 0.5 and item["CAPTHUCHIEN"] == "Cấp Xã"


def test_coquan_and_linhvuc() -> None:
    assert catalogue.to_coquan(catalogue.agency("000.00.01.H01")) == {
        "MADONVI": "000.00.01.H01",
        "TENDONVI": "Trung tâm Phục vụ hành chính công thành phố Hà Nội",
        "CAPDONVI": "2",
        "MATINH": "01",
        "TENTINH": "Thành phố Hà Nội",
    }
    assert catalogue.to_coquan(catalogue.agency("H56.01"))["CAPDONVI"] == "4"
    item = catalogue.to_linhvuc(catalogue.field("G09-TP03"), "000.00.00.H56")
    assert item["MALINHVUC"] == "G09-TP03" and item["TENLINHVUC"] == "Hộ tịch"
    assert item["MANGANH"] == "000.00.00.H56" and item["MABONGANH"] == "G09"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("2.000477.000.00.00.H56", "2.000477"), ("1.001193", "1.001193"), (" 1.001193 ", "1.001193"),
     ("1.001193.H56.01", "1.001193")],
)  # fmt: skip
def test_provincial_variant_codes_resolve_to_the_base(code: str, expected: str) -> None:
    assert catalogue.procedure(code).code == expected


@pytest.mark.parametrize("code", ["", "3.000001", "1.00119", "1.0011930", "9.999999", "1.999999", "TS_MN.000.00.00.H22"])
def test_malformed_or_unknown_codes_give_none(code: str) -> None:
    assert catalogue.procedure(code) is None


def test_split_procedure_code() -> None:
    assert catalogue.split_procedure_code("2.000477.000.00.00.H56") == ("2.000477", "000.00.00.H56")
    assert catalogue.split_procedure_code("1.001193") == ("1.001193", None)
    assert catalogue.split_procedure_code("abc") is None


def test_loaded_records_are_immutable() -> None:
    proc = catalogue.procedures()[0]
    with pytest.raises(AttributeError):
        proc.name = "x"  # type: ignore[misc]
    assert isinstance(proc.channels, tuple)
