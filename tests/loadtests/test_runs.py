"""Short headless Locust runs through the kit's runner, against a real served sandbox."""

from __future__ import annotations

import json
import time
from datetime import datetime

import pytest
import requests
from junitparser import JUnitXml

from loadtests import thresholds, wire
from loadtests.processes import start_reference_connector
from tests.conftest import ADMIN, SEED, LiveSandbox
from tests.loadtests.conftest import PUSH_SECRET, connector_run

pytestmark = pytest.mark.live


def smoke(name: str, **overrides) -> dict:
    """A short run definition of desk officers against the sandbox."""
    definition = {
        "name": name,
        "target": "sandbox",
        "shape": "steady",
        "duration": "8s",
        "users": 3,
        "spawn_rate": 3,
        "user_classes": ["DeskOfficer", "StatusPoller"],
        "options": {"step-pause": 0.05},
        "thresholds": {
            "failure_ratio": 0.01,
            # Limits only a broken run misses (any answer within the run): how fast is for make bench.
            "requests": {"DongBoHoSoMC": {"p95": 60_000}, "CapNhatTienDoHoSoMC": {"p95": 60_000}},
        },
    }
    definition.update(overrides)
    return definition


def code_day(code: str):
    """The day of a MaHoSo's yyMMdd, in the kit's 2000-2099 range (strptime reads 69-99 as 19xx)."""
    day = datetime.strptime(code.split("-")[1], "%y%m%d").date()
    return day.replace(year=day.year + 100) if day.year < 2000 else day


def test_a_run_within_its_thresholds_exits_zero_and_writes_the_summary_and_junit(live_sandbox, run_kit, tmp_path):
    # A scenario name no sandbox has: the run must go on and say it was not applied.
    definition = smoke("passing", scenario="no_such_scenario_for_tests")
    definition["thresholds"]["requests"]["Aggregated"] = {"min_rps": 1 / 8}  # one request in the 8 s run
    done, out = run_kit(definition, live_sandbox.base, "--junit", str(tmp_path / "junit.xml"))
    assert done.returncode == 0, done.stdout + done.stderr
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# Load test `passing`: PASS")
    assert "PASS  p95 DongBoHoSoMC" in summary and "not applied" in summary
    assert (out / "report.html").exists() and (out / "locust_stats.csv").exists()
    stats = thresholds.read_locust_stats(out / "locust_stats.csv")
    assert stats["DongBoHoSoMC"].count > 0 and stats["CapNhatTienDoHoSoMC"].failures == 0
    [suite] = list(JUnitXml.fromfile(str(tmp_path / "junit.xml")))
    assert {case.name: case.is_passed for case in suite} == {
        "p95 DongBoHoSoMC": True,
        "p95 CapNhatTienDoHoSoMC": True,
        "rps Aggregated": True,
        "failure ratio": True,
    }
    assert (suite.tests, suite.failures, suite.errors) == (4, 0, 0)


def test_a_run_over_a_threshold_exits_non_zero_and_names_the_threshold(live_sandbox, run_kit):
    definition = smoke("failing", duration="5s", thresholds={"requests": {"DongBoHoSoMC": {"p95": 0.5}}})
    done, out = run_kit(definition, live_sandbox.base)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "THRESHOLD FAILED: p95 DongBoHoSoMC" in done.stderr
    assert "> 0.5 ms (+" in done.stderr
    assert "FAIL  p95 DongBoHoSoMC" in (out / "summary.md").read_text(encoding="utf-8")


