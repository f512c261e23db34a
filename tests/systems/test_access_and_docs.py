"""Gateway access rights, service listing and OpenAPI for the judicial, environment and payment systems."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN
from tests.systems.bodies import submission
from tests.systems.test_judicial_record import request_body
from tests.systems.test_payment import init_message

CALLS = [
    ("judicial_record", "/judicial_record", "/requests", "judicial_record.request", request_body),
    ("environment", "/environment", "/dossiers", "environment.submit", submission),
    ("payment", "/payment", "/init", "payment.init", init_message),
]


def revoke(client, service: str, province: str = "56") -> None:
    reply = client.put(
        f"/sandbox/gateway/rights/{province}",
        json={"service": service, "allowed": False},
        headers=ADMIN,
    )
    assert reply.status_code == 200


@pytest.mark.parametrize("system,prefix,path,service,body", CALLS, ids=[c[0] for c in CALLS])
def test_a_revoked_right_is_403_on_both_routes(client, caller, clock, system, prefix, path, service, body):
    assert caller.post(prefix + path, body()).status_code == 200
    revoke(client, service)
    reply = caller.post(prefix + path, body())
    assert reply.status_code == 403 and reply.get_json()["error"] == "access_denied"


@pytest.mark.parametrize("system,prefix,path,service,body", CALLS[:2], ids=[c[0] for c in CALLS[:2]])
def test_no_token_is_401(client, system, prefix, path, service, body):
    assert client.post(f"{prefix}{path}", json=body()).status_code == 401
    assert client.post(f"/ngsp/{system}{path}", json=body()).status_code == 401


def test_payment_takes_a_signed_message_without_token_but_checks_a_token_when_sent(client):
    """A partner calling the payment platform directly is authenticated by MaXacThuc alone."""
    assert client.post("/payment/init", json=init_message()).get_json()["MaLoi"] == "00"
    assert client.post("/ngsp/payment/init", json=init_message(), headers={"Authorization": "Bearer x"}).status_code == 401


def test_services_are_listed_on_the_gateway(client, caller):
    listing = client.get("/ngsp/services", headers=caller.headers).get_json()["services"]
    names = {s["service"] for s in listing}
    assert {
        "judicial_record.request",
        "judicial_record.result",
        "environment.submit",
        "environment.status",
        "environment.supplement",
        "payment.init",
        "payment.query",
        "payment.bill",
        "payment.receipt",
    } <= names
    assert not any(s["path"].startswith("/payment/pay") for s in listing)


def test_every_operation_documents_its_error_schema(client):
    spec = client.get("/openapi.json").get_json()
    own = {"/judicial_record": "JudicialError", "/environment": "EnvironmentError", "/payment": "PaymentError"}
    for path, item in spec["paths"].items():
        prefix = next((p for p in own if path.startswith(p)), None)
        if prefix is None:
            continue
        for method, operation in item.items():
            if method == "parameters":
                continue
            ref = operation["responses"]["404" if "404" in operation["responses"] else "422"]["content"]
            assert ref["application/json"]["schema"]["$ref"].endswith(own[prefix]), path
