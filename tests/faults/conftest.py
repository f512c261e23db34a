"""Fixtures for the fault engine without an app: a tmp database, the suite's hand-moved clock on it,
the rule store and engines built on them."""

from __future__ import annotations

import pytest

from simulator.faults.buckets import SqliteTokenBuckets
from simulator.faults.engine import Engine
from simulator.faults.rules import Limits
from simulator.faults.store import FaultStore
from tests.conftest import FakeClock


@pytest.fixture
def db_path(tmp_path):
    """The engine's SQLite file."""
    return tmp_path / "sandbox.db"


@pytest.fixture
def clock(db_path) -> FakeClock:
    """The suite's hand-moved clock on this database (no app needed)."""
    return FakeClock(str(db_path), start=1_750_000_000.0)


@pytest.fixture
def limits() -> Limits:
    """Caps as the defaults' order of magnitude."""
    return Limits(latency_cap_s=120, hang_cap_s=300, dribble_cap_s=300, retry_after_cap_s=3600)


@pytest.fixture
def store(db_path, limits) -> FaultStore:
    """The rule store."""
    return FaultStore(db_path, limits)


@pytest.fixture
def make_engine(store, clock, limits):
    """Factory: an engine on the store and the fake clock, with a given seed."""

    def make(seed: int = 7) -> Engine:
        return Engine(store, clock.sandbox, seed, limits, SqliteTokenBuckets(store.db, clock=clock), real_time=clock)

    return make


@pytest.fixture
def engine(make_engine) -> Engine:
    """An engine with seed 7."""
    return make_engine()
