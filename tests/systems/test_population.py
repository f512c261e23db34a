"""Population database: verify and look up, personas, bad input in its own format, SOAP."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.systems.bodies import request_fields

MARRIED, WIFE = "001088000004", "001186992617"


def test_verify_existing_citizen_matches_name_and_birth_date(caller):
    lookup = caller.post("/population/lookup", request_fields(WIFE)).get_json()["CongDan"]
    name = " ".join(p for p in lookup["HoVaTen"].values() if p)
    reply = caller.post("/population/verify", request_fields(WIFE, HoVaTen=name.upper(), NgayThangNamSinh=lookup["NgayThangNamSinh"]))
    body = reply.get_json()
    assert reply.status_code == 200 and body["error_code"] == "0" and body["MaYeuCau"] == "YC-1"
    assert body["TonTai"] is True and body["KhopThongTin"] is True and body["DaChet"] is False


def test_verify_with_a_wrong_name_does_not_match(caller):
    body = caller.post("/population/verify", request_fields(WIFE, HoVaTen="Nguyễn Văn Sai")).get_json()
    assert body["TonTai"] is True and body["KhopThongTin"] is False


def test_verify_without_name_or_date_omits_the_match_flag(caller):
    body = caller.post("/population/verify", request_fields(WIFE, HoVaTen="", NgayThangNamSinh="")).get_json()
    assert "KhopThongTin" not in body


def test_not_found_persona_answers_tonTai_false(caller):
    body = caller.post("/population/verify", request_fields("001089000001")).get_json()
    assert body == {"error_code": "0", "message": "Thành công", "MaYeuCau": "YC-1", "TonTai": False}


def test_lookup_of_not_found_persona_is_404_error_code_4(caller):
    reply = caller.post("/population/lookup", request_fields("001089000001"))
    assert reply.status_code == 404 and reply.get_json()["error_code"] == "4"


def test_deceased_persona_is_flagged_with_the_death_date(caller):
    verify = caller.post("/population/verify", request_fields("038052000002")).get_json()
    assert verify["TonTai"] is True and verify["DaChet"] is True and verify["NgayChet"] == "20240315"
    record = caller.post("/population/lookup", request_fields("038052000002")).get_json()["CongDan"]
    assert record["DaChet"] is True and record["NgayChet"] == "20240315"


def test_married_persona_names_his_wife_who_names_him_back(caller):
    husband = caller.post("/population/lookup", request_fields(MARRIED)).get_json()["CongDan"]
    assert husband["TinhTrangHonNhan"] == "2" and husband["VoChong"]["SoDinhDanh"] == WIFE
    wife = caller.post("/population/lookup", request_fields(WIFE)).get_json()["CongDan"]
    assert wife["VoChong"]["SoDinhDanh"] == MARRIED and wife["GioiTinh"] == "2"


def test_residence_changed_persona_lives_in_another_province(caller):
    record = caller.post("/population/lookup", request_fields("079190000003")).get_json()["CongDan"]
    assert record["ThuongTru"]["MaTinhThanh"] != record["NoiOHienTai"]["MaTinhThanh"]


@pytest.mark.parametrize(
    "bad_id, rule",
    [
        ("00108800000", "length"),
        ("0010880000041", "length"),
        ("00108800000A", "digits"),
        ("001988000004", "century_digit"),
        ("099088000004", "province"),
    ],
)
def test_invalid_ids_are_400_error_code_2_naming_the_rule(caller, bad_id, rule):
    for path in ("/population/verify", "/population/lookup"):
        reply = caller.post(path, request_fields(bad_id))
        body = reply.get_json()
        assert reply.status_code == 400 and body["error_code"] == "2", body
        assert f"rule {rule}" in body["message"] and set(body) == {"error_code", "message"}


def test_missing_routing_field_is_400_error_code_1_naming_it(caller):
    body = request_fields(WIFE)
    del body["MaYeuCau"]
    reply = caller.post("/population/verify", body)
    assert reply.status_code == 400 and reply.get_json()["error_code"] == "1"
    assert "MaYeuCau" in reply.get_json()["message"]


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"", b'"text"'])
def test_malformed_json_is_400_in_the_population_format(caller, raw):
    reply = caller.post("/population/verify", data=raw, headers={"Content-Type": "application/json"})
    assert reply.status_code == 400 and reply.get_json()["error_code"] == "1"


def test_wrong_content_type_is_415(caller):
    reply = caller.post("/population/verify", data=b"a=b", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status_code == 415 and reply.get_json()["error_code"] == "1"


def _envelope(id12: str, operation: str = "XacThucCongDan") -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:dc="urn:sandbox:csdlqg-dancu">
  <soap:Body><dc:{operation}>
    <dc:MaYeuCau>YC-9</dc:MaYeuCau><dc:MaDVC>1.001193</dc:MaDVC><dc:MaTichHop>LGSP</dc:MaTichHop>
    <dc:MaCanBo>CB</dc:MaCanBo><dc:SoDinhDanh>{id12}</dc:SoDinhDanh>
  </dc:{operation}></soap:Body>
</soap:Envelope>""".encode()


