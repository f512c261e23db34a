"""Fixtures for the fault engine: a tmp database, a hand-driven clock, store and engine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from simulator.clock import TZ
from simulator.faults.buckets import SqliteTokenBuckets
from simulator.faults.engine import Engine
from simulator.faults.rules import Limits
from simulator.faults.store import FaultStore


class FakeClock:
    """Sandbox clock and real clock in one, moved by hand (`advance`)."""

    def __init__(self, start: float = 1_750_000_000.0, scale: float = 1.0):
        self.t = start
        self._scale = scale

    def timestamp(self) -> float:
        return self.t

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.t, tz=UTC).astimezone(TZ)

    def scale(self) -> float:
        return self._scale

    def set_scale(self, scale: float) -> None:
        self._scale = scale

    def advance(self, seconds: float) -> None:
        self.t += seconds

    def __call__(self) -> float:  # used as the real-time source too
        return self.t


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "sandbox.db"


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def limits():
    return Limits(latency_cap_s=120, hang_cap_s=300, dribble_cap_s=300, retry_after_cap_s=3600)


@pytest.fixture
def store(db_path, limits):
    return FaultStore(db_path, limits)


@pytest.fixture
def make_engine(store, clock, limits):
    def make(seed: int = 7) -> Engine:
        return Engine(store, clock, seed, limits, SqliteTokenBuckets(store.db, clock=clock), real_time=clock)

    return make


@pytest.fixture
def engine(make_engine):
    return make_engine()
