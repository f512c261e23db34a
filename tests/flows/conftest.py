"""Fixtures of the flows tests: an app with short backoff, a runner, admin headers, a receiver."""

from __future__ import annotations

import random
import time

import pytest

from simulator.clock import forget_shared, shared_clock
from simulator.db import database
from simulator.jobs.runner import Runner
from tests.flows.receiver import Receiver

SECRET = "test-secret-56"
FAST = {"job_backoff_base_ms": 1, "job_backoff_cap_ms": 5, "job_max_attempts": 3, "push_timeout_seconds": 2.0}


@pytest.fixture
def app_config() -> dict:
    """The flows tests' app: near-zero backoff, so retries happen at once."""
    return FAST


@pytest.fixture
def runner(app):
    """A runner for the app's database, driven by hand with `run_once`."""
    return Runner(app.config["SANDBOX"], owner="test-runner", rng=random.Random(1))


@pytest.fixture
def receiver():
    """A receiver answering 200 to everything."""
    with Receiver(SECRET) as rec:
        yield rec


def drain(runner: Runner, rounds: int = 50) -> None:
    """Run the runner until no job is due (retries included)."""
    for _ in range(rounds):
        if runner.run_once() == 0:
            time.sleep(0.02)
            if runner.run_once() == 0:
                return


def set_sim_time(db_path: str, sim_ts: float, scale: float = 1.0) -> None:
    """Put the sandbox clock at simulated POSIX time `sim_ts` now, running at `scale`."""

    shared_clock(db_path)  # creates the clock table if missing
    now = time.time()
    database(db_path).execute(
        "INSERT OR REPLACE INTO sandbox_clock (id, real_epoch, sim_epoch, scale, origin) VALUES (1, ?, ?, ?, ?)",
        [now, sim_ts, scale, now],
    )
    forget_shared(db_path)
