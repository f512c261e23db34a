"""Faults applied through the admin API, seen by a real HTTP client against a served process (2 workers)."""

import pytest
import requests

from tests.conftest import ADMIN, Portal, connection_refused, wait_until

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
    body = {"session": portal.session, "madonvi": portal.client.madonvi, "service": "TraCuuHoSo", "mahoso": "x"}

    def statuses() -> set[int]:
        # New connections spread over both workers; every one must see the rule.
        return {requests.post(live_sandbox.base + "/dvcqg/api/service", json=body, timeout=5).status_code for _ in range(20)}

    wait_until(lambda: statuses() == {503}, timeout=10, what="every worker to apply the rule")
    reply = requests.post(live_sandbox.base + "/dvcqg/api/service", json=body, timeout=5)
    assert reply.status_code == 503 and reply.json()["error_code"] == "-1"  # in the portal's own shape
    wait_until(lambda: statuses() == {200}, timeout=10, what="the rule to expire on every worker")


def test_connection_reset_is_seen_as_a_connection_error(live_sandbox):
    rule = {"id": "reset-auth", "match": {"system": "portal", "operation": "auth"}, "effects": [{"reset": {}}]}
    requests.post(live_sandbox.base + "/sandbox/rules", json=rule, headers=ADMIN, timeout=5)
    auth = {"username": "dvc_h56", "password": "x"}
    wait_until(
        lambda: connection_refused(lambda: requests.post(live_sandbox.base + "/dvcqg/api/auth", json=auth, timeout=5)),
        what="the reset to apply",
    )


def test_admin_without_token_changes_nothing_on_the_wire(live_sandbox):
    rule = {"id": "x", "match": {"system": "portal"}, "effects": [{"reset": {}}]}
    assert requests.post(live_sandbox.base + "/sandbox/rules", json=rule, timeout=5).status_code == 401
    assert requests.get(live_sandbox.base + "/sandbox/rules", headers=ADMIN, timeout=5).json()["rules"] == []
