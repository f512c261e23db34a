"""The Locust kit and the reference connector against a sandbox served over HTTPS (`serve --tls`)."""

from __future__ import annotations

import pytest
import requests

from loadtests import thresholds
from loadtests.processes import start_reference_connector, start_sandbox
from tests.conftest import ADMIN_TOKEN, SEED
from tests.loadtests.conftest import PUSH_SECRET

pytestmark = pytest.mark.live


@pytest.fixture
def https_sandbox(tmp_path):
    """(base URL, CA file) of a sandbox served with --tls."""
    child, base, ca_file = start_sandbox(tmp_path / "sandbox", ADMIN_TOKEN, SEED, tls=True)
    yield base, ca_file
    child.stop()


def test_kit_and_reference_connector_run_over_https_with_the_sandbox_ca(https_sandbox, tmp_path, run_kit):
    base, ca_file = https_sandbox
    assert base.startswith("https://")
    connector, connector_base = start_reference_connector(
        tmp_path, base, "56", PUSH_SECRET, "", SEED, walk_seconds=0.6, extra_args=("--ca-file", ca_file)
    )
    try:
        definition = {
            "name": "https-connector",
            "target": "connector",
            "duration": "6s",
            "users": 2,
            "spawn_rate": 2,
            "user_classes": ["DeskOfficer", "OnlineSubmissionDriver"],
            "options": {"step-pause": 0.05, "e2e-timeout": 5, "push-via": "direct"},
            "thresholds": {"failure_ratio": 0.0, "end_to_end": {"max_lost": 0}},
        }
        done, out = run_kit(
            definition, base, "--ca-file", ca_file, "--connector-url", connector_base + "/webhooks/dvcqg", "--push-secret", PUSH_SECRET
        )
        connector_stats = requests.get(connector_base + "/stats", timeout=5).json()
    finally:
        connector.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    stats = thresholds.read_locust_stats(out / "locust_stats.csv")
    # The desk officers' portal and gateway calls and the e2e watch all went over verified HTTPS.
    assert stats["DongBoHoSoMC"].count > 0 and stats["ngsp population"].count > 0
    assert stats["Aggregated"].failures == 0
    # The connector synced the pushed dossiers back through its HTTPS session to the portal.
    assert connector_stats["synced"] > 0 and connector_stats["failed"] == 0


def test_without_the_ca_file_the_kit_refuses_the_sandbox_certificate(https_sandbox, run_kit):
    base, _ = https_sandbox
    definition = {
        "name": "https-untrusted",
        "duration": "3s",
        "users": 1,
        "spawn_rate": 1,
        "user_classes": ["DeskOfficer"],
        "thresholds": {"failure_ratio": 0.0},
    }
    done, out = run_kit(definition, base)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "THRESHOLD FAILED: failure ratio 1 > 0" in done.stderr
    assert "CERTIFICATE_VERIFY_FAILED" in (out / "locust_failures.csv").read_text(encoding="utf-8")
