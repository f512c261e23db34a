"""The dashboard in a real headless Chromium against a real served sandbox."""

from __future__ import annotations

import os
import shutil
import time

import pytest
import requests

from simulator.flows.satisfaction import INDICATORS
from tests.conftest import ADMIN, ROOT, Portal, dossier
from tests.dashboard.conftest import ARTIFACTS, enter_token

pytestmark = pytest.mark.live


def wait_for_map(page) -> None:
    """Wait until the first state reply has drawn the map (34 chips, health on every system)."""
    page.wait_for_selector('g.sys[data-system="population"] g[data-health]', timeout=10_000)
    assert page.locator("g.chip").count() == 34


def test_page_loads_without_console_errors_and_asks_for_the_token(page, dashboard_sandbox):
    page.goto(dashboard_sandbox.base + "/dashboard")
    assert page.locator("#token-dialog").is_visible()
    assert page.locator("g.chip").count() == 0  # nothing is fetched before the token
    assert page.console_errors == []


def test_entering_the_admin_token_draws_the_live_map(page, dashboard_sandbox):
    enter_token(page, dashboard_sandbox.base)
    wait_for_map(page)
    assert not page.locator("#token-dialog").is_visible()
    assert page.locator('g.sys[data-system="population"]').get_attribute("data-health") == "healthy"
    page.wait_for_selector('#scenario-select option[value="police-db-outage"]', state="attached")  # from /sandbox/scenarios
    assert page.evaluate("sessionStorage.getItem('dashboard.adminToken')") is not None
    assert page.console_errors == []


def test_a_wrong_token_is_refused_and_asked_again(page, dashboard_sandbox):
    enter_token(page, dashboard_sandbox.base, token="not-the-token")
    page.wait_for_selector("#token-dialog:not([hidden])")
    assert page.locator("#token-error").inner_text() != ""
    # The page reports the refused call itself; anything else would be a real error.
    assert all("401" in e for e in page.console_errors)


def test_taking_population_down_shows_it_failing_within_five_seconds(page, dashboard_sandbox):
    enter_token(page, dashboard_sandbox.base)
    wait_for_map(page)
    page.select_option("#fault-system", "population")
    page.select_option("#fault-mode", "down")
    page.fill("#fault-minutes", "1")
    started = time.monotonic()
    page.click("#fault-apply")
    page.wait_for_selector('g.sys[data-system="population"][data-health="failing"]', timeout=5_000)
    elapsed = time.monotonic() - started
    rules = requests.get(dashboard_sandbox.base + "/sandbox/rules", headers=ADMIN, timeout=5).json()["rules"]
    rule = next(r for r in rules if r["id"] == "dashboard-population-down")
    assert rule["effects"] == [{"error": {"status": 503}}]
    assert rule["expires_at"] - time.time() == pytest.approx(60, abs=10)
    assert page.locator('#rules li[data-rule="dashboard-population-down"]').is_visible()
    assert elapsed < 5
    assert page.console_errors == []


def test_english_toggle_is_remembered(page, dashboard_sandbox):
    enter_token(page, dashboard_sandbox.base)
    wait_for_map(page)
    page.click("#lang-toggle")
    assert page.locator("h1").inner_text() == "Public-service interconnection — sandbox"
    page.reload()
    assert page.locator("h1").inner_text() == "Public-service interconnection — sandbox"
    page.click("#lang-toggle")  # back to Vietnamese for the other tests' screenshots
    assert page.evaluate("localStorage.getItem('dashboard.lang')") == "vi"


def sync_some_dossiers(sandbox, province: str, count: int, finished: int, score: int) -> None:
    """A province connector syncs `count` dossiers, returns `finished` of them, and citizens rate those."""
    portal = Portal(sandbox.post, province)
    portal.login()
    codes = [f"000.00.01.H{province}-261126-{i:04d}" for i in range(1, count + 1)]
    reply = portal.call("DongBoHoSoMC", isUpdating="False", data=[dossier(code, DonViXuLy="UBND") for code in codes])
    assert reply["error_code"] == "00", reply
    steps = [("4", "20261126100000")] * (count // 2) + [("9", "20261127100000"), ("10", "20261128100000")]
    for i, code in enumerate(codes[: max(finished, count // 2)]):
        path = steps[:1] if i >= finished else [("4", "20261126100000"), ("9", "20261127100000"), ("10", "20261128100000")]
        entries = [{"MaHoSo": code, "NguoiXuLy": "Trần Thị Bình", "ThoiDiemXuLy": at, "TrangThai": st} for st, at in path]
        assert portal.call("CapNhatTienDoHoSoMC", data=entries)["error_code"] == "00"
    for code in codes[:finished]:
        rating = {**dict.fromkeys(INDICATORS, score), "MucDoThuanTien": "1" if score == 2 else "2", "DanhGiaChung": "1"}
        done = requests.post(f"{sandbox.base}/api/v1/dossiers/{code}/rating", json=rating, headers=ADMIN, timeout=5)
        assert done.status_code == 201, done.text


def test_a_demo_screenshot_is_saved(page, dashboard_sandbox):
    """Some provinces at work, the police outage applied, arrivals for Khánh Hòa: photograph the dashboard."""
    base = dashboard_sandbox.base
    sync_some_dossiers(dashboard_sandbox, "56", 8, 3, 2)
    sync_some_dossiers(dashboard_sandbox, "01", 5, 2, 1)
    sync_some_dossiers(dashboard_sandbox, "79", 6, 2, 2)
    enter_token(page, base)
    wait_for_map(page)
    page.wait_for_selector('#scenario-select option[value="police-db-outage"]', state="attached")
    page.select_option("#scenario-select", "police-db-outage")
    page.click("#scenario-form button[type=submit]")
    page.select_option("#arrivals-province", "56")
    page.fill("#arrivals-rate", "30")
    page.click("#arrivals-form button[type=submit]")
    page.wait_for_selector("#scenario b", timeout=5_000)
    # Population down as in the outage phase, so the picture shows the failure the demo is about.
    requests.post(
        base + "/sandbox/rules",
        headers=ADMIN,
        timeout=5,
        json={"id": "demo-outage", "match": {"system": "population"}, "effects": ["reset"], "expires_in_s": 60},
    )
    page.wait_for_selector('g.sys[data-system="population"][data-health="failing"]', timeout=5_000)
    page.wait_for_function("Number(document.querySelector('[data-figure=submitted] b').textContent) > 0", timeout=15_000)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "dashboard.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("SANDBOX_UPDATE_DOCS_SCREENSHOT") == "1":
        # Opt-in, so an ordinary test run never leaves a committed file modified.
        shutil.copyfile(shot, ROOT / "docs" / "dashboard.png")
    requests.delete(base + "/sandbox/arrivals", headers=ADMIN, timeout=5)
    requests.post(base + "/sandbox/scenarios/stop", headers=ADMIN, timeout=5)
    assert page.console_errors == []
