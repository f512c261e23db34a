"""The gateway's per-worker token cache sees every token, right and credential change within a second."""

from __future__ import annotations

import time

import requests

from simulator.gateway import registry, tokens
from simulator.rotation import rotate
from tests.conftest import ADMIN, SEED, seen_within, two_workers, wait_until, worker_of

LOOKUP = {"MaYeuCau": "CACHE-1", "MaDVC": "000.00.00.H56", "MaTichHop": "t", "MaCanBo": "t", "SoDinhDanh": "001000000000"}


def test_a_token_deleted_by_another_worker_stops_working_within_the_refresh_interval(tmp_path):
    worker_a, worker_b = two_workers(tmp_path)
    token = tokens.issue(worker_b, "56", 3600)
    assert tokens.lookup(worker_a, token)[0] == "56"  # now cached in worker A
    rotate(worker_b, SEED, "56")  # a credential rotation ends the province's tokens
    assert seen_within(lambda: tokens.lookup(worker_a, token) is None, 1.0)  # the documented second


def test_a_right_revoked_by_another_worker_applies_within_the_refresh_interval(tmp_path):
    worker_a, worker_b = two_workers(tmp_path)
    token = tokens.issue(worker_a, "56", 3600)

    def allowed() -> bool:
        environ: dict = {}
        province, _ = tokens.province_for(worker_a, token, environ)
        return registry.is_allowed(worker_a, province, "population.lookup", tokens.rights_overrides(environ, token))

    assert allowed()
    registry.set_right(worker_b, "56", "population.lookup", False)
    assert seen_within(lambda: not allowed(), 1.0)  # the documented second
    registry.set_right(worker_b, "56", "population.lookup", None)
    assert seen_within(allowed, 1.0)  # the documented second


def test_the_worker_that_changes_a_right_sees_it_at_once(tmp_path):
    worker_a, _ = two_workers(tmp_path)
    token = tokens.issue(worker_a, "56", 3600)
    tokens.lookup(worker_a, token)
    registry.set_right(worker_a, "56", "population.lookup", False)
    environ: dict = {}
    province, _ = tokens.province_for(worker_a, token, environ)
    assert registry.is_allowed(worker_a, province, "population.lookup", tokens.rights_overrides(environ, token)) is False


def test_an_expired_token_is_refused_even_when_cached(tmp_path):
    worker_a, _ = two_workers(tmp_path)
    token = tokens.issue(worker_a, "56", 0)
    tokens.lookup(worker_a, token)
    time.sleep(0.01)  # the behaviour itself: time passes beyond the token's zero lifetime
    assert tokens.province_for(worker_a, token) == (None, "the access token expired")


def answered_by_every_worker(base: str, token: str, status: int) -> bool:
    """Whether lookups on fresh connections (spread over both workers) reached both and all got `status`."""
    by_worker: dict[str, set[int]] = {}
    for _ in range(30):
        reply = requests.post(base + "/ngsp/population/lookup", json=LOOKUP, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        by_worker.setdefault(worker_of(reply), set()).add(reply.status_code)
    return len(by_worker) == 2 and all(statuses == {status} for statuses in by_worker.values())


def test_on_a_served_process_every_worker_applies_a_right_change_and_a_rotation(live_sandbox):
    base = live_sandbox.base
    token = live_sandbox.token("56")
    wait_until(lambda: answered_by_every_worker(base, token, 200), what="both workers to cache the token")
    put = requests.put(
        base + "/sandbox/gateway/rights/56", json={"service": "population.lookup", "allowed": False}, headers=ADMIN, timeout=10
    )
    assert put.status_code == 200
    wait_until(lambda: answered_by_every_worker(base, token, 403), what="every worker to refuse the revoked right")
    requests.put(
        base + "/sandbox/gateway/rights/56", json={"service": "population.lookup", "allowed": None}, headers=ADMIN, timeout=10
    ).raise_for_status()
    wait_until(lambda: answered_by_every_worker(base, token, 200), what="every worker to allow the restored right")
    requests.post(base + "/sandbox/credentials/56/rotate", headers=ADMIN, timeout=10).raise_for_status()
    wait_until(lambda: answered_by_every_worker(base, token, 401), what="every worker to refuse the rotated token")
