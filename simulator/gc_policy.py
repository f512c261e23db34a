"""When a served worker lets the garbage collector walk everything: when the worker is quiet.

Why (measured 2026-11-26, docs/benchmarks.md): with 10,000 connections held by a 5 s delay,
every in-flight request (about 50 objects the collector tracks: gunicorn's request and parser,
the environ, the fault decision...) lives long enough to reach the oldest generation, and the
per-worker identity cache adds about 12 objects per cached citizen. A full collection walks all
of them with the worker's event loop stopped: 150-310 ms, and CPython starts one every ~10 s
under that load. Each pause is then echoed: the requests it held back come back together one
delay later, and again after that. That was the whole p99 tail of the delay benchmark
(117-223 ms over the delay with CPython's schedule, 5-9 ms with the collector switched off).

The policy, per worker (`apply` after the app is loaded, then `start` a greenlet):
- the loaded app is frozen: its ~76,000 objects are never walked again;
- the young generation keeps CPython's threshold (700); the middle one is collected after every
  young collection instead of every tenth (threshold 1). Each held request's objects survive a
  young collection, so a middle collection walks what ten young ones had passed on: 33-47 ms of
  CPU at worst under the delay benchmark (2026-11-28), every such pause holding back the replies
  due in it. Collected each time, it walks a tenth as much: 12-16 ms at worst, for the same or
  less CPU in all (each surviving object is walked once either way), and wrk's p99 at
  5 s x 10,000 went from +150/+210 ms (threshold 10) to +30/+70 ms (threshold 1) in the same
  minutes;
- the oldest generation is not collected on CPython's schedule but by the greenlet: when no
  request has arrived for `QUIET_S`, or at the latest `gc_full_every_s` after the last full
  collection, so cyclic garbage stays bounded under endless load (in the runs above the
  oldest generation held ~700 unreachable objects per 10 s).
`gc_full_every_s` = 0 keeps CPython's own schedule.

CPython 3.11-3.13 semantics: the third threshold counts middle-generation collections.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable

import gevent

log = logging.getLogger("simulator.gc")

YOUNG_THRESHOLDS = (700, 1)  # CPython's young threshold; the middle generation after every young collection
NO_AUTOMATIC_FULL = 1_000_000_000  # middle-generation collections before CPython would start a full one
QUIET_S = 1.0  # no request for this long: collecting now delays nobody
TICK_S = 0.5


def apply(full_every_s: float) -> None:
    """Freeze what is loaded and set the thresholds; call once per worker after loading the app."""
    gc.collect()
    gc.freeze()
    if full_every_s > 0:
        gc.set_threshold(*YOUNG_THRESHOLDS, NO_AUTOMATIC_FULL)


def due(now: float, last_request_at: float, last_full_at: float, pending: int, full_every_s: float, quiet_s: float = QUIET_S) -> bool:
    """Whether to run a full collection now.

    `pending` is `gc.get_count()[2]`, the middle-generation collections since the last full
    one: 0 means nothing new reached the oldest generation, so there is nothing to find.
    """
    if pending == 0:
        return False
    return now - last_request_at >= quiet_s or now - last_full_at >= full_every_s


class FullCollector:
    """Runs the oldest generation's collections of one worker (see the module doc)."""

    def __init__(self, requests_seen: Callable[[], int], full_every_s: float, clock: Callable[[], float] = time.monotonic):
        self.requests_seen = requests_seen
        self.full_every_s = full_every_s
        self.clock = clock
        self.collections = 0
        self.last_pause_s = 0.0
        now = clock()
        self._seen = requests_seen()
        self._last_request_at = now
        self._last_full_at = now

    def tick(self) -> bool:
        """Look once; collect if due. True when a full collection ran."""
        now = self.clock()
        seen = self.requests_seen()
        if seen != self._seen:
            self._seen, self._last_request_at = seen, now
        if not due(now, self._last_request_at, self._last_full_at, gc.get_count()[2], self.full_every_s):
            return False
        started = time.perf_counter()
        gc.collect()
        self.last_pause_s = time.perf_counter() - started
        self.collections += 1
        self._last_full_at = self.clock()
        return True

    def run(self, sleep: Callable[[float], None], tick_s: float = TICK_S) -> None:
        """Tick forever (a greenlet's body)."""
        while True:
            sleep(tick_s)
            try:
                self.tick()
            except Exception:  # the collector must never take the worker down
                log.exception("full collection check failed")


def start(requests_seen: Callable[[], int], full_every_s: float) -> FullCollector | None:
    """Spawn this worker's full collector as a greenlet; None when the policy is off (0)."""
    if full_every_s <= 0:
        return None

    collector = FullCollector(requests_seen, full_every_s)
    gevent.spawn(collector.run, gevent.sleep)
    return collector
