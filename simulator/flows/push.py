"""Portal-to-province pushes: the signed delivery contract and the job handler that sends them.

Contract (also in OpenAPI and docs/pushes.md): POST JSON in the
connector's body style (`connectors.BODY_STYLES`): `flat` (default) is the record itself, its
fields at the top level as OpenCPS' `/nps/createdossierfromdvcqg` reads them; `nested` is
`{"delivery_id", "event", "sent_at" (yyyyMMddHHmmss, sandbox clock), "madonvi", "data"}`.
Headers in both: `X-DVCQG-Delivery`, `X-DVCQG-Event`, `X-DVCQG-Timestamp` (unix seconds, real
time) and `X-DVCQG-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{raw body}")>`.
A 2xx acknowledges unless its JSON body carries a non-zero `error_code`: OpenCPS refuses with
HTTP 200 `{"error_code": -1, "message": ...}`, so such a reply is a refusal, retried like a 5xx
and dead-lettered after the last attempt, never counted delivered. Anything else or a timeout
is retried with the same delivery id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable

from simulator import clients
from simulator.clock import shared_clock
from simulator.db import database, transaction
from simulator.flows import connectors
from simulator.jobs import queue
from simulator.jobs.registry import Result, RunContext, handler
from simulator.systems import registry as systems
from simulator.wire_formats import to_portal

log = logging.getLogger("simulator.flows")

KIND = "push"
SUBMITTED = "dossier.submitted"
# Result events are declared by the systems (`SystemSpec.events`). A system with `flat_events`
# posts its message flat: the payment platform's callback `{LoaiBanTin, MaLoi, MaDoiTac, ...}`
# sits at the top level, where one-stop clients read it; the envelope's delivery_id, event,
# sent_at and madonvi ride along beside it (clients ignore extra fields).


def events() -> tuple[str, ...]:
    """Every event the portal pushes: `dossier.submitted` and each system's result events."""
    return (SUBMITTED, *systems.result_events())


REPLAY_WINDOW_S = 300

# Called with (run context, delivery id, data) when a delivery of an event is attempted / acknowledged.
AttemptHook = Callable[[RunContext, str, dict], None]
_ON_ATTEMPT: dict[str, AttemptHook] = {}
_ON_ACK: dict[str, AttemptHook] = {}


def on_attempt(event: str, hook: AttemptHook) -> None:
    """Register what to record when a delivery of `event` is attempted (e.g. pushed_at)."""
    _ON_ATTEMPT[event] = hook


def on_ack(event: str, hook: AttemptHook) -> None:
    """Register what to record when a delivery of `event` is acknowledged (e.g. acked_at)."""
    _ON_ACK[event] = hook


def sign(secret: str, timestamp: str, raw_body: bytes) -> str:
    """The X-DVCQG-Signature value: `sha256=` + hex HMAC-SHA256(secret, f"{timestamp}.{raw body}")."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + raw_body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, raw_body: bytes, signature: str, now: float | None = None) -> bool:
    """What a receiver checks: a fresh timestamp (≤ 300 s old) and a matching signature."""
    try:
        age = (time.time() if now is None else now) - int(timestamp)
    except ValueError:
        return False
    return abs(age) <= REPLAY_WINDOW_S and hmac.compare_digest(sign(secret, timestamp, raw_body), signature)


def enqueue_push(conn, province: str, event: str, data: dict, job_id: str | None = None) -> str:
    """Queue one push to a province inside the caller's transaction; returns the delivery id."""
    if event not in events():
        raise ValueError(f"unknown event {event!r}; known: {', '.join(events())}")
    return queue.enqueue(conn, KIND, {"data": data}, province=province, event=event, job_id=job_id)


def enqueue_callback(db_path_or_db, province: str, event: str, data: dict) -> str:
    """Queue an asynchronous result event (e.g. `judicial_record.result`) for a province's connector.

    The entry point ministry systems call: the delivery is durable as soon as this returns,
    and is retried with backoff until the connector acknowledges it.
    """
    db = database(db_path_or_db) if isinstance(db_path_or_db, str) else db_path_or_db
    with transaction(db) as conn:
        return enqueue_push(conn, province, event, data)


def envelope(job: queue.Job, madonvi: str, sent_at: str, body_style: str = connectors.DEFAULT_BODY_STYLE) -> dict:
    """The JSON body of a delivery in a connector's body style (flat: the record itself).

    Flat events (the payment platform's callback) are flat whatever the style: the platform
    signs its own fields, so they stay at the top level, with the delivery's metadata beside them.
    """
    if job.event in systems.flat_events():
        return {**job.payload["data"], "delivery_id": job.id, "event": job.event, "sent_at": sent_at, "madonvi": madonvi}
    if body_style == "flat":
        return dict(job.payload["data"])
    return {
        "delivery_id": job.id,
        "event": job.event,
        "sent_at": sent_at,
        "madonvi": madonvi,
        "data": job.payload["data"],
    }


def refusal(response_text: str) -> str:
    """Why a 2xx reply is a refusal ("" when it acknowledges): a JSON `error_code` other than 0.

    The code may be a number or a string ("00", "0", -1, "-1"); a non-numeric code is a refusal
    too, since nothing says it succeeded. A body that is not a JSON object acknowledges.
    """
    try:
        body = json.loads(response_text)
    except ValueError:
        return ""
    if not isinstance(body, dict) or body.get("error_code") in (None, ""):
        return ""
    code = body["error_code"]
    try:
        if not isinstance(code, bool) and int(str(code).strip()) == 0:
            return ""
    except ValueError:
        pass
    return f"refused: error_code {code!r}: {str(body.get('message', ''))[:200]}"


@handler(KIND)
def deliver(job: queue.Job, ctx: RunContext) -> Result:
    """Send one signed delivery to the province's connector; a 2xx without a refusal acknowledges it."""
    hook = _ON_ATTEMPT.get(job.event)
    if hook:
        hook(ctx, job.id, job.payload["data"])
    connector = connectors.get_connector(ctx.db, job.province)
    if connector is None:
        return Result(False, None, f"no connector registered for province {job.province}")
    client = clients.by_province(ctx.settings["seed"], job.province)
    madonvi = client.madonvi if client else f"000.00.00.H{job.province}"
    body = envelope(job, madonvi, to_portal(shared_clock(ctx.settings["db"]).now()), connector["body_style"])
    raw = json.dumps(body, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-DVCQG-Delivery": job.id,
        "X-DVCQG-Event": job.event,
        "X-DVCQG-Timestamp": timestamp,
        "X-DVCQG-Signature": sign(connector["secret"], timestamp, raw),
        "User-Agent": "dvcqg-sandbox-push/1",
    }
    timeout = ctx.settings["push_timeout_seconds"]
    # Imported here, not at module level: the gunicorn master imports the app before the
    # workers monkey-patch ssl, and requests must be loaded after the patch.
    import requests  # noqa: PLC0415 - after gevent's ssl patch

    try:
        response = requests.post(connector["url"], data=raw, headers=headers, timeout=(min(timeout, 5.0), timeout))
    except requests.Timeout:
        return Result(False, None, f"timeout after {timeout:g} s")
    except requests.RequestException as err:
        return Result(False, None, f"connection error: {type(err).__name__}: {str(err)[:300]}")
    if 200 <= response.status_code < 300:
        refused = refusal(response.text)
        if refused:
            return Result(False, response.status_code, refused)
        ack = _ON_ACK.get(job.event)
        if ack:
            ack(ctx, job.id, job.payload["data"])
        return Result(True, response.status_code)
    return Result(False, response.status_code, f"HTTP {response.status_code}: {response.text[:200]}")