def _fields(xml: bytes) -> dict:
    root = ET.fromstring(xml)
    return {el.tag.rsplit("}", 1)[-1]: el.text for el in root.iter()}


def test_soap_request_gets_a_soap_envelope_with_the_same_fields(caller):
    reply = caller.post("/population/verify", data=_envelope(WIFE), headers={"Content-Type": "text/xml"})
    assert reply.status_code == 200 and reply.mimetype == "text/xml"
    values = _fields(reply.data)
    assert values["error_code"] == "0" and values["MaYeuCau"] == "YC-9" and values["TonTai"] == "true"


def test_soap_lookup_round_trip_carries_the_same_name_as_json(caller):
    soap_reply = caller.post("/population/lookup", data=_envelope(MARRIED, "TraCuuCongDan"), headers={"Content-Type": "text/xml"})
    json_reply = caller.post("/population/lookup", request_fields(MARRIED)).get_json()["CongDan"]
    values = _fields(soap_reply.data)
    assert values["Ten"] == json_reply["HoVaTen"]["Ten"] and values["NgayThangNam"] == json_reply["NgayThangNamSinh"]["NgayThangNam"]


def test_soap_12_request_gets_a_soap_12_reply(caller):
    body = _envelope(WIFE).replace(b"http://schemas.xmlsoap.org/soap/envelope/", b"http://www.w3.org/2003/05/soap-envelope")
    reply = caller.post("/population/verify", data=body, headers={"Content-Type": "application/soap+xml"})
    assert reply.status_code == 200 and reply.mimetype == "application/soap+xml"
    assert b"http://www.w3.org/2003/05/soap-envelope" in reply.data


def test_json_request_with_format_soap_gets_soap(caller):
    reply = caller.post("/population/verify?format=soap", request_fields(WIFE))
    assert reply.mimetype == "text/xml" and _fields(reply.data)["TonTai"] == "true"


@pytest.mark.parametrize(
    "raw",
    [b"<soap:Envelope", b"<a>not soap</a>", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', b""],
)
def test_malformed_xml_is_a_400_soap_fault(caller, raw):
    reply = caller.post("/population/verify", data=raw, headers={"Content-Type": "text/xml"})
    assert reply.status_code == 400 and reply.mimetype == "text/xml"
    values = _fields(reply.data)
    assert values["faultcode"] == "soapenv:Client" and values["error_code"] == "1"


def test_invalid_id_in_soap_is_a_fault_naming_the_rule(caller):
    reply = caller.post("/population/verify", data=_envelope("00108800000A"), headers={"Content-Type": "text/xml"})
    values = _fields(reply.data)
    assert reply.status_code == 400 and values["error_code"] == "2" and "rule digits" in values["faultstring"]
