"""A province reads and writes only its own agencies' dossiers."""

from tests.conftest import dossier, progress


def test_another_province_sees_the_dossier_as_not_found(portal, portal_for):
    portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier()])
    hanoi = portal_for("01")
    assert hanoi.call("TraCuuHoSo", mahoso=dossier()["MaHoSo"])["result"] == []


def test_another_province_cannot_update_or_report_progress(portal, portal_for):
    portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier()])
    hanoi = portal_for("01")
    hanoi.client = hanoi.client  # its own madonvi, the other province's dossier code
    update = hanoi.call("DongBoHoSoMC", isUpdating="True", data=[dossier(ChuHoSo="Kẻ gian", TrangThaiHoSo="4")])
    assert update["error_code"] == "-4"
    step = hanoi.call("CapNhatTienDoHoSoMC", data=[progress(status="4")])
    assert step["error_code"] == "-4"
    stored = portal.call("TraCuuHoSo", mahoso=dossier()["MaHoSo"])["result"][0]
    assert stored["ChuHoSo"] == "Nguyễn Văn An" and stored["TrangThaiHoSo"] == "2"
    assert stored["QuaTrinhXuLy"] == []


def test_creating_a_dossier_under_another_provinces_agency_is_refused(portal_for):
    hanoi = portal_for("01")
    reply = hanoi.call("DongBoHoSoMC", isUpdating="False", data=[dossier()])
    assert reply["error_code"] == "-6" and "không thuộc tỉnh" in reply["message"]


def test_madonvi_of_another_province_is_refused(portal):
    portal.client = type(portal.client)(**{**portal.client.as_dict(), "madonvi": "000.00.00.H01"})
    reply = portal.call("TraCuuHoSo", mahoso=dossier()["MaHoSo"])
    assert reply["error_code"] == "-6" and "madonvi" in reply["message"]
