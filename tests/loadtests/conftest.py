"""Fixtures of the load-kit tests: the kit's runner as a subprocess and the reference connector."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from loadtests.processes import start_reference_connector
from loadtests.thresholds import RequestStats
from tests.conftest import ADMIN_TOKEN, ROOT, SEED

PUSH_SECRET = "test-push-secret"
# Locust's statistics CSV: its header, and a row of a sync whose p95 was 812 ms at 2 req/s.
HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)
SLOW_SYNC = "POST,DongBoHoSoMC,40,0,9,12.5,1,900,88,2.0,0,9,11,20,20,67,812,830,850,900,900,900"


def connector_run(name: str, **overrides) -> dict:
    """A short run definition of the portal pushing dossiers to a connector, none to be lost."""
    definition = {"name": name, "target": "connector", "duration": "8s", "users": 2, "thresholds": {"end_to_end": {"max_lost": 0}}}
    return {**definition, **overrides}


def row(name: str, count: int = 100, failures: int = 0, p95: float = 100, p99: float = 200) -> RequestStats:
    """A stats row with the given percentiles."""
    pct = {"p50": 50, "p66": 60, "p75": 70, "p90": 90, "p95": p95, "p99": p99}
    return RequestStats(name, "POST", count, failures, 50, 60, p99, 10.0, pct)


@pytest.fixture
def locust_stats(tmp_path):
    """Factory: a Locust statistics CSV (locust_stats.csv) holding the given data rows."""

    def write(*rows: str) -> Path:
        path = tmp_path / "locust_stats.csv"
        path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        return path

    return write


@pytest.fixture
def run_kit(tmp_path):
    """Factory: write a run definition and run `python -m loadtests run` on it against a host."""

    def run(definition: dict, host: str, *extra: str, timeout: float = 90) -> tuple[subprocess.CompletedProcess, Path]:
        path = tmp_path / f"{definition['name']}.yaml"
        path.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
        out = tmp_path / "reports" / definition["name"]
        cmd = [sys.executable, "-m", "loadtests", "run", str(path), "--host", host, "--out", str(out)]
        cmd += ["--admin-token", ADMIN_TOKEN, "--seed", str(SEED), *extra]
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        return done, out

    return run


@pytest.fixture
def reference_connector(live_sandbox, tmp_path):
    """The reference connector (a real served process) syncing into the live sandbox."""
    child, base = start_reference_connector(tmp_path, live_sandbox.base, "56", PUSH_SECRET, "", SEED, walk_seconds=0.6)
    yield base
    child.stop()
