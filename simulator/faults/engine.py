"""The decision engine: which faults a request meets, decided reproducibly from a seed.

Composition: every matching rule's latency adds up (total capped by fault_latency_cap_s);
the first terminal effect by rule order decides the response (manual rules come before
scenario rules, so a trainer's ad-hoc rule overrides the timeline); `partial` field lists
add up; a `rate_limit` rule is a terminal 429 only when its bucket is empty.

Reproducibility: each rule keeps a counter of the requests it was considered for (those
whose system/operation/method/client, content and time window match). The random numbers
for the n-th such request come from `Random(blake2b(seed | rule id | stream | n))`: the
probability draw first, then one draw per latency effect. `stream` is the worker's own
stream (gunicorn's worker number, set by `set_stream` after the fork; 0 in a single
process), so two workers never draw the same sequence (they did before: their k-th decisions
agreed in 992 of 992 pairs) while the same seed, worker count and request sequence still meet
the same faults. Counters restart when a rule is re-anchored (a scenario applied again, a
rule stored again), so a replay starts at n = 0 whatever the wall-clock time.

Sequences: a rule with `times`, `after` or `every` fires by its place among the matching
requests counted by all workers together (`SqliteCounters`: one atomic UPSERT per matching
request of such a rule; other rules never touch it).
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from dataclasses import dataclass, field

from simulator.faults.matching import RequestView
from simulator.faults.rules import TERMINAL_KINDS, Effect, Limits, Rule

_stream = 0


def set_stream(stream: int) -> None:
    """Give this process its own random stream (gunicorn's `post_fork` passes the worker's number)."""
    global _stream
    _stream = int(stream)


def current_stream() -> int:
    """This process's random stream (0 unless `set_stream` was called)."""
    return _stream


@dataclass
class RequestInfo:
    """What the engine knows about a request: which simulated system and operation, who calls."""

    system: str
    operation: str | None = None
    method: str = "POST"
    client: str | None = None
    path: str = ""
    request_id: str | None = None
    via: str | None = None  # an intermediary system (the gateway) whose rules also apply
    view: RequestView | None = None  # headers, query and body, for rules with content matching


@dataclass
class Decision:
    """The faults one request meets."""

    latency_s: float = 0.0  # silence before the first byte
    spread_s: float = 0.0  # delay spread over the body (latency with spread: true)
    terminal: Effect | None = None
    shapes: dict[str, dict] = field(default_factory=dict)  # bandwidth, slow_close: kind -> params
    partial_fields: tuple[str, ...] = ()
    faults: list[str] = field(default_factory=list)  # effect names, for X-Sandbox-Fault and the journal
    rule_ids: list[str] = field(default_factory=list)

    @property
    def fault_label(self) -> str | None:
        """Comma-separated effect names (the X-Sandbox-Fault value), or None when no fault."""
        return ",".join(self.faults) if self.faults else None


