from simulator.catalogue import procedures

"""Catalogue services on the integration endpoint, in the national procedure database's fields."""


def test_procedure_list_has_at_least_40_over_six_sectors(portal):
    reply = portal.call("LayDanhSachTTHC")
    assert reply["error_code"] == "00" and len(reply["result"]) >= 40
    assert all(item["MATTHC"][:2] in ("1.", "2.") for item in reply["result"])


def test_procedure_list_filters_by_field(portal):
    reply = portal.call("LayDanhSachTTHC", malinhvuc="G09-TP03")
    assert reply["result"] and {i["MALINHVUC"] for i in reply["result"]} == {"G09-TP03"}


def test_one_procedure_in_upper_case_fields(portal):
    item = portal.call("LayThuTuc", maTTHC="1.001193")["result"][0]
    for key in (
        "TENTTHC",
        "LINHVUCTHUCHIEN",
        "CACHTHUCTHUCHIEN",
        "THANHPHANHOSO",
        "TRINHTUTHUCHIEN",
        "COQUANTHUCHIEN",
        "KETQUATHUCHIEN",
        "CANCUPHAPLY",
        "YEUCAU",
    ):
        assert key in item
    channel = item["CACHTHUCTHUCHIEN"][0]
    assert {"KENH", "THOIGIAN"} <= set(channel)
    assert {"THOIGIANGIAIQUYET", "DONVITINH", "MOTA", "PHILEPHI"} <= set(channel["THOIGIAN"][0])
    assert item["COQUANTHUCHIEN"][0]["TENDONVI"]


def test_province_level_procedure_names_the_callers_agency(portal):

    code = next(p.code for p in procedures() if p.level == "Tỉnh")
    item = portal.call("LayThuTuc", maTTHC=code)["result"][0]
    assert item["COQUANTHUCHIEN"][0]["MADONVI"].endswith("H56")


def test_provincial_variant_code_resolves(portal):
    assert portal.call("LayThuTuc", maTTHC="1.001193.000.00.00.H56")["result"]


def test_local_procedure_code_is_accepted_and_unknown_gives_empty_result(portal):
    reply = portal.call("LayThuTuc", maTTHC="3.000181.000.00.00.H22")
    assert reply["error_code"] == "00" and reply["result"] == []


def test_unknown_procedure_gives_empty_result(portal):
    assert portal.call("LayThuTuc", maTTHC="9.999999")["result"] == []


def test_agencies_for_all_34_provinces(portal):
    everything = portal.call("LayDanhMucCoQuan")["result"]
    assert len({a["MATINH"] for a in everything}) == 34
    own = portal.call("LayDanhMucCoQuan", matinh="56")["result"]
    assert own and all(a["MATINH"] == "56" for a in own)


def test_fields_of_activity(portal):
    fields = portal.call("LayDanhMucLinhVuc")["result"]
    assert any(f["MALINHVUC"] == "G09-TP03" for f in fields)
