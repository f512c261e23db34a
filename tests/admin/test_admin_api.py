"""The admin API: rules, scenarios, clock, journal and reset, all behind the admin token."""

import pytest

from tests.conftest import ADMIN, dossier

RULE = {
    "id": "portal-down",
    "match": {"system": "portal", "operation": "TraCuuHoSo"},
    "effects": [{"error": {"status": 503}}],
}


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/sandbox/rules"),
        ("post", "/sandbox/rules"),
        ("delete", "/sandbox/rules/x"),
        ("post", "/sandbox/scenarios/chaos/apply"),
        ("put", "/sandbox/clock"),
        ("post", "/sandbox/reset"),
        ("get", "/sandbox/journal"),
        ("put", "/sandbox/gateway/rights/56"),
    ],
)
def test_admin_routes_refuse_missing_or_wrong_token(client, method, path):
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        reply = getattr(client, method)(path, json=RULE, headers=headers)
        assert reply.status_code == 401, (method, path)
    assert client.get("/sandbox/rules", headers=ADMIN).get_json()["rules"] == []
    assert client.get("/sandbox/scenarios/status", headers=ADMIN).get_json() == {"running": False}


def test_a_rule_makes_the_portal_fail_in_its_own_format(client, portal):
    assert client.post("/sandbox/rules", json=RULE, headers=ADMIN).status_code == 201
    reply = client.post(
        "/dvcqg/api/service",
        json={"session": portal.session, "madonvi": portal.client.madonvi, "service": "TraCuuHoSo", "mahoso": "x"},
    )
    assert reply.status_code == 503 and "error_code" in reply.get_json()
    assert reply.headers["X-Sandbox-Fault"] == "error"
    other = portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier()])
    assert other["error_code"] == "00"
    assert client.delete("/sandbox/rules/portal-down", headers=ADMIN).status_code == 204
    assert portal.call("TraCuuHoSo", mahoso="x")["error_code"] == "00"


def test_invalid_rule_is_a_422_naming_the_field(client):
    bad = {"effects": [{"latency": {"dist": "fixed", "ms": -5}}]}
    reply = client.post("/sandbox/rules", json=bad, headers=ADMIN)
    assert reply.status_code == 422 and "effects[0]" in reply.get_json()["message"]


def test_scenario_apply_status_and_stop(client):
    listed = {s["name"] for s in client.get("/sandbox/scenarios", headers=ADMIN).get_json()}
    assert {
        "normal-day",
        "peak-hour",
        "police-db-outage",
        "flaky-payments",
        "long-tail-latency",
        "scheduled-maintenance",
        "chaos",
    } <= listed
    status = client.post("/sandbox/scenarios/police-db-outage/apply", headers=ADMIN).get_json()
    assert status["running"] and status["phase"]["name"] and status["remaining_s"] > 0
    assert client.post("/sandbox/scenarios/stop", headers=ADMIN).get_json()["running"] is False
    assert client.post("/sandbox/scenarios/nope/apply", headers=ADMIN).status_code == 404


def test_clock_scale_can_be_read_and_set(client):
    assert client.put("/sandbox/clock", json={"scale": 86400}, headers=ADMIN).get_json()["scale"] == 86400
    assert client.get("/sandbox/clock", headers=ADMIN).get_json()["scale"] == 86400
    assert client.put("/sandbox/clock", json={"scale": -1}, headers=ADMIN).status_code == 422


def test_journal_records_simulated_requests_with_filters(client, portal):
    portal.call("TraCuuHoSo", mahoso="000.00.01.H56-261126-0001")
    rows = client.get("/sandbox/journal?system=portal&operation=TraCuuHoSo", headers=ADMIN).get_json()
    assert rows["total"] >= 1 and rows["items"][0]["client"] == "H56"
    assert client.get("/sandbox/journal?system=admin", headers=ADMIN).get_json()["total"] == 0


def test_request_id_is_echoed_or_generated(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    assert client.get("/healthz").headers["X-Request-ID"]


def test_metrics_count_per_system_and_operation(client, portal):
    portal.call("TraCuuHoSo", mahoso="x")
    text = client.get("/metrics").get_data(as_text=True)
    assert "sandbox_requests_total{" in text and 'operation="TraCuuHoSo"' in text


def test_reset_one_province_leaves_the_others(client, portal, portal_for):
    portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier()])
    hanoi = portal_for("01")
    hanoi.call("DongBoHoSoMC", isUpdating="False", data=[dossier("000.00.01.H01-261126-0001")])
    reply = client.post("/sandbox/reset", json={"province": "56"}, headers=ADMIN).get_json()
    assert reply["removed"]["dossiers"] == 1
    assert hanoi.call("TraCuuHoSo", mahoso="000.00.01.H01-261126-0001")["result"]
    assert client.post("/sandbox/reset", json={}, headers=ADMIN).get_json()["reset"] == "all"
    assert client.get("/api/v1/dossiers", headers=ADMIN).get_json()["total"] == 0
