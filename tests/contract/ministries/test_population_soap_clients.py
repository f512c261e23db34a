"""Population database: replay, literally, what public clients send and parse the reply as they do."""

from __future__ import annotations

import json
import unicodedata
import xml.etree.ElementTree as ET

import pytest

from simulator.systems import people
from tests.conftest import SEED, get_token

CITIZEN = "001088000004"  # a married man of the persona table
REPLY_NS = {"soapenv": "http://schemas.xmlsoap.org/soap/envelope/", "ns1": "http://www.mic.gov.vn/dancu/1.0"}


@pytest.fixture
def population_citizen():
    """The persona as the population holds it (name, birth date)."""
    return people.population(SEED, 0.02).citizen(CITIZEN)


@pytest.fixture
def bearer(client) -> dict:
    """A Khánh Hòa gateway token."""
    return {"Authorization": f"Bearer {get_token(client, '56')}"}


def unsigned_upper(name: str) -> str:
    """The name as OpenCPS tracuu_csdldc and a court system's ConvertToUnsign send it: no marks, no spaces, upper."""
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn" and c.isalnum()).upper()


def strip_namespaces(xml: bytes) -> dict:
    """What Jackson's XmlMapper.readTree gives for the reply (root dropped, namespaces ignored)."""

    def convert(el):
        if len(el) == 0:
            return el.text or ""
        return {child.tag.rsplit("}", 1)[-1]: convert(child) for child in el}

    return convert(ET.fromstring(xml))


def opencps_envelope(fields: dict) -> str:
    """QLCDIntegrationActionImpl.createRequestSoap: ordered keys, NgayThangNamSinh wrapped in NgayThangNam."""
    parts = [
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:qldc="http://dancuquocgia.bca">',
        "<soapenv:Header/><soapenv:Body><qldc:TraCuuThongTinCongDan>",
    ]
    for key, value in fields.items():
        inner = f"<qldc:NgayThangNam>{value}</qldc:NgayThangNam>" if key == "NgayThangNamSinh" else value
        parts.append(f"<qldc:{key}>{inner}</qldc:{key}>")
    parts.append("</qldc:TraCuuThongTinCongDan></soapenv:Body></soapenv:Envelope>")
    return "".join(parts)


def test_opencps_lgsp_wrapped_envelope_reads_body_congdancollection_congdan(client, bearer, population_citizen):
    """github VietOpenCPS/opencps-v2 QLCDIntegrationActionImpl.sendData (HAUGIANG unit) posts
    {accessToken, lgspAccessToken, AuthHash, data: <envelope>}; frontend-opencps-v2.1 tracuu_csdldc/src/App.vue
    sends HoVaTen unsigned upper-case and NgayThangNamSinh as yyyy-MM-dd, MaDVC mapped, and reads
    Body.CongdanCollection.CongDan after XmlMapper."""
    envelope = opencps_envelope(
        {
            "MaYeuCau": "1764146400000",
            "MaDVC": "1.001193",
            "MaTichHop": "037",
            "MaCanBo": "canbo01",
            "SoDinhDanh": CITIZEN,
            "HoVaTen": unsigned_upper(population_citizen.name.full),
            "NgayThangNamSinh": population_citizen.birth_date.strftime("%Y-%m-%d"),
        }
    )
    body = {"accessToken": "Bearer x", "lgspAccessToken": "eyJ9", "AuthHash": "a2V5OnBhc3M=", "data": envelope}
    reply = client.post("/ngsp/population/TraCuuThongTinCongDan", json=body, headers=bearer)
    assert reply.status_code == 200 and reply.mimetype == "text/xml"
    congdan = strip_namespaces(reply.data)["Body"]["CongdanCollection"]["CongDan"]
    assert congdan["SoDinhDanh"] == CITIZEN and congdan["HoVaTen"]["Ten"] == population_citizen.name.full
    ngay = congdan["NgayThangNamSinh"]["NgayThangNam"]  # formatNgaySinh: slice(6,8)/slice(4,6)/slice(0,4)
    assert f"{ngay[6:8]}/{ngay[4:6]}/{ngay[0:4]}" == population_citizen.birth_date.strftime("%d/%m/%Y")
    assert congdan["GioiTinh"] == "1" and congdan["QuocTich"] == "VN" and congdan["TinhTrangHonNhan"] == "2"
    assert congdan["ThuongTru"]["MaTinhThanh"] and congdan["VoChong"]["SoDinhDanh"]