def draw_rng(seed: int, rule_id: str, counter: int, stream: int = 0) -> random.Random:
    """A Random seeded from (seed, rule, stream, counter): the n-th request's own draws in a stream."""
    key = f"{seed}|{rule_id}|{stream}|{counter}".encode() if stream else f"{seed}|{rule_id}|{counter}".encode()
    return random.Random(int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big"))


def sample_latency(params: dict, rng: random.Random | None, limit_s: float) -> float:
    """One latency draw in seconds for a validated latency effect, clamped to [0, cap] (`rng` unused when fixed)."""
    dist = params["dist"]
    if dist == "fixed":
        value = params["seconds"]
    elif dist == "uniform":
        value = rng.uniform(params["min_s"], params["max_s"])
    elif dist == "normal":
        value = rng.gauss(params["mean_s"], params["stddev_s"])
    else:
        value = rng.lognormvariate(math.log(params["median_s"]), params["sigma"])
    return max(0.0, min(value, params["cap_s"], limit_s))


class Engine:
    """Decides faults for requests from the store's snapshot, the sandbox clock and a seed."""

    def __init__(
        self,
        store,
        clock,
        seed: int,
        limits: Limits | None = None,
        buckets=None,
        enabled: bool = True,
        real_time=time.time,
        counters=None,
        stream: int | None = None,
    ):
        self.store = store
        self.clock = clock
        self.seed = seed
        self.limits = limits or Limits()
        self.buckets = buckets
        self.enabled = enabled
        self._real_time = real_time
        self._counters: dict[tuple[str, float | None], int] = {}
        self.shared_counters = counters  # SqliteCounters, for rules with times/after/every
        self._stream = stream  # None: the process's stream (set_stream)

    def active_rules(self) -> list[tuple[Rule, float | None, int]]:
        """(rule, window anchor, seed) for every manual rule and the current scenario phase's."""
        snap = self.store.snapshot()
        out: list[tuple[Rule, float | None, int]] = [(r, r.started_at, self.seed) for r in snap.rules]
        running = snap.scenario
        if running is not None:
            phase = running.scenario.phase_at(self.clock.timestamp() - running.started_sim)
            if phase is not None:
                seed = running.scenario.seed if running.scenario.seed is not None else self.seed
                out.extend((r, running.started_sim, seed) for r in phase.rules)
        return out

    def reset_counters(self) -> None:
        """Restart every rule's draw sequence and shared sequence counts (sandbox reset)."""
        self._counters.clear()
        if self.shared_counters is not None:
            self.shared_counters.clear()

    @property
    def stream(self) -> int:
        """The random stream this engine draws from."""
        return self._stream if self._stream is not None else _stream

    def decide(self, info: RequestInfo) -> Decision:
        """The faults `info` meets right now."""
        decision = Decision()
        if not self.enabled:
            return decision
        rules = self.active_rules()
        if not rules:
            return decision
        real_now, sim_now = self._real_time(), self.clock.timestamp()
        local = None  # the local date and time, worked out only for a rule with a window
        partial: list[str] = []
        for rule, anchor, seed in rules:
            if not rule.matches_request(info.system, info.operation, info.method, info.client) and not (
                info.via and rule.matches_request(info.via, None, info.method, info.client)
            ):
                continue
            if local is None and rule.window is not None:
                local = self.clock.now()
            if not rule.active_at(real_now, sim_now, local, anchor):
                continue
            if rule.content and (info.view is None or rule.content.mismatches(info.view)):
                continue
            if rule.counted and not self._in_sequence(rule, anchor):
                continue
            key = (rule.id, anchor)
            n = self._counters.get(key, 0)
            self._counters[key] = n + 1
            # Seeded per (rule, count) either way; made only when the rule draws (a Random costs a hash and a seed).
            rng = draw_rng(seed, rule.id, n, self.stream) if rule.draws else None
            if rule.probability < 1.0 and rng.random() >= rule.probability:
                continue
            applied = False
            for effect in rule.effects:
                if effect.kind == "latency":
                    drawn = sample_latency(effect.params, rng, self.limits.latency_cap_s)
                    if effect.params.get("spread"):
                        decision.spread_s += drawn
                    else:
                        decision.latency_s += drawn
                    self._note(decision, "latency")
                    applied = True
                elif effect.kind in ("bandwidth", "slow_close"):
                    decision.shapes.setdefault(effect.kind, effect.params)
                    self._note(decision, effect.kind)
                    applied = True
                elif effect.kind == "partial":
                    partial.extend(f for f in effect.params["fields"] if f not in partial)
                    self._note(decision, "partial")
                    applied = True
                elif decision.terminal is not None:
                    continue  # a terminal effect already decided the response
                elif effect.kind == "rate_limit":
                    if self._rate_limited(effect, rule, anchor, info, decision):
                        applied = True
                elif effect.kind in TERMINAL_KINDS:
                    decision.terminal = effect
                    self._note(decision, effect.kind)
                    applied = True
            if applied:
                decision.rule_ids.append(rule.id)
        decision.latency_s = min(decision.latency_s, self.limits.latency_cap_s)
        decision.spread_s = min(decision.spread_s, self.limits.latency_cap_s)
        decision.partial_fields = tuple(partial)
        return decision

    def _in_sequence(self, rule: Rule, anchor: float | None) -> bool:
        if self.shared_counters is None:
            k = self._counters.get((rule.id, anchor, "seq"), 0) + 1  # one process: a local count
            self._counters[(rule.id, anchor, "seq")] = k
        else:
            k = self.shared_counters.next(f"{rule.id}|{anchor}")
        return rule.fires_at(k)

    def _rate_limited(self, effect: Effect, rule: Rule, anchor, info: RequestInfo, decision: Decision) -> bool:
        if self.buckets is None:
            return False
        key = f"{rule.id}|{anchor}|{info.client or '-'}"
        allowed, wait = self.buckets.take(key, effect.params["rate_per_s"], effect.params["burst"])
        if allowed:
            return False
        wait = min(wait, self.limits.retry_after_cap_s)
        decision.terminal = Effect("rate_limit", {"retry_after_s": wait})
        self._note(decision, "rate_limit")
        return True

    @staticmethod
    def _note(decision: Decision, kind: str) -> None:
        if kind not in decision.faults:
            decision.faults.append(kind)
