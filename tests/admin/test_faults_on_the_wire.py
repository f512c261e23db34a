"""Faults applied through the admin API, seen by a real HTTP client against a served process (2 workers)."""

import time

import pytest
import requests

from tests.conftest import ADMIN, Portal

pytestmark = pytest.mark.live


def test_rule_reaches_every_worker_within_a_second_and_reverts_by_expiry(live_sandbox):
    portal = Portal(live_sandbox.post, "56")
    portal.login()
    rule = {
        "id": "slow-lookup",
        "match": {"system": "portal", "operation": "TraCuuHoSo"},
        "effects": [{"error": {"status": 503}}],
        "expires_in_s": 3,
    }
    assert requests.post(live_sandbox.base + "/sandbox/rules", json=rule, headers=ADMIN, timeout=5).status_code == 201
    time.sleep(1.0)
    body = {"session": portal.session, "madonvi": portal.client.madonvi, "service": "TraCuuHoSo", "mahoso": "x"}
    # New connections spread over both workers; every one must see the rule.
    statuses = {
        requests.post(live_sandbox.base + "/dvcqg/api/service", json=body, timeout=5).status_code for _ in range(20)
    }
    assert statuses == {503}
    time.sleep(2.6)
    assert requests.post(live_sandbox.base + "/dvcqg/api/service", json=body, timeout=5).status_code == 200


def test_connection_reset_is_seen_as_a_connection_error(live_sandbox):
    rule = {"id": "reset-auth", "match": {"system": "portal", "operation": "auth"}, "effects": [{"reset": {}}]}
    requests.post(live_sandbox.base + "/sandbox/rules", json=rule, headers=ADMIN, timeout=5)
    time.sleep(1.0)
    with pytest.raises(requests.ConnectionError):
        requests.post(live_sandbox.base + "/dvcqg/api/auth", json={"username": "dvc_h56", "password": "x"}, timeout=5)


def test_admin_without_token_changes_nothing_on_the_wire(live_sandbox):
    rule = {"id": "x", "match": {"system": "portal"}, "effects": [{"reset": {}}]}
    assert requests.post(live_sandbox.base + "/sandbox/rules", json=rule, timeout=5).status_code == 401
    assert requests.get(live_sandbox.base + "/sandbox/rules", headers=ADMIN, timeout=5).json()["rules"] == []
