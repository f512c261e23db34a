"""MIN-*: the connector's calls to the ministry systems: population, payment, judicial record."""

from __future__ import annotations

import re

from simulator.certify.capture import Exchange
from simulator.certify.checks.context import FAIL, INCONCLUSIVE, PASS, Context, Result, Wording, judge_each, refused, request_field
from simulator.certify.requirements import Requirement

PAYMENT_VERSION = "1.0.6"
JUDICIAL_REQUEST_FIELDS = ("maHoSoMCDT", "soDinhDanh", "hoTen", "loaiPhieu")
POPULATION_CALLS = Wording(
    "the connector made no population database call", "{n} population call(s) well-formed", "{n} malformed population call(s)"
)
PAYMENT_MESSAGES = Wording("the connector sent no payment message", "{n} payment message(s) accepted", "{n} payment message(s) refused")
JUDICIAL_REQUESTS = Wording(
    "the connector filed no judicial record request", "{n} judicial record request(s) complete", "{n} incomplete request(s)"
)


def _population_call_problems(e: Exchange) -> list[str]:
    if e.status in (400, 422):
        return [f"refused as malformed: {e.evidence()}"]
    if not e.body:
        return []
    out = []
    number, old = request_field(e, "SoDinhDanh") or "", request_field(e, "SoCMND") or ""
    if not (re.fullmatch(r"\d{12}", number) or re.fullmatch(r"\d{9}", old)):
        out.append(f"SoDinhDanh {number!r} / SoCMND {old!r}: no 12-digit (or 9-digit) identifier: {e.evidence()}")
    if not (request_field(e, "MaYeuCau") or "").strip():
        out.append(f"no MaYeuCau (request id): {e.evidence()}")
    return out


def check_min_01(ctx: Context, req: Requirement) -> Result:
    """Population calls well-formed: request id, identifier, no malformed-request refusal."""
    return judge_each(req, ctx.calls("population", faulted=False), _population_call_problems, POPULATION_CALLS)


def _payment_message_problems(e: Exchange) -> list[str]:
    kind, version = e.body.get("LoaiBanTin"), e.body.get("PhienBan")
    if version != PAYMENT_VERSION or not kind:
        return [f'LoaiBanTin {kind!r} PhienBan {version!r} (expected a type and "{PAYMENT_VERSION}"): {e.evidence()}']
    if str(e.reply.get("MaLoi")) in ("01", "03") or (e.status or 0) >= 400:
        return [f"{kind} refused: {e.evidence()}"]
    return []


def check_min_02(ctx: Context, req: Requirement) -> Result:
    """Payment messages signed and versioned."""
    return judge_each(req, ctx.calls("payment", faulted=False), _payment_message_problems, PAYMENT_MESSAGES)


def check_min_03(ctx: Context, req: Requirement) -> Result:
    """A forged payment callback refused."""
    callback = ctx.record.callback
    if not callback:
        return Result(req, INCONCLUSIVE, "the forged callback was not sent")
    body = callback.get("body")
    if refused({"status": callback.get("status"), "body": body}) or (isinstance(body, dict) and body.get("MaLoi") not in (None, "00")):
        return Result(req, PASS, f"the forged payment.result for {callback['MaHoSo']} was refused")
    return Result(
        req, FAIL, "a payment.result with a wrong MaXacThuc was acknowledged", [f"HTTP {callback.get('status')} {str(body)[:200]}"]
    )


def _judicial_request_problems(e: Exchange) -> list[str]:
    missing = [f for f in JUDICIAL_REQUEST_FIELDS if not request_field(e, f)]
    if missing or str(e.reply.get("statusCode")) != "00":
        return [f"missing {', '.join(missing) or 'nothing'}: {e.evidence()}"]
    return []


def check_min_04(ctx: Context, req: Requirement) -> Result:
    """Judicial record requests complete."""
    return judge_each(req, [e for e in ctx.calls("judicial_record", "requests") if e.body], _judicial_request_problems, JUDICIAL_REQUESTS)


CHECKS = {
    "MIN-01": check_min_01,
    "MIN-02": check_min_02,
    "MIN-03": check_min_03,
    "MIN-04": check_min_04,
}
