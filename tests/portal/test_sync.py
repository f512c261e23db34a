"""DongBoHoSoMC: creating and updating dossiers with the real field names."""

from tests.conftest import dossier


def test_creating_a_dossier_succeeds_with_string_00_and_thanh_cong(portal):
    reply = portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier()])
    assert reply["error_code"] == "00"
    assert "thành công" in reply["message"]


def test_creating_an_existing_dossier_says_da_ton_tai(portal):
    portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier()])
    reply = portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier()])
    assert reply["error_code"] not in ("00", "0")
    assert int(reply["error_code"]) != 0
    assert "đã tồn tại" in reply["message"]


def test_all_fields_and_unknown_fields_are_stored_as_given(portal):
    sent = dossier(MaHoSoLienThong="LT-1", TruongTuyChon={"a": 1})
    portal.call("DongBoHoSoMC", isUpdating="False", data=[sent])
    stored = portal.call("TraCuuHoSo", mahoso=sent["MaHoSo"])["result"][0]
    for key, value in sent.items():
        assert stored[key] == value, key


def test_fields_not_sent_are_not_invented(portal):
    minimal = {k: dossier()[k] for k in ("MaHoSo", "MaTTHC", "ChuHoSo", "NgayTiepNhan", "TrangThaiHoSo")}
    assert portal.call("DongBoHoSoMC", isUpdating="False", data=[minimal])["error_code"] == "00"
    stored = portal.call("TraCuuHoSo", mahoso=minimal["MaHoSo"])["result"][0]
    assert set(stored) == set(minimal) | {"QuaTrinhXuLy"}


def test_update_changes_given_fields_and_keeps_the_rest(portal):
    portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier()])
    change = {k: dossier()[k] for k in ("MaHoSo", "MaTTHC", "ChuHoSo", "NgayTiepNhan")}
    change.update(TrangThaiHoSo="4", TrichYeuHoSo="Đã sửa")
    reply = portal.call("DongBoHoSoMC", isUpdating="True", data=[change])
    assert reply["error_code"] == "00", reply
    stored = portal.call("TraCuuHoSo", mahoso=change["MaHoSo"])["result"][0]
    assert stored["TrichYeuHoSo"] == "Đã sửa" and stored["TrangThaiHoSo"] == "4"
    assert stored["SoDienThoai"] == dossier()["SoDienThoai"]


def test_updating_an_unknown_dossier_is_refused(portal):
    reply = portal.call("DongBoHoSoMC", isUpdating="True", data=[dossier()])
    assert reply["error_code"] == "-4" and "không tồn tại" in reply["message"]


def test_update_with_impossible_status_change_is_refused_and_changes_nothing(portal):
    portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier(TrangThaiHoSo="10")])
    reply = portal.call("DongBoHoSoMC", isUpdating="True", data=[dossier(TrangThaiHoSo="4", ChuHoSo="Khác")])
    assert reply["error_code"] == "-5"
    stored = portal.call("TraCuuHoSo", mahoso=dossier()["MaHoSo"])["result"][0]
    assert stored["TrangThaiHoSo"] == "10" and stored["ChuHoSo"] == "Nguyễn Văn An"


def test_codes_sent_as_numbers_are_accepted(portal):
    reply = portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier(TrangThaiHoSo=2, LoaiDoiTuong=1)])
    assert reply["error_code"] == "00", reply


def test_lists_sent_as_empty_strings_are_accepted(portal):
    reply = portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier(TaiLieuNop="", DanhSachLePhi="")])
    assert reply["error_code"] == "00", reply


def test_a_bad_entry_fails_alone_and_leaves_no_trace(portal):
    good = dossier("000.00.01.H56-261126-0002")
    bad = dossier("000.00.01.H56-261126-0003", NgayTiepNhan="2026-11-26")
    reply = portal.call("DongBoHoSoMC", isUpdating="False", data=[good, bad])
    assert reply["error_code"] == "-1"
    assert "data[1]" in reply["message"] and "NgayTiepNhan" in reply["message"]
    assert [r["error_code"] for r in reply["result"]] == ["00", "-1"]
    assert portal.call("TraCuuHoSo", mahoso=good["MaHoSo"])["result"]
    assert portal.call("TraCuuHoSo", mahoso=bad["MaHoSo"])["result"] == []


def test_look_up_of_unknown_dossier_returns_empty_result(portal):
    reply = portal.call("TraCuuHoSo", mahoso="000.00.01.H56-261126-9999")
    assert reply == {"error_code": "00", "message": reply["message"], "result": []}


def test_a_partly_failed_batch_never_says_thanh_cong(portal):
    reply = portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier(), dossier()])
    assert reply["error_code"] == "-3" and "thành công" not in reply["message"]
