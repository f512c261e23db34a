"""The decision engine: which faults a request meets, decided reproducibly from a seed.

Composition: every matching rule's latency adds up (total capped by fault_latency_cap_s);
the first terminal effect by rule order decides the response (manual rules come before
scenario rules, so a trainer's ad-hoc rule overrides the timeline); `partial` field lists
add up; a `rate_limit` rule is a terminal 429 only when its bucket is empty.

Reproducibility: each rule keeps a counter of the requests it was considered for (those
whose system/operation/method/client and time window match). The random numbers for the
n-th such request come from `Random(blake2b(seed | rule id | n))`: the probability draw
first, then one draw per latency effect. The same seed and the same request sequence
therefore meet the same faults, independently of other rules. Counters restart when a rule
is re-anchored (a scenario applied again, a rule stored again), so a replay starts at n = 0
whatever the wall-clock time. Counters live in each worker,
so with several workers the interleaving is not deterministic (run one worker to replay).
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from dataclasses import dataclass, field

from simulator.faults.rules import TERMINAL_KINDS, Effect, Limits, Rule


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


@dataclass
class Decision:
    """The faults one request meets."""

    latency_s: float = 0.0
    terminal: Effect | None = None
    partial_fields: tuple[str, ...] = ()
    faults: list[str] = field(default_factory=list)  # effect names, for X-Sandbox-Fault and the journal
    rule_ids: list[str] = field(default_factory=list)

    @property
    def fault_label(self) -> str | None:
        """Comma-separated effect names (the X-Sandbox-Fault value), or None when no fault."""
        return ",".join(self.faults) if self.faults else None


def draw_rng(seed: int, rule_id: str, counter: int) -> random.Random:
    """A Random seeded from (seed, rule, counter): the n-th request's own draws."""
    key = f"{seed}|{rule_id}|{counter}".encode()
    return random.Random(int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big"))


def sample_latency(params: dict, rng: random.Random, limit_s: float) -> float:
    """One latency draw in seconds for a validated latency effect, clamped to [0, cap]."""
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

    def __init__(self, store, clock, seed: int, limits: Limits | None = None, buckets=None,
                 enabled: bool = True, real_time=time.time):
        self.store = store
        self.clock = clock
        self.seed = seed
        self.limits = limits or Limits()
        self.buckets = buckets
        self.enabled = enabled
        self._real_time = real_time
        self._counters: dict[tuple[str, float | None], int] = {}

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
        """Restart every rule's draw sequence (e.g. when a scenario is re-applied)."""
        self._counters.clear()

    def decide(self, info: RequestInfo) -> Decision:
        """The faults `info` meets right now."""
        decision = Decision()
        if not self.enabled:
            return decision
        rules = self.active_rules()
        if not rules:
            return decision
        real_now, sim_now, local = self._real_time(), self.clock.timestamp(), self.clock.now()
        partial: list[str] = []
        for rule, anchor, seed in rules:
            if not rule.matches_request(info.system, info.operation, info.method, info.client) and not (
                info.via and rule.matches_request(info.via, None, info.method, info.client)
            ):
                continue
            if not rule.active_at(real_now, sim_now, local, anchor):
                continue
            key = (rule.id, anchor)
            n = self._counters.get(key, 0)
            self._counters[key] = n + 1
            rng = draw_rng(seed, rule.id, n)
            if rule.probability < 1.0 and rng.random() >= rule.probability:
                continue
            applied = False
            for effect in rule.effects:
                if effect.kind == "latency":
                    decision.latency_s += sample_latency(effect.params, rng, self.limits.latency_cap_s)
                    self._note(decision, "latency")
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
        decision.partial_fields = tuple(partial)
        return decision

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
