"""The load kit against a served sandbox: the reference connector registered through the admin
API, end-to-end figures from the portal, a fault scenario applied for a run, desk officers
looking citizens up through the gateway."""

from __future__ import annotations

import time

import pytest
import requests

from loadtests import thresholds
from loadtests.processes import start_reference_connector
from tests.conftest import ADMIN, ADMIN_TOKEN, ROOT, SEED, wait_until
from tests.loadtests.conftest import PUSH_SECRET, connector_run

pytestmark = pytest.mark.live


@pytest.fixture
def registered_connector(live_sandbox, tmp_path):
    """The reference connector, registered with the sandbox through the admin API on start."""
    child, base = start_reference_connector(tmp_path, live_sandbox.base, "56", PUSH_SECRET, ADMIN_TOKEN, SEED, walk_seconds=0.6)
    yield base
    child.stop()


def test_portal_pushes_reach_the_registered_reference_connector_and_come_back_synced(live_sandbox, registered_connector):
    since = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    response = requests.post(live_sandbox.base + "/sandbox/submissions", json={"province": "56", "count": 3}, headers=ADMIN, timeout=10)
    assert response.status_code < 300, response.text

    def finished() -> dict | None:
        stats = requests.get(registered_connector + "/stats", timeout=5).json()
        return stats if stats.get("finished", 0) >= 3 else None

    stats = wait_until(finished, 20, "the connector to finish the 3 dossiers")
    assert stats["synced"] == 3 and stats["rejected"] == 0, stats
    flows = requests.get(live_sandbox.base + "/sandbox/flows/stats", params={"province": "56", "since": since}, headers=ADMIN).json()
    assert flows.get("lost", 0) == 0


def test_a_connector_run_takes_end_to_end_figures_from_the_portal(live_sandbox, registered_connector, run_kit):
    definition = connector_run("merged-connector")
    done, out = run_kit(definition, live_sandbox.base, "--connector-url", registered_connector + "/webhooks/dvcqg")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "from sandbox /sandbox/flows/stats" in (out / "summary.md").read_text(encoding="utf-8")


def test_a_fault_scenario_is_applied_for_the_run_and_stopped_after(live_sandbox, run_kit):
    files = sorted((ROOT / "scenarios").glob("*.yaml"))
    assert files, "the shipped scenarios are missing"
    definition = {"name": "scenario", "duration": "6s", "users": 2, "scenario": files[0].stem}
    done, out = run_kit(definition, live_sandbox.base)
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert f"scenario {files[0].stem}: applied" in summary and "scenario stop: HTTP 2" in summary


def test_desk_officers_look_citizens_up_through_the_gateway(live_sandbox, run_kit):
    definition = {"name": "gateway", "duration": "6s", "users": 2, "user_classes": ["DeskOfficer"]}
    done, out = run_kit(definition, live_sandbox.base)
    stats = thresholds.read_locust_stats(out / "locust_stats.csv")
    assert stats["ngsp population"].count > 0 and stats["ngsp population"].failures == 0
