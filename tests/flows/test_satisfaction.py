"""Satisfaction: rating a finished dossier once, the index, and simulated citizens' ratings."""

from __future__ import annotations

from simulator.flows.satisfaction import INDICATORS, citizen_rating
from tests.conftest import ADMIN, dossier, progress
from tests.flows.conftest import SECRET, drain

CODE = "000.00.01.H56-261126-0001"
TOP = {**dict.fromkeys(INDICATORS, 2), "MucDoThuanTien": "1", "DanhGiaChung": "1"}


def finished(portal, code: str = CODE) -> None:
    portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier(code)])
    assert portal.call("CapNhatTienDoHoSoMC", data=[progress(code, s) for s in ("4", "9", "10")])["error_code"] == "00"


def bearer(portal) -> dict:
    return {"Authorization": f"Bearer {portal.session}"}


def test_a_finished_dossier_is_rated_once_by_its_province(client, portal):
    finished(portal)
    first = client.post(f"/api/v1/dossiers/{CODE}/rating", json=TOP, headers=bearer(portal))
    assert first.status_code == 201 and first.get_json()["score"] == 18
    again = client.post(f"/api/v1/dossiers/{CODE}/rating", json=TOP, headers=bearer(portal))
    assert again.status_code == 409 and "already" in again.get_json()["message"]


def test_english_aliases_are_accepted_for_the_indicators(client, portal):
    finished(portal)
    body = {english: "1" for english in INDICATORS.values()} | {"MucDoThuanTien": 2, "DanhGiaChung": "2"}
    reply = client.post(f"/api/v1/dossiers/{CODE}/rating", json=body, headers=ADMIN)
    assert reply.status_code == 201 and reply.get_json()["score"] == 9


def test_a_dossier_not_in_status_10_cannot_be_rated(client, portal):
    portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier()])
    reply = client.post(f"/api/v1/dossiers/{CODE}/rating", json=TOP, headers=bearer(portal))
    assert reply.status_code == 409 and "status 10" in reply.get_json()["message"]


def test_another_provinces_dossier_reads_as_not_found(client, portal, portal_for):
    finished(portal)
    other = portal_for("79")
    assert client.post(f"/api/v1/dossiers/{CODE}/rating", json=TOP, headers=bearer(other)).status_code == 404
    assert client.post(f"/api/v1/dossiers/{CODE}/rating", json=TOP).status_code == 401


def test_a_bad_indicator_is_a_422_naming_it(client, portal):
    finished(portal)
    for body, field in (
        ({**TOP, "ThaiDoCanBo": 3}, "ThaiDoCanBo"),
        ({**TOP, "DanhGiaChung": "4"}, "DanhGiaChung"),
        ({k: v for k, v in TOP.items() if k != "SoLanLienHe"}, "SoLanLienHe"),
        ({**TOP, "mood": 2}, "mood"),
    ):
        reply = client.post(f"/api/v1/dossiers/{CODE}/rating", json=body, headers=ADMIN)
        assert reply.status_code == 422 and field in reply.get_json()["message"], body


def test_the_index_groups_by_province_agency_procedure_and_quarter(client, portal):
    finished(portal)
    finished(portal, "000.00.01.H56-261126-0002")
    client.post(f"/api/v1/dossiers/{CODE}/rating", json=TOP, headers=ADMIN)
    low = {**dict.fromkeys(INDICATORS, 0), "MucDoThuanTien": "3", "DanhGiaChung": "3"}
    client.post("/api/v1/dossiers/000.00.01.H56-261126-0002/rating", json=low, headers=ADMIN)
    (group,) = client.get("/api/v1/satisfaction?group_by=province").get_json()["groups"]
    assert group == {"group": "56", "count": 2, "average_score": 9.0, "share_satisfied": 0.5, "reported": 0}
    for group_by, key in (("agency", "000.00.01.H56"), ("procedure", "1.001193")):
        assert client.get(f"/api/v1/satisfaction?group_by={group_by}").get_json()["groups"][0]["group"] == key
    quarter = client.get("/api/v1/satisfaction?group_by=quarter").get_json()["groups"][0]["group"]
    assert client.get(f"/api/v1/satisfaction?quarter={quarter}").get_json()["groups"][0]["count"] == 2
    assert client.get("/api/v1/satisfaction?group_by=mood").status_code == 422
    assert client.get("/api/v1/satisfaction?quarter=2026-4").status_code == 422


def test_simulated_citizens_score_late_and_supplemented_dossiers_lower():
    on_time = citizen_rating(1, "X-1", late=False, supplements=0, faults=0)
    late = citizen_rating(1, "X-1", late=True, supplements=2, faults=6)
    score = lambda r: sum(r[k] for k in INDICATORS)  # noqa: E731
    assert score(on_time) > score(late)
    assert on_time["ThoiGianGiaiQuyet"] == 2 and late["ThoiGianGiaiQuyet"] == 0 and late["SoLanLienHe"] == 0
    assert citizen_rating(1, "X-1", False, 0, 0) == on_time  # deterministic from the seed


def test_citizens_rate_their_online_dossiers_when_finished(client, runner, receiver, portal):
    client.put("/sandbox/connectors/56", json={"url": receiver.url, "secret": SECRET}, headers=ADMIN)
    client.post("/sandbox/submissions", json={"province": "56", "count": 1}, headers=ADMIN)
    drain(runner)
    pushed = receiver.of_event("dossier.submitted")[0]["data"]
    portal.call("DongBoHoSoMC", isUpdating="False", data=[pushed])
    runner.run_once()
    assert client.get("/api/v1/satisfaction").get_json()["groups"] == []
    portal.call("CapNhatTienDoHoSoMC", data=[progress(pushed["MaHoSo"], s) for s in ("2", "4", "9", "10")])
    runner.run_once()
    (group,) = client.get("/api/v1/satisfaction").get_json()["groups"]
    assert group["group"] == "56" and group["count"] == 1