def test_a_distributed_run_combines_both_workers_stats_on_the_master(live_sandbox, run_kit):
    definition = smoke("distributed", duration="10s", users=4, spawn_rate=4, user_classes=["DeskOfficer"], workers=2)
    done, out = run_kit(definition, live_sandbox.base)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 worker processes + master (--processes)" in (out / "summary.md").read_text(encoding="utf-8")
    created = thresholds.read_locust_stats(out / "locust_stats.csv")["DongBoHoSoMC"]
    listing = requests.get(
        live_sandbox.base + "/api/v1/dossiers?province=56&page_size=5000",
        headers=ADMIN,
        timeout=10,
    ).json()
    # Every sync the master counted is in the sandbox (a few more may have landed as the run stopped).
    assert created.count > 0 and 0 <= listing["total"] - created.count <= 4
    # Each worker files codes in its own block of days: both blocks are present.
    epoch_days = {(code_day(item["MaHoSo"]) - wire.CODE_EPOCH).days for item in listing["items"]}
    workers = {(days // wire.DAYS_PER_WORKER) % wire.MAX_WORKERS for days in epoch_days}
    assert workers == {0, 1}


def test_a_lost_abort_on_fail_threshold_stops_the_run_early(live_sandbox, run_kit, tmp_path):
    # 60 s of load, but the p95 limit (0.5 ms) is lost as soon as it is measured: the run ends
    # after the threshold's 2 s delay plus a check or two, with Locust's reports written.
    limit = {"limit": 0.5, "abort_on_fail": True, "delay_abort_eval": "2s"}
    definition = smoke("aborting", duration="60s", thresholds={"requests": {"DongBoHoSoMC": {"p95": limit}}})
    started = time.monotonic()
    done, out = run_kit(definition, live_sandbox.base, "--junit", str(tmp_path / "junit.xml"))
    took = time.monotonic() - started
    assert done.returncode == 1, done.stdout + done.stderr
    assert took < 60, took  # before its 60 s of load were up
    assert "RUN ABORTED after" in done.stderr and "THRESHOLD FAILED: p95 DongBoHoSoMC" in done.stderr
    record = json.loads((out / "locust_abort.json").read_text(encoding="utf-8"))
    assert record["threshold"] == "p95 DongBoHoSoMC" and 2 <= record["after_s"] < 60
    assert "**aborted**: after" in (out / "summary.md").read_text(encoding="utf-8")
    assert (out / "report.html").exists()
    [suite] = list(JUnitXml.fromfile(str(tmp_path / "junit.xml")))
    [case] = list(suite)
    assert not case.is_passed and "the run was stopped after" in case.result[0].text


def test_a_connector_run_pushes_signed_dossiers_and_measures_push_to_sync(live_sandbox, reference_connector, run_kit):
    definition = connector_run(
        "connector",
        spawn_rate=2,
        options={"e2e-timeout": 5, "push-via": "direct"},
        thresholds={"failure_ratio": 0.01, "end_to_end": {"max_lost": 0}},
    )
    connector_url = reference_connector + "/webhooks/dvcqg"
    done, out = run_kit(definition, live_sandbox.base, "--connector-url", connector_url, "--push-secret", PUSH_SECRET)
    assert done.returncode == 0, done.stdout + done.stderr
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "PASS  lost dossiers 0 <= 0" in summary
    stats = thresholds.read_locust_stats(out / "locust_stats.csv")
    assert stats[wire.E2E_NAME].count > 0 and stats[wire.E2E_NAME].failures == 0


def test_the_open_model_syncs_dossiers_by_arrivals_never_beyond_their_rate(live_sandbox, run_kit):
    definition = smoke(
        "arrivals",
        duration="6s",
        users=1,
        user_classes=["StatusPoller"],
        arrival_rate=5,
        options={"step-pause": 0.05, "arrival-users": 2},
        thresholds={"failure_ratio": 0.01},
    )
    done, out = run_kit(definition, live_sandbox.base)
    assert done.returncode == 0, done.stdout + done.stderr
    synced = thresholds.read_locust_stats(out / "locust_stats.csv")["DongBoHoSoMC"].count
    # The StatusPoller user never syncs: every dossier is an arrival, at 5/s for 6 s at most (about 30,
    # and a few in flight). How close to the rate a loaded machine gets is for make bench.
    assert 0 < synced <= 36, synced


def test_users_and_connector_renew_sessions_that_expire_during_the_run(tmp_path, run_kit):
    sandbox = LiveSandbox(tmp_path / "short-sessions.db", extra_env={"SANDBOX_SESSION_TTL_SECONDS": "2"}).start()
    connector, base = start_reference_connector(tmp_path, sandbox.base, "56", PUSH_SECRET, "", SEED, walk_seconds=0.6)
    try:
        definition = smoke(
            "short-sessions",
            target="connector",
            duration="8s",
            users=3,
            user_classes=["DeskOfficer", "OnlineSubmissionDriver"],
            options={"step-pause": 0.05, "e2e-timeout": 5, "push-via": "direct"},
            thresholds={"failure_ratio": 0.01, "end_to_end": {"max_lost": 0}},
        )
        done, out = run_kit(definition, sandbox.base, "--connector-url", base + "/webhooks/dvcqg", "--push-secret", PUSH_SECRET)
        connector_stats = requests.get(base + "/stats", timeout=5).json()
    finally:
        connector.stop()
        sandbox.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    logins = thresholds.read_locust_stats(out / "locust_stats.csv")["auth"].count
    assert logins >= 3 * 3  # three users, sessions of 2 s, 8 s of run
    assert connector_stats["synced"] > 0 and connector_stats["failed"] == 0