def court_envelope(citizen_id: str, name: str, year_or_date: str) -> str:
    """CallApi037.SendRequestAsync (a court system, github, Module.Common.C06): Nam or NgayThangNam, extra fields."""
    birth = f"<dan:Nam>{year_or_date}</dan:Nam>" if len(year_or_date) == 4 else f"<dan:NgayThangNam>{year_or_date}</dan:NgayThangNam>"
    return f"""<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:dan="http://dancuquocgia.bca">
      <soapenv:Header/>
      <soapenv:Body>
        <dan:TraCuuThongTinCongDan>
          <dan:MaYeuCau>RANDOM101530123</dan:MaYeuCau>
          <dan:MaDVC>VPCP</dan:MaDVC>
          <dan:MaTichHop>037</dan:MaTichHop>
          <dan:MaCanBo>001088000004</dan:MaCanBo>
          <dan:MaDonVi>T56</dan:MaDonVi>
          <dan:TaiKhoan>toaan.kh</dan:TaiKhoan>
          <dan:SoDienThoai>0</dan:SoDienThoai>
          <dan:SoDinhDanh>{citizen_id}</dan:SoDinhDanh>
          <dan:HoVaTen>{name}</dan:HoVaTen>
          <dan:NgayThangNamSinh>
            {birth}
          </dan:NgayThangNamSinh>
        </dan:TraCuuThongTinCongDan>
      </soapenv:Body>
    </soapenv:Envelope>"""


def court_parse(xml: bytes) -> dict | None:
    """ParseSoapResponse: XPath //soapenv:Envelope/soapenv:Body/ns1:CongdanCollection/ns1:CongDan, namespaces strict."""
    node = ET.fromstring(xml).find("soapenv:Body/ns1:CongdanCollection/ns1:CongDan", REPLY_NS)
    if node is None:
        return None
    return {
        "Ten": node.findtext("ns1:HoVaTen/ns1:Ten", namespaces=REPLY_NS),
        "Nam": node.findtext("ns1:NgayThangNamSinh/ns1:Nam", namespaces=REPLY_NS),
        "MaTinhThanh": node.findtext("ns1:ThuongTru/ns1:MaTinhThanh", namespaces=REPLY_NS),
        "DanToc": node.findtext("ns1:DanToc", namespaces=REPLY_NS),
    }


def test_court_client_with_year_only_and_unsigned_name_finds_the_citizen(client, bearer, population_citizen):
    """Module.Common.C06 CallApi037: application/xml, SOAPAction "", <Nam>yyyy</Nam>; reads ns1:CongDan strictly."""
    xml = court_envelope(CITIZEN, unsigned_upper(population_citizen.name.full), str(population_citizen.birth_date.year))
    headers = {**bearer, "Content-Type": "application/xml", "SOAPAction": '""', "Timestamp": "1764146400000"}
    reply = client.post("/ngsp/population/soap", data=xml.encode("utf-8"), headers=headers)
    found = court_parse(reply.data)
    assert reply.status_code == 200 and found is not None
    assert found["Ten"] == population_citizen.name.full and found["Nam"] == str(population_citizen.birth_date.year)
    assert len(found["DanToc"]) == 2 and found["DanToc"].isdigit() and found["MaTinhThanh"]


def test_court_client_with_a_wrong_name_finds_no_congdan(client, bearer, population_citizen):
    """Same client: "Không tồn tại dữ liệu" when CongDan is absent — the database answers only a matching declaration."""
    xml = court_envelope(CITIZEN, "NGUYENVANSAI", population_citizen.birth_date.strftime("%Y%m%d"))
    reply = client.post("/ngsp/population/soap", data=xml.encode(), headers={**bearer, "Content-Type": "application/xml"})
    assert reply.status_code == 200 and court_parse(reply.data) is None


