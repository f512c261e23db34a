"""Each system's health (healthy / slow / failing) from active fault rules and the recent journal.

Two sources, the worse one wins:

- **Rules** say what is about to happen: an active rule matching the system whose terminal
  effect breaks the answer (`error`, `reset`, `hang`, `maintenance`, `empty`, `truncated`,
  `malformed_json`) with probability ≥ 0.5 and no operation/client/method restriction makes it
  *failing*; the same effect at a lower probability or for only some callers makes it *slow*
  (degraded), as do `latency` whose typical delay times its probability reaches 1 s, `dribble`
  and `rate_limit`. A baseline delay (police-db-outage's "normal" phase adds 0.5 s) stays healthy.
- **The journal** says what happened in the last 30 s: with at least 3 requests, an error rate
  (status 0 = connection fault, 429, 5xx) ≥ 50 % is *failing*; ≥ 10 %, or a p95 latency ≥ 1 s,
  is *slow*.

The journal scan is bounded: it reads at most the newest `SCAN_MAX_ROWS` rows (a rowid
range, so its cost does not grow with the journal) and aggregates them in one SQL statement.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Iterable

import sqlite_utils

from simulator.faults import kinds
from simulator.faults.rules import Rule

HEALTHY, SLOW, FAILING = "healthy", "slow", "failing"
_RANK = {HEALTHY: 0, SLOW: 1, FAILING: 2}

# How the dashboard classes each fault kind is declared with the kind (simulator/faults/kinds.py).
BREAKING_EFFECTS = kinds.names(dashboard="breaking")
SLOWING_EFFECTS = kinds.names(dashboard="slowing")
FAILING_PROBABILITY = 0.5
SLOW_LATENCY_S = 1.0

OBSERVED_WINDOW_S = 30.0
RATE_WINDOW_S = 10.0  # requests per second over a shorter window, so the figure reacts quickly
MIN_REQUESTS = 3  # one unlucky request is not a trend
FAILING_ERROR_RATE = 0.5
SLOW_ERROR_RATE = 0.1
SLOW_P95_MS = 1000.0
SCAN_MAX_ROWS = 50_000


def worse(a: str, b: str) -> str:
    """The worse of two health values."""
    return a if _RANK[a] >= _RANK[b] else b


def _matches_system(rule: Rule, system: str) -> bool:
    if rule.system is None:
        return True
    return any(p == system or fnmatch.fnmatchcase(system, p) for p in rule.system)


def typical_latency_s(params: dict) -> float:
    """The typical delay of a validated latency effect (mean or median, capped)."""
    value = {
        "fixed": lambda: params["seconds"],
        "uniform": lambda: (params["min_s"] + params["max_s"]) / 2,
        "normal": lambda: params["mean_s"],
        "lognormal": lambda: params["median_s"],
    }[params["dist"]]()
    return max(0.0, min(value, params["cap_s"]))


def health_from_rules(rules: Iterable[Rule], system: str) -> tuple[str, list[str]]:
    """Health implied by the rules active now for `system`, with one reason per rule that counts."""
    health, reasons, latency = HEALTHY, [], 0.0
    for rule in rules:
        if not _matches_system(rule, system):
            continue
        # A rule for some operations or callers only hurts part of the traffic: degraded, not down.
        partial = rule.operation is not None or rule.client is not None or rule.method is not None
        for effect in rule.effects:
            if effect.kind in BREAKING_EFFECTS:
                failing = rule.probability >= FAILING_PROBABILITY and not partial
                health = worse(health, FAILING if failing else SLOW)
                reasons.append(f"{rule.name}: {effect.kind} p={rule.probability:g}")
            elif effect.kind in SLOWING_EFFECTS:
                health = worse(health, SLOW)
                reasons.append(f"{rule.name}: {effect.kind}")
            elif effect.kind == "latency":
                latency += typical_latency_s(effect.params) * rule.probability
    if latency >= SLOW_LATENCY_S:
        health = worse(health, SLOW)
        reasons.append(f"latency ≈ {latency:.1f} s")
    return health, reasons


def observed_traffic(db: sqlite_utils.Database, now: float | None = None) -> dict[str, dict]:
    """Per system over the last 30 s: requests, requests per second, error rate and p95 latency (ms)."""
    now = time.time() if now is None else now
    since, rate_since = now - OBSERVED_WINDOW_S, now - RATE_WINDOW_S
    floor_id = (db.execute("SELECT max(id) FROM request_journal").fetchone()[0] or 0) - SCAN_MAX_ROWS
    # Nearest-rank p95 per system with window functions; rank = ceil(0.95 n) in integer arithmetic.
    rows = db.execute(
        """WITH recent AS (
               SELECT system, ts, status, latency_ms FROM request_journal WHERE id > ? AND ts >= ?),
           ranked AS (
               SELECT system, latency_ms,
                      ROW_NUMBER() OVER (PARTITION BY system ORDER BY latency_ms) AS rn,
                      COUNT(*) OVER (PARTITION BY system) AS n
               FROM recent),
           p95 AS (SELECT system, latency_ms FROM ranked WHERE rn = MAX(1, (95 * n + 99) / 100))
           SELECT r.system, count(*), sum(r.ts >= ?),
                  sum(r.status = 0 OR r.status = 429 OR r.status >= 500), p95.latency_ms
           FROM recent r LEFT JOIN p95 ON p95.system = r.system
           GROUP BY r.system""",
        [floor_id, since, rate_since],
    ).fetchall()
    return {
        system: {
            "requests": count,
            "rps": round((recent or 0) / RATE_WINDOW_S, 2),
            "error_rate": round((errors or 0) / count, 4) if count else 0.0,
            "p95_ms": None if p95 is None else round(p95, 1),
        }
        for system, count, recent, errors, p95 in rows
    }


def health_from_traffic(traffic: dict | None) -> tuple[str, list[str]]:
    """Health implied by the observed figures of one system (see `observed_traffic`)."""
    if not traffic or traffic["requests"] < MIN_REQUESTS:
        return HEALTHY, []
    rate, p95 = traffic["error_rate"], traffic["p95_ms"]
    if rate >= FAILING_ERROR_RATE:
        return FAILING, [f"errors {rate:.0%} in {OBSERVED_WINDOW_S:g} s"]
    health, reasons = HEALTHY, []
    if rate >= SLOW_ERROR_RATE:
        health, reasons = SLOW, [f"errors {rate:.0%} in {OBSERVED_WINDOW_S:g} s"]
    if p95 is not None and p95 >= SLOW_P95_MS:
        health = SLOW
        reasons.append(f"p95 {p95 / 1000:.1f} s")
    return health, reasons


def system_health(system: str, rules: list[Rule], traffic: dict | None) -> dict:
    """One system's entry for the state endpoint: health, why, and its live figures."""
    by_rules, rule_reasons = health_from_rules(rules, system)
    by_traffic, traffic_reasons = health_from_traffic(traffic)
    traffic = traffic or {"requests": 0, "rps": 0.0, "error_rate": 0.0, "p95_ms": None}
    return {
        "name": system,
        "health": worse(by_rules, by_traffic),
        "health_by_rules": by_rules,
        "health_by_traffic": by_traffic,
        "reasons": rule_reasons + traffic_reasons,
        **traffic,
    }
