"""The served worker's garbage-collector policy: full collections when quiet, or at the latest every N s."""

import gc

import pytest

from simulator import gc_policy


@pytest.fixture
def gc_state():
    """Restore the interpreter's collector state (thresholds, frozen objects) after a test."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Traffic:
    def __init__(self):
        self.seen = 0

    def __call__(self):
        return self.seen


def full_collections() -> int:
    return gc.get_stats()[2]["collections"]


def promote_something() -> None:
    """Run a middle-generation collection, so the oldest generation has news (pending > 0)."""
    gc.collect(1)
    assert gc.get_count()[2] > 0


def test_due_only_with_news_in_the_oldest_generation():
    assert not gc_policy.due(now=100, last_request_at=0, last_full_at=0, pending=0, full_every_s=10)
    assert gc_policy.due(now=100, last_request_at=0, last_full_at=0, pending=1, full_every_s=10)


def test_due_when_quiet_or_when_the_interval_has_passed():
    busy = {"last_request_at": 99.9, "pending": 3, "full_every_s": 600}
    assert not gc_policy.due(now=100, last_full_at=0, **busy)
    assert gc_policy.due(now=700, last_full_at=99, **busy)  # busy, but 601 s since the last one
    assert gc_policy.due(now=100, last_request_at=100 - gc_policy.QUIET_S, last_full_at=99.5, pending=3, full_every_s=600)


def test_apply_freezes_the_loaded_app_and_stops_automatic_full_collections(gc_state):
    gc.unfreeze()
    kept = [[] for _ in range(100)]  # noqa: F841 - objects alive at start-up, to be frozen
    gc_policy.apply(full_every_s=600)
    assert gc.get_freeze_count() >= 100
    assert gc.get_threshold() == (*gc_policy.YOUNG_THRESHOLDS, gc_policy.NO_AUTOMATIC_FULL)


def test_zero_keeps_cpythons_own_schedule(gc_state):
    gc.set_threshold(700, 10, 10)
    gc_policy.apply(full_every_s=0)
    assert gc.get_threshold() == (700, 10, 10)
    assert gc_policy.start(lambda: 0, 0) is None


def test_a_busy_worker_is_not_collected_until_the_interval(gc_state):
    clock, traffic = Clock(), Traffic()
    collector = gc_policy.FullCollector(traffic, full_every_s=600, clock=clock)
    promote_something()
    before = full_collections()
    for _ in range(100):  # a request every 0.5 s for 50 s: never quiet
        clock.now += 0.5
        traffic.seen += 1
        assert not collector.tick()
    assert full_collections() == before
    clock.now += 560
    traffic.seen += 1
    assert collector.tick()
    assert full_collections() == before + 1
    assert collector.collections == 1 and collector.last_pause_s >= 0


def test_a_quiet_worker_is_collected_once(gc_state):
    clock, traffic = Clock(), Traffic()
    collector = gc_policy.FullCollector(traffic, full_every_s=600, clock=clock)
    traffic.seen += 5
    clock.now += 0.2
    promote_something()
    assert not collector.tick()  # requests just came
    clock.now += gc_policy.QUIET_S
    before = full_collections()
    assert collector.tick()
    assert full_collections() == before + 1
    clock.now += 5
    assert not collector.tick()  # still quiet, but nothing new reached the oldest generation


def test_the_collector_loop_survives_a_failing_check(gc_state, monkeypatch):
    clock, traffic = Clock(), Traffic()
    collector = gc_policy.FullCollector(traffic, full_every_s=600, clock=clock)
    calls = []

    def failing_tick():
        calls.append(1)
        raise RuntimeError("boom")

    def sleep(_seconds):
        if len(calls) >= 3:
            raise SystemExit  # end the otherwise endless loop

    monkeypatch.setattr(collector, "tick", failing_tick)
    with pytest.raises(SystemExit):
        collector.run(sleep)
    assert len(calls) == 3
