"""PUSH-*: how the connector answers the portal's pushes (refuses forged ones, acknowledges genuine ones once)."""

from __future__ import annotations

from simulator.certify.checks.context import INCONCLUSIVE, Context, Result, nonzero, refused, verdict
from simulator.certify.requirements import Requirement

REFUSED_KINDS = ("forged", "tampered", "replayed")


def check_push_refused(ctx: Context, req: Requirement, kinds: tuple[str, ...]) -> Result:
    """PUSH-01 / PUSH-02: the push was refused and its dossier never synced."""
    items = ctx.planned(*kinds)
    if not items or not all(d.replies for d in items):
        return Result(req, INCONCLUSIVE, "the campaign did not send these pushes")
    failures = []
    for d in items:
        reply = d.replies[-1]
        if not refused(reply):
            failures.append(f"{d.kind} push of {d.code} acknowledged: HTTP {reply['status']} {str(reply['body'])[:150]}")
        if ctx.syncs.get(d.code) or d.code in ctx.record.final:
            failures.append(f"{d.kind} push of {d.code} was synced to the portal anyway")
    return verdict(req, failures, f"{len(items)} push(es) refused, none synced", "{n} problem(s) with refused pushes")


def check_push_01(ctx: Context, req: Requirement) -> Result:
    """Forged and tampered pushes refused."""
    return check_push_refused(ctx, req, ("forged", "tampered"))


def check_push_02(ctx: Context, req: Requirement) -> Result:
    """Replayed pushes refused."""
    return check_push_refused(ctx, req, ("replayed",))


def check_push_03(ctx: Context, req: Requirement) -> Result:
    """Refusals carry JSON error_code (non-zero) and message."""
    items = [d for d in ctx.planned(*REFUSED_KINDS) if d.replies and refused(d.replies[-1])]
    if not items:
        return Result(req, INCONCLUSIVE, "no push was refused, so no refusal could be read")
    failures = []
    for d in items:
        body = d.replies[-1]["body"]
        if not isinstance(body, dict) or not nonzero(body.get("error_code")) or not str(body.get("message") or ""):
            failures.append(
                f"refusal of the {d.kind} push of {d.code}: HTTP {d.replies[-1]['status']} "
                f"{str(body)[:150]} (expected JSON with a non-zero error_code and a message)"
            )
    return verdict(req, failures, f"{len(items)} refusal(s) in the receivers' style", "{n} refusal(s) unreadable")


def check_push_04(ctx: Context, req: Requirement) -> Result:
    """Genuine pushes acknowledged."""
    failures = []
    online = {d.code for d in ctx.planned("online")}
    checked = 0
    for item in ctx.record.submissions:
        if item.get("MaHoSo") in online:
            checked += 1
            if not item.get("acked_at"):
                failures.append(f"portal push of {item['MaHoSo']} (delivery {item.get('delivery_id', '')[:8]}…) never acknowledged")
    for d in ctx.planned("repeated", "existing", "fault:"):
        for reply in d.replies:
            checked += 1
            if refused(reply):
                failures.append(f"push of {d.code} ({d.kind}) refused: HTTP {reply['status']} {str(reply['body'])[:150]}")
    if not checked:
        return Result(req, INCONCLUSIVE, "no genuine push was made")
    return verdict(req, failures, f"{checked} genuine push(es) acknowledged", "{n} genuine push(es) not acknowledged")


def check_push_05(ctx: Context, req: Requirement) -> Result:
    """A redelivery is processed once."""
    items = ctx.planned("repeated")
    if not items or len(items[0].replies) < 2:
        return Result(req, INCONCLUSIVE, "the repeated delivery was not sent")
    d = items[0]
    failures = [f"delivery {d.delivery_id[:8]}… push {i + 1} refused: HTTP {r['status']}" for i, r in enumerate(d.replies) if refused(r)]
    baseline = max([sum(1 for s in ctx.syncs.get(o.code, []) if s.ok) for o in ctx.planned("online")] or [1])
    done = [s for s in ctx.syncs.get(d.code, []) if s.ok]
    if not done:
        failures.append(f"{d.code} was never synced")
    elif len(done) > max(1, baseline):
        failures.append(
            f"{d.code} synced {len(done)} times for one delivery (a dossier pushed once: {baseline}): "
            + "; ".join(s.exchange.evidence() for s in done[:3])
        )
    return verdict(
        req, failures, f"{d.code}: both deliveries acknowledged, synced once", "the redelivery was processed again ({n} finding(s))"
    )


CHECKS = {
    "PUSH-01": check_push_01,
    "PUSH-02": check_push_02,
    "PUSH-03": check_push_03,
    "PUSH-04": check_push_04,
    "PUSH-05": check_push_05,
}
