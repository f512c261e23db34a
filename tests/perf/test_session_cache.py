"""The portal's per-worker session cache sees every ended session within a second, in every worker."""

from __future__ import annotations

import time

import requests

from simulator.clients import by_province
from simulator.portal import sessions
from simulator.rotation import rotate
from tests.conftest import ADMIN, SEED, seen_within, two_workers


def test_a_session_ended_by_another_worker_stops_working_within_the_refresh_interval(tmp_path):
    worker_a, worker_b = two_workers(tmp_path)
    token = sessions.open_session(worker_b, "56", "u56", 3600)
    assert sessions.session_province(worker_a, token) == ("56", "")  # now cached in worker A
    rotate(worker_b, SEED, "56")  # a credential rotation ends the province's sessions
    seen_within(lambda: sessions.session_province(worker_a, token)[0] is None, 1.0)  # the documented second
    assert "invalid session" in sessions.session_province(worker_a, token)[1]


def test_the_worker_that_ends_a_session_sees_it_at_once(tmp_path):
    worker_a, _ = two_workers(tmp_path)
    token = sessions.open_session(worker_a, "56", "u56", 3600)
    assert sessions.session_province(worker_a, token)[0] == "56"
    worker_a.execute("DELETE FROM portal_sessions WHERE province = '56'")
    assert sessions.session_province(worker_a, token)[0] is None


def test_a_session_opened_in_another_worker_works_at_once(tmp_path):
    worker_a, worker_b = two_workers(tmp_path)
    sessions.session_province(worker_a, "warm-the-cache")
    token = sessions.open_session(worker_b, "01", "u01", 3600)
    assert sessions.session_province(worker_a, token) == ("01", "")


def test_an_expired_session_is_refused_even_when_cached(tmp_path):
    worker_a, _ = two_workers(tmp_path)
    token = sessions.open_session(worker_a, "56", "u56", 0.05)
    assert sessions.session_province(worker_a, token)[0] == "56"
    time.sleep(0.06)  # the behaviour itself: time passes beyond the session's 50 ms lifetime
    assert sessions.session_province(worker_a, token) == (None, "Session đã hết hạn (session expired): đăng nhập lại qua /dvcqg/api/auth")


def _lookups(base: str, session: str, n: int = 30) -> set[str]:
    # A fresh connection per call spreads the calls over both workers.
    body = {"session": session, "madonvi": by_province(SEED, "56").madonvi, "service": "TraCuuHoSo", "mahoso": "000.00.01.H56-261126-0001"}
    return {requests.post(base + "/dvcqg/api/service", json=body, timeout=10).json()["error_code"] for _ in range(n)}


def test_on_a_served_process_every_worker_refuses_a_rotated_session_within_a_second(live_sandbox):
    connector = by_province(SEED, "56")
    login = live_sandbox.post("/dvcqg/api/auth", {"username": connector.username, "password": connector.password})
    assert _lookups(live_sandbox.base, login["session"]) == {"00"}  # both workers have the session cached
    requests.post(live_sandbox.base + "/sandbox/credentials/56/rotate", headers=ADMIN, timeout=10).raise_for_status()
    time.sleep(1.0)  # the documented promise: within one second, in every worker
    assert _lookups(live_sandbox.base, login["session"]) == {"-2"}
