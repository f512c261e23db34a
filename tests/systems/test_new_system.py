"""A new ministry system is one module plus its tests: the test-only land registry, declared
once, is routed, guarded, journaled, faulted and drawn like every real system."""

from __future__ import annotations

import pytest

from simulator.app import create_app
from simulator.systems import registry
from tests.conftest import ADMIN, ADMIN_TOKEN, SEED, Caller
from tests.systems import land_registry


@pytest.fixture
def app(tmp_path):
    """An app built while the land registry is declared (it is withdrawn after the test)."""
    registry.declare(land_registry.SPEC)
    try:
        yield create_app({"db": str(tmp_path / "sandbox.db"), "seed": SEED, "admin_token": ADMIN_TOKEN, "TESTING": True})
    finally:
        registry.withdraw(land_registry.NAME)


def test_the_declared_system_answers_on_its_prefix_and_through_the_gateway(caller):
    reply = caller.post("/land_registry/parcels", {"soToBanDo": "12", "soThua": "345"})
    body = reply.get_json()
    assert reply.status_code == 200 and body["soThua"] == "345" and 50 <= body["dienTich"] <= 1000


def test_its_errors_use_its_own_declared_body(caller):
    missing = caller.post("/land_registry/parcels", {"soToBanDo": "0", "soThua": "1"})
    assert missing.status_code == 404 and missing.get_json()["maLoi"] == "404" and "not found" in missing.get_json()["moTa"]
    invalid = caller.post("/land_registry/parcels", {"soToBanDo": "x"})
    assert invalid.status_code == 422 and "soThua" in invalid.get_json()["moTa"]


def test_the_gateway_lists_and_guards_its_service(client, gw):
    listing = client.get("/ngsp/services", headers=gw.headers).get_json()["services"]
    assert {"service": "land_registry.parcel", "gateway_path": "/ngsp/land_registry/parcels"}.items() <= next(
        s for s in listing if s["service"] == "land_registry.parcel"
    ).items()
    assert client.post("/ngsp/land_registry/parcels", json={"soToBanDo": "1", "soThua": "1"}).status_code == 401


def test_an_injected_fault_answers_in_its_format_and_the_dashboard_draws_it(client, gw):
    rule = {"match": {"system": "land_registry", "operation": "parcels"}, "effects": [{"error": {"status": 503}}]}
    assert client.post("/sandbox/rules", json=rule, headers=ADMIN).status_code == 201
    reply = gw.post("/land_registry/parcels", {"soToBanDo": "1", "soThua": "1"})
    assert reply.status_code == 503 and set(reply.get_json()) == {"maLoi", "moTa"}
    state = client.get("/sandbox/dashboard/state", headers=ADMIN).get_json()
    assert "land_registry" in [s["name"] for s in state["systems"]]


def test_a_new_province_caller_reaches_it_with_its_own_token(client):
    other = Caller(client, "79", via_gateway=True)
    assert other.post("/land_registry/parcels", {"soToBanDo": "2", "soThua": "7"}).status_code == 200


def test_its_view_is_documented_with_its_reply_its_errors_and_the_gateways(client):
    operation = client.get("/openapi.json").get_json()["paths"]["/land_registry/parcels"]["post"]
    assert operation["security"] == [{"bearer": []}] and "requestBody" in operation
    assert set(operation["responses"]) >= {"200", "401", "403", "404", "422"}
    error = operation["responses"]["404"]["content"]["application/json"]["schema"]["$ref"]
    assert error.endswith("/LandError")
