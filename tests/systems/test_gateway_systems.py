"""The ministry systems on the NGSP gateway: listed services, tokens and access rights."""

from __future__ import annotations

from tests.conftest import ADMIN
from tests.systems.bodies import request_fields

SERVICES = {
    "population.verify",
    "population.lookup",
    "social_insurance.participant",
    "social_insurance.contributions",
    "social_insurance.card-validity",
    "business_registration.detail",
    "civil_status.birth",
    "civil_status.death",
    "civil_status.marriage",
    "civil_status.marital-status",
    "civil_status.dossiers",
    "civil_status.dossier",
}


def test_services_listing_includes_every_system_service(gw):
    listing = gw.client.get("/ngsp/services", headers=gw.headers).get_json()["services"]
    listed = {s["service"] for s in listing}
    assert SERVICES <= listed
    verify = next(s for s in listing if s["service"] == "population.verify")
    assert verify["gateway_path"] == "/ngsp/population/verify" and verify["allowed"] is True


def test_revoked_right_is_403_then_restored(gw, client):
    change = client.put("/sandbox/gateway/rights/56", json={"service": "population.lookup", "allowed": False}, headers=ADMIN)
    assert change.status_code == 200 and change.get_json() == {"service": "population.lookup", "allowed": False}
    reply = gw.post("/population/lookup", request_fields("001088000004"))
    assert reply.status_code == 403 and reply.get_json()["error"] == "access_denied"
    verified = gw.post("/population/verify", request_fields("001088000004"))
    assert verified.status_code == 200 and verified.get_json()["TonTai"] is True
    client.put("/sandbox/gateway/rights/56", json={"service": "population.lookup", "allowed": None}, headers=ADMIN)
    restored = gw.post("/population/lookup", request_fields("001088000004"))
    assert restored.status_code == 200 and restored.get_json()["error_code"] == "0"


def test_calls_without_a_token_are_401_on_both_paths(client):
    for path in ("/ngsp/population/verify", "/population/verify"):
        reply = client.post(path, json=request_fields("001088000004"))
        assert reply.status_code == 401 and reply.get_json()["error"] == "invalid_token"
    reply = client.get("/ngsp/civil_status/dossiers")
    assert (
        reply.status_code == 401 and reply.get_json()["error"] == "invalid_token" and "/ngsp/token" in reply.get_json()["error_description"]
    )


def test_unknown_path_on_a_system_is_404(gw):
    reply = gw.get("/population/nothing")
    assert reply.status_code == 404 and reply.get_json() == {
        "error": "unknown_service",
        "error_description": "population has no path /nothing",
    }