def test_php_client_stray_text_and_string_stripping_still_parses(client, bearer, population_citizen):
    """A PHP one-stop backend (github, dancuquocgia.bca client with CURLOPT_USERPWD): its envelope carries a stray
    `">` after the namespace declarations; it strips "ns1:" and "soapenv:" from the reply before simplexml."""
    xml = f"""<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
        xmlns:dan="http://dancuquocgia.bca">">
        <soapenv:Header/>
        <soapenv:Body>
            <dan:TraCuuThongTinCongDan xmlns:dan="http://dancuquocgia.bca">
            <dan:MaYeuCau>YC20261126</dan:MaYeuCau>
                <dan:MaDVC></dan:MaDVC>
                <dan:MaTichHop>037</dan:MaTichHop>
                <dan:SoDinhDanh>{CITIZEN}</dan:SoDinhDanh>
                <dan:HoVaTen>{population_citizen.name.full}</dan:HoVaTen>
                <dan:NgayThangNamSinh>
                    <dan:NgayThangNam>{population_citizen.birth_date.strftime("%Y%m%d")}</dan:NgayThangNam>
                </dan:NgayThangNamSinh>
            </dan:TraCuuThongTinCongDan>
        </soapenv:Body>
    </soapenv:Envelope>"""
    reply = client.post("/ngsp/population/TraCuuThongTinCongDan", data=xml.encode(), headers={**bearer, "Content-Type": "application/xml"})
    text = reply.data.decode().replace("ns1:", "").replace("soapenv:", "")
    text = text.replace('<?xml version="1.0" encoding="UTF-8"?>', "")
    congdan = ET.fromstring(text).find("Body/CongdanCollection/CongDan")
    assert reply.status_code == 200 and congdan is not None
    assert congdan.findtext("SoDinhDanh") == CITIZEN and congdan.findtext("NhomMau") in {"00", "01", "02", "03", "04"}


def test_dong_thap_camelcase_json_gets_the_envelope_as_json(client, bearer, population_citizen):
    """OpenCPS QLCDIntegrationActionImpl.sendData (DONGTHAP unit): JSON {maYeuCau, maDVC, maCanBo, soDinhDanh, soCMND,
    hoVaTen, ngayThangNam, userNameService}; a .NET client (TD.DichVuCongApi CSDLDanCuJSONResponse) reads
    Envelope.Body.CongdanCollection.CongDan."""
    body = {
        "maYeuCau": "YC-DT-1",
        "maDVC": "2.000488",
        "maCanBo": "canbo",
        "soDinhDanh": CITIZEN,
        "soCMND": "",
        "hoVaTen": population_citizen.name.full,
        "ngayThangNam": population_citizen.birth_date.strftime("%Y%m%d"),
        "userNameService": "STTTT_DONGTHAP",
    }
    reply = client.post("/ngsp/population/TraCuuThongTinCongDan", json=body, headers=bearer)
    congdan = json.loads(reply.data)["Envelope"]["Body"]["CongdanCollection"]["CongDan"]
    assert congdan["NgayThangNamSinh"] == {
        "Nam": str(population_citizen.birth_date.year),
        "NgayThangNam": population_citizen.birth_date.strftime("%Y%m%d"),
    }
    assert set(congdan["HoVaTen"]) == {"Ho", "ChuDem", "Ten"} and congdan["ChuHo"]["SoDinhDanh"]


def test_macanbo_absent_and_madvc_empty_are_accepted(client, bearer):
    """OpenCPS tracuu_csdldc sends MaDVC "" (mapped later) and older builds no MaCanBo at all."""
    xml = opencps_envelope({"MaYeuCau": "1", "MaDVC": "", "MaTichHop": "037", "SoDinhDanh": CITIZEN})
    reply = client.post("/ngsp/population/XacThucThongTinCongDan", data=xml.encode(), headers={**bearer, "Content-Type": "text/xml"})
    assert reply.status_code == 200 and strip_namespaces(reply.data)["Body"]["KetQuaXacThuc"]["TonTai"] == "true"


def test_utf16_envelope_with_an_entity_is_refused_not_expanded(client, bearer):
    """A hostile envelope: UTF-16 with an internal entity. The old byte search missed it; defusedxml refuses it."""
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY boom "EXPANDED">]>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:dan="http://dancuquocgia.bca">'
        f"<soapenv:Body><dan:TraCuuThongTinCongDan><dan:MaYeuCau>&boom;</dan:MaYeuCau><dan:SoDinhDanh>{CITIZEN}"
        "</dan:SoDinhDanh></dan:TraCuuThongTinCongDan></soapenv:Body></soapenv:Envelope>"
    ).encode("utf-16")
    reply = client.post("/ngsp/population/soap", data=xml, headers={**bearer, "Content-Type": "text/xml"})
    assert reply.status_code == 400 and b"EXPANDED" not in reply.data
    fault = strip_namespaces(reply.data)["Body"]["Fault"]
    assert fault["faultcode"] == "soapenv:Client" and "DOCTYPE" in fault["faultstring"]
