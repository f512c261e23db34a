"""FAULT-*: how the connector behaves when the portal fails: backoff, Retry-After, nothing lost, nothing doubled."""

from __future__ import annotations

from simulator.certify.checks.context import GENUINE, INCONCLUSIVE, Context, Result, Wording, judge_each, verdict
from simulator.certify.requirements import Requirement

# A reply's Retry-After counts as honoured this much early (two clocks, one HTTP round trip).
RETRY_AFTER_TOLERANCE_S = 0.15
# More attempts than this within one second is a retry storm.
STORM_PER_S = 5
NONE_LOST = Wording(
    "no dossier was pushed under faults", "{n} dossier(s) pushed under faults, none lost", "{n} dossier(s) lost", INCONCLUSIVE
)


def check_fault_01(ctx: Context, req: Requirement) -> Result:
    """Backoff after 503s: a retry, and no storm."""
    windows = ctx.windows("server-errors")
    if not windows:
        return Result(req, INCONCLUSIVE, "the 503 phase did not run")
    failures = []
    for w in windows:
        attempts = ctx.window_attempts(w)
        faulted = [e for e in attempts if e.fault]
        if not faulted:
            return Result(req, INCONCLUSIVE, f"the connector never met the 503s on {w.operation}")
        if not any(e.ts > faulted[0].ts for e in attempts):
            failures.append(f"{w.dossier}: no retry after {faulted[0].evidence()}")
        times = [e.ts for e in attempts]
        for i, start in enumerate(times):
            burst = [t for t in times[i:] if t - start < 1.0]
            if len(burst) > STORM_PER_S:
                failures.append(f"{w.operation}: {len(burst)} attempts within 1 s from {start:.3f} (storm)")
                break
    return verdict(req, failures, "retried with backoff after 503", "{n} finding(s)")


def check_fault_02(ctx: Context, req: Requirement) -> Result:
    """Retry-After honoured."""
    windows = ctx.windows("rate-limit", "maintenance")
    if not windows:
        return Result(req, INCONCLUSIVE, "the Retry-After phases did not run")
    failures, met = [], 0
    for w in windows:
        attempts = ctx.window_attempts(w)
        for earlier, later in zip(attempts, attempts[1:]):
            if not earlier.fault or w.retry_after_s is None:
                continue
            met += 1
            gap = later.ts - earlier.ts
            if gap < w.retry_after_s - RETRY_AFTER_TOLERANCE_S:
                failures.append(
                    f"{w.name}: {w.operation} repeated {gap:.2f} s after a reply with Retry-After: "
                    f"{w.retry_after_s:g} ({earlier.evidence()} → {later.evidence()})"
                )
        if not any(e.fault for e in attempts):
            return Result(req, INCONCLUSIVE, f"the connector never met the {w.name} fault")
    return verdict(req, failures, f"Retry-After honoured after {met} faulted call(s)", "{n} early retry(ies)")


def check_fault_03(ctx: Context, req: Requirement) -> Result:
    """No dossier lost under faults."""

    def lost(d) -> list[str]:
        if ctx.first_ok_sync(d.code) is not None or d.code in ctx.record.final:
            return []
        window = next((w for w in ctx.record.faults if w.dossier == d.code), None)
        tried = [e.evidence() for e in ctx.window_attempts(window)][-3:] if window else []
        return [f"{d.code} ({d.kind[6:]}) pushed, acknowledged, never synced; last calls: " + ("; ".join(tried) or "none")]

    return judge_each(req, ctx.planned("fault:"), lost, NONE_LOST)


def check_fault_04(ctx: Context, req: Requirement) -> Result:
    """At most one create per dossier; nothing but updates after it."""
    failures = []
    for d in ctx.planned(*GENUINE):
        events = ctx.syncs.get(d.code, [])
        created = next((i for i, s in enumerate(events) if s.ok and not s.updating), None)
        if created is None:
            continue
        again = [s for s in events[created + 1 :] if not s.updating]
        if again:
            failures.append(f"{d.code}: created, then sent as a new dossier {len(again)} more time(s): " + again[0].exchange.evidence())
    return verdict(req, failures, "every dossier created once", "{n} dossier(s) created more than once")


CHECKS = {
    "FAULT-01": check_fault_01,
    "FAULT-02": check_fault_02,
    "FAULT-03": check_fault_03,
    "FAULT-04": check_fault_04,
}
