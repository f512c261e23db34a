"""Wire helpers shared by the Locust users, the reference connector and the tests.

- dossier codes (MaHoSo) that cannot collide between Locust workers or runs;
- dossier and progress payloads as real connectors send them (optional fields as "");
- the push signature: `X-DVCQG-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{raw body}")>`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from datetime import date, datetime, timedelta

from simulator import connector_messages
from simulator.wire_formats import PORTAL_DATETIME, TZ

# The Locust request name under which the kit records push→sync latencies (and lost dossiers).
E2E_NAME = "e2e push→synced"
PUSH_NAME = "push dossier.submitted"

# MaHoSo is `{agency}-{yyMMdd}-{NNNN}`: only 10,000 codes per agency and day. The load kit
# spreads its codes over the whole yyMMdd range (2000-01-01 .. 2099-12-31, every one a real
# date the portal accepts) so each (run slot, worker) owns its own block of days:
#   day = EPOCH + (run_slot * MAX_WORKERS + worker) * DAYS_PER_WORKER + counter // 9999
#   NNNN = counter % 9999 + 1
# That gives every worker 99,990 codes per run and 114 run slots before slots repeat.
CODE_EPOCH = date(2000, 1, 1)
CODE_DAYS = (date(2099, 12, 31) - CODE_EPOCH).days + 1
MAX_WORKERS = 32
DAYS_PER_WORKER = 10
PER_DAY = 9999
RUN_SLOTS = CODE_DAYS // (MAX_WORKERS * DAYS_PER_WORKER)


def agency_code(province: str) -> str:
    """The one-stop desk agency the kit files dossiers under: `000.00.01.H{province}`."""
    return f"000.00.01.H{province}"


def run_slot(run_id: str) -> int:
    """The block of code days owned by a run, derived from its id (stable across workers)."""
    return int(hashlib.sha256(run_id.encode()).hexdigest(), 16) % RUN_SLOTS


def dossier_code(province: str, run_id: str, worker: int, counter: int) -> str:
    """A MaHoSo unique per (run, worker, counter); raises ValueError when a block is exhausted."""
    if not 0 <= worker < MAX_WORKERS:
        raise ValueError(f"worker index {worker} outside 0..{MAX_WORKERS - 1}")
    if not 0 <= counter < PER_DAY * DAYS_PER_WORKER:
        raise ValueError(f"counter {counter} exhausted this worker's {PER_DAY * DAYS_PER_WORKER} codes")
    offset = (run_slot(run_id) * MAX_WORKERS + worker) * DAYS_PER_WORKER + counter // PER_DAY
    day = CODE_EPOCH + timedelta(days=offset)
    return f"{agency_code(province)}-{day:%y%m%d}-{counter % PER_DAY + 1:04d}"


def new_run_id() -> str:
    """A fresh run id (the runner passes one to every Locust process of a run)."""
    return uuid.uuid4().hex[:12]


def portal_now(offset_seconds: float = 0) -> str:
    """Now (plus an offset) in the portal's yyyyMMddHHmmss, Asia/Ho_Chi_Minh."""
    return (datetime.now(TZ) + timedelta(seconds=offset_seconds)).strftime(PORTAL_DATETIME)


def citizen_id(province: str, n: int) -> str:
    """A well-formed 12-digit citizen ID: province code (3), gender/century 0, year 90, serial."""
    return f"0{province}090{n % 1_000_000:06d}"


def dossier_payload(code: str, *, status: str = "2", channel: str = "1", applicant_id: str = "") -> dict:
    """A dossier as one-stop software syncs it (optional fields as empty strings), received now."""
    return connector_messages.dossier(
        code,
        applicant_id=applicant_id or connector_messages.APPLICANT_ID,
        status=status,
        channel=channel,
        submitted=portal_now(-600),
        received=portal_now(),
        due=portal_now(5 * 86400),
    )


def progress_entry(code: str, status: str, *, officer: str = connector_messages.OFFICER, note: str = "") -> dict:
    """A progress entry (tiến độ) as connectors report it, made now."""
    return connector_messages.progress_entry(code, status, at=portal_now(), note=note or f"Chuyển trạng thái {status}", officer=officer)


def sign_push(secret: str, timestamp: int | str, raw_body: bytes) -> str:
    """The push signature header value: `sha256=` + hex HMAC-SHA256(secret, f"{timestamp}.{raw body}")."""
    message = str(timestamp).encode() + b"." + raw_body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_push(secret: str, timestamp: str, raw_body: bytes, signature: str) -> bool:
    """Constant-time check of a push signature against the raw body as received."""
    return hmac.compare_digest(sign_push(secret, timestamp, raw_body), signature or "")


def signed_push(secret: str, event: str, madonvi: str, data: dict, *, timestamp: int | None = None, style: str = "flat") -> tuple:
    """A portal-style push: (raw body, headers), signed as the portal signs it.

    `style` is the connector's body style: "flat" (the portal's default: the record's fields at the
    top level, as OpenCPS' /nps/createdossierfromdvcqg reads them) or "nested" (`{..., data}`).
    """
    timestamp = int(time.time()) if timestamp is None else timestamp
    delivery_id = uuid.uuid4().hex
    body = (
        dict(data)
        if style == "flat"
        else {
            "delivery_id": delivery_id,
            "event": event,
            "sent_at": datetime.fromtimestamp(timestamp, TZ).strftime(PORTAL_DATETIME),
            "madonvi": madonvi,
            "data": data,
        }
    )
    raw = json.dumps(body, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "X-DVCQG-Delivery": delivery_id,
        "X-DVCQG-Event": event,
        "X-DVCQG-Timestamp": str(timestamp),
        "X-DVCQG-Signature": sign_push(secret, timestamp, raw),
    }
    return raw, headers
