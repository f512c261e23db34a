"""The ministry contracts on a served sandbox (gunicorn, real HTTP on loopback), as clients chain them.

The other contract tests replay each message through Flask's test client; these run the same
requests over the wire against `python -m simulator serve` with two workers, so the token a
worker issued is honoured by the other, and the bytes a client reads are what gunicorn sends.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import requests

from simulator.systems import people
from tests.conftest import ADMIN, SEED
from tests.contract.ministries.test_lgsp_token_dialects import FORM, lgsp_header
from tests.contract.ministries.test_payment_platform import PARTNER, lookup, opencps_init
from tests.contract.ministries.test_population_soap_clients import CITIZEN, opencps_envelope

SOAP_ENV = "{http://schemas.xmlsoap.org/soap/envelope/}"


@pytest.fixture
def lgsp_bearer(live_sandbox) -> dict:
    """A token got as the C#/PHP LGSP clients get it: lgspaccesstoken header, grant_type-only form body."""
    reply = requests.post(
        live_sandbox.base + "/ngsp/token",
        data="grant_type=client_credentials",
        headers={**FORM, "lgspaccesstoken": lgsp_header()},
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    return {"Authorization": f"Bearer {reply.json()['access_token']}", "lgspaccesstoken": lgsp_header()}


def test_soap_lookup_through_the_gateway_with_an_lgsp_token_answers_congdan(live_sandbox, lgsp_bearer):
    """QLCDIntegrationActionImpl.createRequestSoap's envelope, posted as text/xml with SOAPAction ""."""
    person = people.population(SEED, 0.02).citizen(CITIZEN)
    envelope = opencps_envelope(
        {"MaYeuCau": "1", "MaDVC": "", "MaTichHop": "037", "SoDinhDanh": CITIZEN,
         "HoVaTen": person.name.full, "NgayThangNamSinh": person.birth_date.strftime("%Y%m%d")}
    )  # fmt: skip
    for _ in range(4):  # both workers: the token one issued is honoured by the other
        reply = requests.post(
            live_sandbox.base + "/ngsp/population/TraCuuThongTinCongDan",
            data=envelope.encode(),
            headers={**lgsp_bearer, "Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            timeout=10,
        )
        assert reply.status_code == 200, reply.text
        root = ET.fromstring(reply.content)
        collection = root.find(f"{SOAP_ENV}Body")[0]
        assert collection.tag.endswith("CongdanCollection")
        congdan = collection[0]
        assert {child.tag.rsplit("}", 1)[-1]: child.text for child in congdan}["SoDinhDanh"] == CITIZEN


def test_opencps_payment_init_query_and_bill_over_the_wire_without_authorization(live_sandbox):
    """PayGateIntegrationActionImpl: HttpURLConnection POSTs with no Authorization header (MaXacThuc only)."""
    messages = live_sandbox.base + "/payment/messages"
    init = requests.post(messages, json=opencps_init("SRV-0001"), timeout=10).json()
    assert init["MaLoi"] == "00" and init["UrlThanhToan"].startswith(live_sandbox.base)
    query = requests.post(messages, json=lookup("QUERY", "SRV-0001"), timeout=10).json()
    assert query["MaLoi"] == "00" and query["TrangThaiGD"] != ""
    tampered = {**lookup("QUERY", "SRV-0001"), "MaThamChieu": "SRV-0002"}
    refused = requests.post(messages, json=tampered, timeout=10)
    assert refused.status_code == 200 and refused.json()["MaLoi"] != "00"  # read by the client, in a 200
    bill = requests.post(messages, json=lookup("GET_BILL", "SRV-0001"), headers={"Accept": "application/json"}, timeout=10)
    assert bill.headers["Content-Type"].startswith("application/json")


def test_a_province_set_to_the_lgsp_dialect_refuses_basic_on_the_served_gateway(live_sandbox):
    """The admin API sets Khánh Hòa's dialect; every worker applies it (the setting lives in SQLite)."""
    changed = requests.put(
        live_sandbox.base + "/sandbox/gateway/dialects/56", json={"dialect": "lgspaccesstoken"}, headers=ADMIN, timeout=10
    )
    assert changed.status_code == 200
    for _ in range(4):
        basic = requests.post(
            live_sandbox.base + "/ngsp/token",
            data={"grant_type": "client_credentials"},
            auth=(PARTNER.gateway_key, PARTNER.gateway_secret),
            timeout=10,
        )
        assert basic.status_code == 400 and "lgspaccesstoken" in basic.json()["error_description"]
