"""Every class of bad input gets a clear answer naming the problem, never a 500."""

import json

import pytest

from simulator.app import create_app
from tests.conftest import dossier


def test_malformed_json_is_a_400_in_portal_shape(client):
    reply = client.post("/dvcqg/api/service", data="{not json", content_type="application/json")
    assert reply.status_code == 400
    assert reply.get_json()["error_code"] == "-1" and "JSON" in reply.get_json()["message"]


def test_wrong_content_type_is_a_415(client):
    reply = client.post("/dvcqg/api/service", data="a=1", content_type="application/x-www-form-urlencoded")
    assert reply.status_code == 415 and reply.get_json()["error_code"] == "-1" and "Content-Type" in reply.get_json()["message"]


def test_json_that_is_not_an_object_is_a_400(client):
    reply = client.post("/dvcqg/api/service", json=[1, 2])
    assert reply.status_code == 400 and reply.get_json()["error_code"] == "-1" and "đối tượng JSON" in reply.get_json()["message"]


def test_empty_body_is_a_400(client):
    reply = client.post("/dvcqg/api/service", data="", content_type="application/json")
    assert reply.status_code == 400 and reply.get_json() == {
        "error_code": "-1",
        "message": "Thân yêu cầu rỗng; cần một đối tượng JSON (empty body)",
    }


def test_body_over_the_limit_is_a_413(tmp_path):

    app = create_app({"db": str(tmp_path / "s.db"), "max_body_bytes": 2048, "admin_token": "x"})
    body = json.dumps({"service": "TraCuuHoSo", "pad": "x" * 5000})
    reply = app.test_client().post("/dvcqg/api/service", data=body, content_type="application/json")
    assert reply.status_code == 413 and "body too large" in reply.get_json()["message"]


def test_unknown_service_is_named(portal):
    reply = portal.call("XoaHoSo")
    assert reply["error_code"] == "-7" and "XoaHoSo" in reply["message"]


def test_missing_service_is_named(client):
    reply = client.post("/dvcqg/api/service", json={"session": "x", "madonvi": "000.00.00.H56"}).get_json()
    assert reply["error_code"] == "-1" and "service" in reply["message"]


def test_missing_data_is_named(portal):
    reply = portal.call("DongBoHoSoMC", isUpdating="False")
    assert reply["error_code"] == "-1" and "data" in reply["message"]


def test_mistyped_data_is_named(portal):
    reply = portal.call("DongBoHoSoMC", isUpdating="False", data="not a list")
    assert reply["error_code"] == "-1" and "data" in reply["message"]


@pytest.mark.parametrize(
    "field, value, fragment",
    [
        ("MaHoSo", "H56-2026-1", "MaHoSo"),
        ("MaHoSo", "000.00.01.H56-261332-0001", "không tồn tại"),
        ("MaTTHC", "abc", "MaTTHC"),
        ("NgayTiepNhan", "20261331000000", "NgayTiepNhan"),
        ("NgayHenTra", 20261126, "NgayHenTra"),
        ("TrangThaiHoSo", "11", "TrangThaiHoSo"),
        ("LoaiDoiTuong", "9", "LoaiDoiTuong"),
        ("DinhDanhCHS", [{"LoaiDinhDanh": "1", "SoDinhDanh": "12AB"}], "SoDinhDanh"),
        ("DanhSachLePhi", [{"Gia": "mười nghìn"}], "Gia"),
        ("ChuHoSo", "", "ChuHoSo"),
    ],
)
def test_invalid_field_is_refused_naming_it_and_nothing_is_written(portal, field, value, fragment):
    reply = portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier(**{field: value})])
    assert reply["error_code"] == "-1", reply
    assert fragment in reply["message"]
    assert portal.call("TraCuuHoSo", mahoso=dossier()["MaHoSo"])["result"] == []


def test_missing_required_field_is_named(portal):
    entry = dossier()
    del entry["NgayTiepNhan"]
    reply = portal.call("DongBoHoSoMC", isUpdating="False", data=[entry])
    assert "NgayTiepNhan" in reply["message"]


def test_errors_never_leak_tracebacks(client):
    for body in ("{", "[]", '{"service": 5}', '{"service": "DongBoHoSoMC", "session": 1}'):
        reply = client.post("/dvcqg/api/service", data=body, content_type="application/json")
        text = reply.get_data(as_text=True)
        assert reply.status_code < 500 and "Traceback" not in text and "/simulator/" not in text


def test_unknown_route_is_json(client):
    reply = client.get("/nope")
    assert reply.status_code == 404 and reply.get_json()["code"] == 404
