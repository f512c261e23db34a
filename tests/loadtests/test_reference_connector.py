"""The reference connector: signed pushes in, dossiers synced into the portal, forgeries and replays out."""

from __future__ import annotations

import time

import pytest
import requests

from loadtests import wire
from loadtests.processes import start_reference_connector
from loadtests.reference_connector.app import PUSH_PATH
from simulator.portal.accounts import tech_id
from tests.conftest import SEED, LiveSandbox, Portal, wait_until
from tests.loadtests.conftest import PUSH_SECRET

pytestmark = pytest.mark.live

MADONVI = "000.00.00.H56"


def push(base: str, raw: bytes, headers: dict) -> requests.Response:
    """POST a push as the portal does."""
    return requests.post(base + PUSH_PATH, data=raw, headers=headers, timeout=10)


def online_dossier(counter: int) -> dict:
    """An online dossier as the portal pushes it (status 1, channel 2, TechID as MaDoiTuong)."""
    code = wire.dossier_code("56", "connector-test", 0, counter)
    return {**wire.dossier_payload(code, status="1", channel="2"), "MaDoiTuong": f"TECH-{counter:08d}"}


def wait_for_status(portal: Portal, code: str, status: str, timeout: float = 15) -> dict:
    """TraCuuHoSo until the dossier reaches `status`; that dossier (fails naming the status after `timeout`)."""

    def reached() -> dict | None:
        result = portal.call("TraCuuHoSo", mahoso=code).get("result") or []
        return result[0] if result and result[0].get("TrangThaiHoSo") == status else None

    return wait_until(reached, timeout, f"{code} to reach status {status}", every=0.2)


def test_a_signed_push_is_acknowledged_then_synced_and_walked_to_result_returned(live_sandbox, reference_connector):
    dossier = online_dossier(1)
    raw, headers = wire.signed_push(PUSH_SECRET, "dossier.submitted", MADONVI, dossier)
    response = push(reference_connector, raw, headers)
    assert response.status_code == 202, response.text
    portal = Portal(live_sandbox.post)
    portal.login()
    found = wait_for_status(portal, dossier["MaHoSo"], "10")
    assert found.get("TrangThaiHoSo") == "10", found
    assert [p["TrangThai"] for p in found["QuaTrinhXuLy"]] == ["4", "9", "10"]
    # Linked as OpenCPS links it: TraCuuTechID by the applicant's number gives the account id.
    assert found["KenhThucHien"] == "2" and found["MaDoiTuong"] == tech_id(SEED, dossier["SoGiayToChuHoSo"])
    stats = requests.get(reference_connector + "/stats", timeout=5).json()
    assert stats["received"] == 1 and stats["synced"] == 1 and stats["failed"] == 0


def test_a_forged_signature_is_refused_and_nothing_is_synced(live_sandbox, reference_connector):
    dossier = online_dossier(2)
    raw, headers = wire.signed_push("not-the-secret", "dossier.submitted", MADONVI, dossier)
    assert push(reference_connector, raw, headers).status_code == 401
    tampered_raw, good_headers = wire.signed_push(PUSH_SECRET, "dossier.submitted", MADONVI, dossier)
    tampered = tampered_raw.replace(b"Nguy", b"NGUY")  # body changed after signing
    assert push(reference_connector, tampered, good_headers).status_code == 401
    wait_until(lambda: requests.get(reference_connector + "/stats", timeout=5).json()["rejected"] == 2, what="both refusals")
    portal = Portal(live_sandbox.post)
    portal.login()
    assert portal.call("TraCuuHoSo", mahoso=dossier["MaHoSo"])["result"] == []


def test_a_replayed_push_with_an_old_timestamp_is_refused(reference_connector):
    old = int(time.time()) - 3600
    raw, headers = wire.signed_push(PUSH_SECRET, "dossier.submitted", MADONVI, online_dossier(3), timestamp=old)
    response = push(reference_connector, raw, headers)
    assert response.status_code == 401
    assert "timestamp" in response.json()["error"]


def test_the_same_delivery_twice_is_acknowledged_but_processed_once(reference_connector):
    raw, headers = wire.signed_push(PUSH_SECRET, "dossier.submitted", MADONVI, online_dossier(4))
    assert push(reference_connector, raw, headers).status_code == 202
    again = push(reference_connector, raw, headers)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    stats = requests.get(reference_connector + "/stats", timeout=5).json()
    assert stats["received"] == 2 and stats["duplicates"] == 1


def test_a_dossier_already_on_the_portal_is_updated_not_refused(live_sandbox, reference_connector):
    """The real flow: the portal already holds the online dossier (status 1); the connector must update it."""
    dossier = online_dossier(5)
    portal = Portal(live_sandbox.post)
    portal.login()
    created = portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier])
    assert created["error_code"] == "00", created
    raw, headers = wire.signed_push(PUSH_SECRET, "dossier.submitted", MADONVI, dossier)
    assert push(reference_connector, raw, headers).status_code == 202
    assert wait_for_status(portal, dossier["MaHoSo"], "10").get("TrangThaiHoSo") == "10"


def test_a_push_acknowledged_while_the_portal_is_down_is_synced_once_it_is_back(live_sandbox, tmp_path):
    child, base = start_reference_connector(
        tmp_path,
        live_sandbox.base,
        "56",
        PUSH_SECRET,
        "",
        SEED,
        0.6,
        ("--retry-attempts", "40", "--retry-base", "0.1", "--retry-cap", "0.5"),
    )
    try:
        live_sandbox.stop()
        dossier = online_dossier(6)
        raw, headers = wire.signed_push(PUSH_SECRET, "dossier.submitted", MADONVI, dossier)
        assert push(base, raw, headers).status_code == 202  # acknowledged: the connector owns it now
        wait_until(lambda: requests.get(base + "/stats", timeout=5).json()["retries"] >= 1, what="a retry against the portal that is down")
        restarted = LiveSandbox(live_sandbox.db_path)
        restarted.port, restarted.base = live_sandbox.port, live_sandbox.base
        restarted.start()
        try:
            portal = Portal(restarted.post)
            portal.login()
            assert wait_for_status(portal, dossier["MaHoSo"], "10", timeout=30).get("TrangThaiHoSo") == "10"
            stats = requests.get(base + "/stats", timeout=5).json()
            assert stats["retries"] >= 1 and stats["synced"] == 1 and stats["failed"] == 0
        finally:
            restarted.stop()
    finally:
        child.stop()
