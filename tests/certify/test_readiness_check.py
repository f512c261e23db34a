"""The readiness check on served processes: the reference connector passes the full profile, and each
deliberately broken variant fails exactly the requirement it breaks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest
import requests

from simulator.certify.options import Options
from simulator.certify.runner import run_check
from tests.certify.conftest import PUSH_SECRET
from tests.conftest import ADMIN_TOKEN, ROOT, LiveSandbox, free_port

pytestmark = pytest.mark.live


def check(sandbox, connector: str, profile: str = "full") -> dict:
    """Run the check in-process against the served sandbox."""
    options = Options("56", connector, PUSH_SECRET, sandbox.base, ADMIN_TOKEN, profile, duration_s=120, sync_deadline_s=10)
    return run_check(options)


def certify_cli(sandbox, connector: str, out, *options: str, timeout: float) -> subprocess.CompletedProcess:
    """Run `python -m simulator certify` on province 56's connector against the served sandbox, reports to `out`."""
    return subprocess.run(
        [sys.executable, "-m", "simulator", "certify", "--province", "56", "--connector", connector, "--secret", PUSH_SECRET]
        + ["--base", sandbox.base, "--out", str(out), *options],
        cwd=ROOT,
        env={**os.environ, "SANDBOX_ADMIN_TOKEN": ADMIN_TOKEN},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def blocking(report: dict) -> set[str]:
    """Ids of the required checks that failed or were not shown."""
    return {r["id"] for r in report["results"] if r["level"] == "required" and r["status"] in ("fail", "inconclusive")}


def test_the_reference_connector_passes_the_full_profile_from_the_command_line(served_sandbox, start_connector, tmp_path):
    connector = start_connector()
    out = tmp_path / "reports"
    done = certify_cli(served_sandbox, connector, out, "--profile", "full", "--duration", "2m", timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "READY: 18 of 18 required checks passed" in done.stdout
    assert "faults" in done.stderr and "server-errors" in done.stderr  # the progress display
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["ready"] and report["exit_code"] == 0 and blocking(report) == set()
    # The run ends once every phase is decided, not when the 2 m budget runs out.
    assert report["finished_at"] - report["started_at"] < 120
    assert "duration is used up" not in done.stdout + done.stderr
    assert {r["id"] for r in report["results"] if r["status"] == "pass"} >= {
        "PUSH-01",
        "PUSH-02",
        "PUSH-03",
        "PUSH-04",
        "PUSH-05",
        "SYNC-01",
        "SYNC-02",
        "SYNC-03",
        "SYNC-04",
        "PROG-01",
        "PROG-02",
        "PROG-03",
        "FAULT-01",
        "FAULT-02",
        "FAULT-03",
        "FAULT-04",
        "MIN-01",
        "MIN-02",
    }
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "READY" in page and "Campaign timeline" in page and "FAULT-02" in page
    assert "| FAULT-02 | Retry-After honoured | required | PASS |" in (out / "report.md").read_text(encoding="utf-8")
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    assert suite.get("failures") == "0" and len(suite.findall("testcase")) == len(report["results"])


@pytest.mark.parametrize(
    ("variant", "broken"),
    [
        ("ignore_retry_after", {"FAULT-02"}),
        ("no_lookup", {"SYNC-01"}),
        ("illegal_move", {"PROG-01"}),
        ("loses_after_reset", {"FAULT-03"}),
        ("wrong_payment_signature", {"MIN-02"}),
    ],
)
def test_a_broken_connector_fails_exactly_the_requirement_it_breaks(served_sandbox, start_connector, variant, broken):
    report = check(served_sandbox, start_connector(variant))
    assert blocking(report) == broken, json.dumps([r for r in report["results"] if r["status"] != "pass"], ensure_ascii=False, indent=1)
    assert not report["ready"] and report["exit_code"] == 1
    failed = next(r for r in report["results"] if r["id"] in broken)
    assert failed["status"] == "fail" and failed["evidence"], failed


def test_the_admin_api_runs_a_check_and_serves_its_reports(served_sandbox, start_connector):
    connector = start_connector()
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    started = requests.post(
        served_sandbox.base + "/sandbox/certify",
        headers=headers,
        timeout=10,
        json={"province": "56", "connector": connector, "secret": PUSH_SECRET, "profile": "basic", "duration": "90s"},
    )
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    again = requests.post(
        served_sandbox.base + "/sandbox/certify",
        headers=headers,
        timeout=10,
        json={"province": "56", "connector": connector, "secret": PUSH_SECRET},
    )
    assert again.status_code == 409 and "already running" in again.json()["message"]
    deadline, run = time.monotonic() + 90, {}
    while time.monotonic() < deadline:
        run = requests.get(f"{served_sandbox.base}/sandbox/certify/runs/{run_id}", headers=headers, timeout=10).json()
        if run["status"] != "running":
            break
        assert run["phase"] in ("setup", "push-security", "online", "duplicates", "done")
        time.sleep(0.5)
    assert run["status"] == "done" and run["ready"] is True and run["exit_code"] == 0, run
    assert any("online submissions" in line["text"] for line in run["progress"])
    assert run["verdict"].startswith("READY")
    html = requests.get(f"{served_sandbox.base}/sandbox/certify/runs/{run_id}/report.html", headers=headers, timeout=10)
    assert html.headers["Content-Type"].startswith("text/html") and "Connector readiness check" in html.text
    junit = requests.get(f"{served_sandbox.base}/sandbox/certify/runs/{run_id}/report.xml", headers=headers, timeout=10)
    assert ET.fromstring(junit.content).find("testsuite").get("failures") == "0"
    listed = requests.get(served_sandbox.base + "/sandbox/certify/runs", headers=headers, timeout=10).json()
    assert listed[0]["id"] == run_id and listed[0]["ready"] is True


def test_a_connector_that_does_not_answer_pushes_is_not_ready(served_sandbox, tmp_path):
    done = certify_cli(served_sandbox, f"http://127.0.0.1:{free_port()}/push", tmp_path / "r", "--duration", "30s", timeout=60)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "did not answer a push" in done.stdout + done.stderr


def test_a_sandbox_without_request_capture_is_refused_at_setup_naming_the_setting(tmp_path):
    sandbox = LiveSandbox(tmp_path / "no-capture.db", workers=1, extra_env={"SANDBOX_CAPTURE_ENABLED": "0"}).start()
    try:
        report = check(sandbox, f"http://127.0.0.1:{free_port()}/push", profile="basic")
    finally:
        sandbox.stop()
    assert report["exit_code"] == 2 and not report["ready"], report["error"]
    assert "capture_enabled" in report["error"] and "SANDBOX_CAPTURE_ENABLED=1" in report["error"]
    assert report["exchanges_seen"] == 0 and "setup" not in report["campaign"]["phases"]
