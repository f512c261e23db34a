"""A two-minute soak: mixed traffic with faults on against a served sandbox with a small journal.

Locust (headless, 20 users) drives portal connectors, gateway callers and an admin while fault
rules add latency, 503s and a few connection resets. The served process must answer no 5xx
it did not inject, keep its memory flat after warm-up, keep the journal within its bound and
keep the SQLite file small.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import requests

from tests.conftest import ADMIN, ADMIN_TOKEN, ROOT, LiveSandbox

pytestmark = [pytest.mark.live, pytest.mark.soak]

JOURNAL_MAX_ROWS = 500  # small, so that any soak overfills it many times
RUN_SECONDS = 100
WARM_UP_SECONDS = 30
USERS = 20
# Rows are ~100 bytes with indexes (captured requests ~2 KB): a journal and a capture of 500 rows,
# a few thousand dossiers with their progress and metrics aggregates are well under 10 MB; the WAL is checkpointed at 1,000 pages
# (4 MB) by SQLite's default. A leak (an unbounded table or a WAL never checkpointed) passes 24 MB.
DB_BYTES_MAX = 24 * 1024 * 1024
FAULT_RULES = [
    {
        "name": "soak latency",
        "match": {"system": "*", "probability": 0.3},
        "effects": [{"latency": {"dist": "uniform", "min_s": 0.01, "max_s": 0.15}}],
    },
    {"name": "soak 503", "match": {"system": "*", "probability": 0.03}, "effects": [{"error": {"status": 503}}]},
    {"name": "soak reset", "match": {"system": "portal", "probability": 0.005}, "effects": [{"reset": {}}]},
]


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its children (gunicorn master and workers), in bytes."""
    root = psutil.Process(pid)
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def injected_resets(base: str) -> int:
    """Connection resets the sandbox injected, from /metrics (the journal is trimmed, metrics are not)."""
    text = requests.get(base + "/metrics", timeout=10).text
    return int(sum(float(m) for m in re.findall(r'^sandbox_requests_total\{[^}]*fault="[^"]*reset[^"]*"[^}]*\} (\S+)$', text, re.M)))


def db_bytes(path: Path) -> int:
    """The SQLite file with its WAL and shared-memory index."""
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


@pytest.fixture
def soaked_sandbox(tmp_path):
    """A served sandbox with a small journal and the soak's fault rules on."""
    sandbox = LiveSandbox(
        tmp_path / "soak.db",
        # Captured requests (headers and bodies) are bounded like the journal: both trimmed during the soak.
        extra_env={
            "SANDBOX_JOURNAL_MAX_ROWS": str(JOURNAL_MAX_ROWS),
            "SANDBOX_CAPTURE_MAX_ROWS": str(JOURNAL_MAX_ROWS),
            "SANDBOX_FAULTS_ENABLED": "1",
        },
    ).start()
    for rule in FAULT_RULES:
        reply = requests.post(sandbox.base + "/sandbox/rules", json=rule, headers=ADMIN, timeout=10)
        assert reply.status_code == 201, reply.text
    yield sandbox
    sandbox.stop()


def test_soak_with_faults_keeps_memory_journal_and_database_bounded(soaked_sandbox, tmp_path):
    """Only injected 5xx, RSS growth under 10 % after warm-up, journal within bound, small database."""
    sandbox = soaked_sandbox
    report_path = tmp_path / "soak-report.json"
    locust = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(Path(__file__).with_name("soak_locustfile.py")),
            "--headless",
            "-u",
            str(USERS),
            "-r",
            "10",
            "-t",
            f"{RUN_SECONDS}s",
            "--host",
            sandbox.base,
            "--only-summary",
            "--stop-timeout",
            "5",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, "SANDBOX_ADMIN_TOKEN": ADMIN_TOKEN, "SOAK_REPORT": str(report_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    time.sleep(WARM_UP_SECONDS)  # the behaviour itself: memory is sampled after this long under load
    rss_warm = tree_rss(sandbox.proc.pid)
    output, _ = locust.communicate(timeout=RUN_SECONDS + 60)
    rss_end = tree_rss(sandbox.proc.pid)
    report = json.loads(report_path.read_text())
    outcomes = report["outcomes"]
    journal_rows = requests.get(sandbox.base + "/sandbox/journal?limit=1", headers=ADMIN, timeout=10).json()["total"]
    size = db_bytes(sandbox.db_path)
    figures = {
        "requests": report["requests"],
        "injected": outcomes.get("injected", 0),
        "injected_5xx": outcomes.get("injected 5xx", 0),
        "resets_seen": outcomes.get("reset", 0),
        "resets_injected": injected_resets(sandbox.base),
        "unexpected": outcomes.get("unexpected", 0),
        "rss_warm_mb": round(rss_warm / 2**20, 1),
        "rss_end_mb": round(rss_end / 2**20, 1),
        "journal_rows": journal_rows,
        "db_mb": round(size / 2**20, 2),
    }
    print("soak figures:", json.dumps(figures))

    # Not a speed floor: the journal's bound is only tested once the soak has written past it.
    assert report["requests"] > 2 * JOURNAL_MAX_ROWS, output.decode(errors="replace")[-3000:]
    assert figures["unexpected"] == 0, {k: v for k, v in outcomes.items() if k.startswith("unexpected")}
    assert figures["injected"] > 0 and figures["injected_5xx"] > 0
    assert figures["resets_seen"] <= figures["resets_injected"], "a connection dropped that the sandbox did not reset"
    assert rss_end < rss_warm * 1.10, figures
    # Each worker trims once per 1 % of the bound written, so the table may briefly hold that much more.
    assert journal_rows <= JOURNAL_MAX_ROWS * 1.05, figures
    assert size < DB_BYTES_MAX, figures
