"""CapNhatTienDoHoSoMC: progress entries move a dossier through the status codes."""

import pytest

from tests.conftest import dossier, progress

CODE = "000.00.01.H56-261126-0001"


@pytest.fixture
def synced(portal):
    assert portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier(TrangThaiHoSo="2")])["error_code"] == "00"
    return portal


def status_of(portal) -> str:
    return portal.call("TraCuuHoSo", mahoso=CODE)["result"][0]["TrangThaiHoSo"]


def test_walking_a_dossier_to_status_10_records_history_and_stamps_dates(synced):
    entries = [progress(status=s, ThoiDiemXuLy=f"202611261{i}0000") for i, s in enumerate(["4", "9", "10"])]
    reply = synced.call("CapNhatTienDoHoSoMC", data=entries)
    assert reply["error_code"] == "00" and "thành công" in reply["message"]
    found = synced.call("TraCuuHoSo", mahoso=CODE)["result"][0]
    assert found["TrangThaiHoSo"] == "10"
    assert [e["TrangThai"] for e in found["QuaTrinhXuLy"]] == ["4", "9", "10"]
    assert found["NgayTra"] == "20261126120000" and found["NgayKetThucXuLy"] == "20261126110000"


@pytest.mark.parametrize("path", [["4", "9", "10", "4"], ["7", "4"], ["8", "4"], ["4", "8", "9"]])
def test_impossible_transition_is_refused_naming_the_entry(synced, path):
    reply = synced.call("CapNhatTienDoHoSoMC", data=[progress(status=s) for s in path])
    assert reply["error_code"] == "-5"
    failing = len(path) - 1
    assert f"data[{failing}]" in reply["message"] and "không thể chuyển" in reply["message"]
    assert status_of(synced) == path[-2]


def test_valid_entries_of_a_batch_still_apply(synced):
    reply = synced.call("CapNhatTienDoHoSoMC", data=[progress(status="4"), progress(status="1"), progress(status="9")])
    assert [r["error_code"] for r in reply["result"]] == ["00", "-5", "00"]
    history = synced.call("TraCuuHoSo", mahoso=CODE)["result"][0]["QuaTrinhXuLy"]
    assert [e["TrangThai"] for e in history] == ["4", "9"]


def test_progress_for_unknown_dossier_is_refused(synced):
    reply = synced.call("CapNhatTienDoHoSoMC", data=[progress("000.00.01.H56-261126-0042")])
    assert reply["error_code"] == "-4"


def test_handler_name_longer_than_50_chars_is_refused(synced):
    reply = synced.call("CapNhatTienDoHoSoMC", data=[progress(NguoiXuLy="x" * 51)])
    assert reply["error_code"] == "-1" and "NguoiXuLy" in reply["message"]
    assert synced.call("TraCuuHoSo", mahoso=CODE)["result"][0]["QuaTrinhXuLy"] == []
