"""The sandbox clock: scaled time, continuity on re-scaling, propagation between workers."""

from __future__ import annotations

import pytest

from simulator import clock as clock_module
from simulator.clock import SandboxClock


class RealTime:
    def __init__(self, t=1_750_000_000.0):
        self.t = t

    def __call__(self):
        return self.t


def test_sim_time_runs_scale_times_faster_and_stays_continuous_when_rescaled(db_path):
    real = RealTime()
    c = SandboxClock(db_path, real_time=real)
    assert c.timestamp() == real.t and c.now().utcoffset().total_seconds() == 7 * 3600
    c.set_scale(60)
    before = c.timestamp()
    real.t += 10
    assert c.timestamp() == pytest.approx(before + 600)
    c.set_scale(2)  # no jump at the moment of change
    assert c.timestamp() == pytest.approx(before + 600)
    real.t += 1
    assert c.timestamp() == pytest.approx(before + 602)
    assert c.elapsed().total_seconds() == pytest.approx(602)
    c.reset()
    assert c.timestamp() == real.t and c.scale() == 1.0


def test_scale_change_in_one_worker_reaches_another_within_the_refresh_interval(db_path, monkeypatch):
    mono = [100.0]
    monkeypatch.setattr(clock_module.time, "monotonic", lambda: mono[0])
    real = RealTime()
    worker, admin = SandboxClock(db_path, real_time=real), SandboxClock(db_path, real_time=real)
    assert worker.scale() == 1.0
    admin.set_scale(144)
    assert worker.scale() == 1.0  # cached
    mono[0] += clock_module.REFRESH_S
    assert worker.scale() == 144


def test_scale_out_of_bounds_is_refused(db_path):
    with pytest.raises(ValueError, match="scale must be"):
        SandboxClock(db_path).set_scale(0)
