"""The dashboard's state endpoint: auth, health from rules and traffic, counts from SQL."""

from __future__ import annotations

import time

from simulator.clock import shared_clock
from simulator.dashboard import health
from simulator.db import database
from simulator.faults.rules import validate_rule
from simulator.systems import registry
from tests.conftest import ADMIN, dossier, wait_until
from tests.flows.conftest import set_sim_time


def state(client) -> dict:
    response = client.get("/sandbox/dashboard/state", headers=ADMIN)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def systems(body: dict) -> dict:
    return {s["name"]: s for s in body["systems"]}


def test_state_requires_the_admin_token(client):
    assert client.get("/sandbox/dashboard/state").status_code == 401
    wrong = client.get("/sandbox/dashboard/state", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_page_loads_without_a_token_and_serves_its_own_scripts(client):
    page = client.get("/dashboard")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/dashboard/static/app.js" in html
    assert "http://" not in html and "https://" not in html  # nothing from a CDN
    for name in ("app.js", "map.js", "panels.js", "controls.js", "api.js", "i18n.js", "svg.js", "dashboard.css"):
        assert client.get(f"/dashboard/static/{name}").status_code == 200, name


def test_every_system_of_the_map_is_healthy_on_a_quiet_sandbox(client):
    body = state(client)
    assert [s["name"] for s in body["systems"]] == list(registry.names())  # every system, in the registry's order
    assert {s["health"] for s in body["systems"]} == {"healthy"}
    assert len(body["provinces"]) == 34
    assert body["scenario"] == {"running": False}


def test_population_turns_failing_while_a_503_rule_is_active(client):
    rule = {"id": "pop-down", "match": {"system": "population"}, "effects": [{"error": {"status": 503}}], "expires_in_s": 60}
    assert client.post("/sandbox/rules", json=rule, headers=ADMIN).status_code == 201
    body = systems(state(client))
    assert body["population"]["health"] == "failing"
    assert body["population"]["health_by_rules"] == "failing"
    assert any("error" in reason for reason in body["population"]["reasons"])
    assert body["portal"]["health"] == "healthy"
    assert client.delete("/sandbox/rules/pop-down", headers=ADMIN).status_code == 204
    assert systems(state(client))["population"]["health"] == "healthy"


def test_an_expired_rule_no_longer_counts(client):
    rule = {"id": "gone", "match": {"system": "population"}, "effects": ["reset"], "expires_in_s": 0.2}
    client.post("/sandbox/rules", json=rule, headers=ADMIN)
    assert systems(state(client))["population"]["health"] == "failing"
    wait_until(lambda: systems(state(client))["population"]["health"] == "healthy", what="the expired rule to stop counting")


def test_a_long_latency_rule_makes_a_system_slow_and_a_baseline_delay_does_not():
    slow = validate_rule({"match": {"system": "payment"}, "effects": [{"latency": {"dist": "fixed", "seconds": 5}}]})
    base = validate_rule({"match": {"system": "payment"}, "effects": [{"latency": {"dist": "lognormal", "median_s": 0.5, "sigma": 0.5}}]})
    assert health.health_from_rules([slow], "payment")[0] == "slow"
    assert health.health_from_rules([base], "payment")[0] == "healthy"
    assert health.health_from_rules([slow], "population")[0] == "healthy"


def test_a_rare_or_partial_failure_is_slow_not_failing():
    rare = validate_rule({"match": {"system": "population", "probability": 0.1}, "effects": [{"error": {"status": 504}}]})
    one_province = validate_rule({"match": {"system": "population", "client": "H56"}, "effects": ["reset"]})
    anywhere = validate_rule({"effects": ["hang"]})  # no system: matches every system
    assert health.health_from_rules([rare], "population")[0] == "slow"
    assert health.health_from_rules([one_province], "population")[0] == "slow"
    assert health.health_from_rules([anywhere], "environment")[0] == "failing"


def test_observed_errors_and_latency_set_health_from_traffic():
    assert health.health_from_traffic({"requests": 10, "rps": 1, "error_rate": 0.6, "p95_ms": 10})[0] == "failing"
    assert health.health_from_traffic({"requests": 10, "rps": 1, "error_rate": 0.2, "p95_ms": 10})[0] == "slow"
    assert health.health_from_traffic({"requests": 10, "rps": 1, "error_rate": 0.0, "p95_ms": 2500})[0] == "slow"
    assert health.health_from_traffic({"requests": 2, "rps": 1, "error_rate": 1.0, "p95_ms": 10})[0] == "healthy"


def test_portal_traffic_shows_as_requests_per_second_and_journal_rows(client, portal):
    for i in range(1, 4):
        portal.call("TraCuuHoSo", mahoso=f"000.00.01.H56-261126-000{i}")
    body = state(client)
    portal_system = systems(body)["portal"]
    assert portal_system["requests"] >= 4  # the handshake and three look-ups
    assert portal_system["rps"] > 0
    assert portal_system["p95_ms"] is not None
    assert body["journal"][0]["system"] == "portal"
    assert len(body["journal"]) <= 15


def test_counts_match_dossiers_synced_through_the_portal(client, portal_for):
    khanh_hoa, ha_noi = portal_for("56"), portal_for("01")
    codes = [f"000.00.01.H56-261126-000{i}" for i in range(1, 4)]
    reply = khanh_hoa.call("DongBoHoSoMC", isUpdating="False", data=[dossier(code) for code in codes])
    assert reply["error_code"] == "00", reply
    khanh_hoa.call("CapNhatTienDoHoSoMC", data=[{**_progress(codes[0]), "TrangThai": "4"}])
    hanoi_dossier = dossier("000.00.01.H01-261126-0001", DonViXuLy="UBND Phường Ba Đình")
    assert ha_noi.call("DongBoHoSoMC", isUpdating="False", data=[hanoi_dossier])["error_code"] == "00"

    counts = state(client)["dossiers"]
    assert counts["by_province"] == {"56": {"2": 2, "4": 1}, "01": {"2": 1}}
    assert counts["total"] == 4
    listed = client.get("/api/v1/dossiers?province=56", headers=ADMIN).get_json()
    assert listed["total"] == 3


def _progress(code: str) -> dict:
    return {"MaHoSo": code, "NguoiXuLy": "Trần Thị Bình", "ThoiDiemXuLy": "20261126100000", "TrangThai": "4"}


def test_lost_and_overdue_match_the_flow_stats(app, client):
    reply = client.post("/sandbox/submissions", json={"province": "56", "count": 3}, headers=ADMIN)
    assert reply.status_code == 201, reply.get_json()
    db_path = app.config["SANDBOX"]["db"]
    now_sim = shared_clock(db_path).timestamp()
    # Two of them were pushed (the runner does not run here), then 30 simulated days pass.
    database(db_path).execute(
        "UPDATE online_submissions SET pushed_at = ?, pushed_sim = ? WHERE rowid IN (SELECT rowid FROM online_submissions LIMIT 2)",
        [time.time(), now_sim],
    )
    set_sim_time(db_path, now_sim + 30 * 86400)
    stats = client.get("/sandbox/flows/stats", headers=ADMIN).get_json()
    flows = state(client)["flows"]
    assert (stats["submitted"], stats["lost"], stats["overdue"]) == (3, 2, 3)
    assert flows["totals"] == {"submitted": 3, "synced_back": 0, "waiting": 3, "lost": 2, "overdue": 3}
    assert flows["by_province"]["56"] == flows["totals"]


def test_state_is_documented_in_openapi(client):
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"]["/sandbox/dashboard/state"]["get"]
    assert "401" in operation["responses"]
    schema = spec["components"]["schemas"]["DashboardState"]
    assert {"systems", "scenario", "dossiers", "flows", "journal", "satisfaction"} <= set(schema["properties"])
