"""Helpers the asynchronous ministry systems (judicial record, environment, payment) share: clock, timing, dates."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from flask import current_app

from simulator.clock import TZ, SandboxClock, shared_clock


def sandbox_clock() -> SandboxClock:
    """The app's sandbox clock (tests may replace `app.extensions["sandbox_clock"]`)."""
    clock = current_app.extensions.get("sandbox_clock")
    if clock is None:
        clock = shared_clock(current_app.config["SANDBOX"]["db"])
    return clock


def sim_now() -> float:
    """Simulated now, as POSIX seconds."""
    return sandbox_clock().timestamp()


def unit_draw(seed: int, purpose: str, key: str) -> float:
    """A uniform number in [0, 1) fixed by (seed, purpose, key), so replays give the same answer."""
    digest = hashlib.blake2b(f"{seed}:{purpose}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def processing_minutes(seed: int, purpose: str, key: str, median: float) -> float:
    """A processing time between median/2 and 2*median whose median is `median` (log-uniform)."""
    return median * 2 ** (2 * unit_draw(seed, purpose, key) - 1)


def local(ts: float) -> datetime:
    """A POSIX timestamp as Asia/Ho_Chi_Minh time."""
    return datetime.fromtimestamp(ts, tz=UTC).astimezone(TZ)


def ddmmyyyy(ts: float) -> str:
    """`dd/MM/yyyy`, the date format of ministry replies."""
    return local(ts).strftime("%d/%m/%Y")


def portal_time(ts: float) -> str:
    """`yyyyMMddHHmmss`, the portal's date-time format."""
    return local(ts).strftime("%Y%m%d%H%M%S")


def citizen_id_validator(value: str) -> None:
    """Marshmallow validator: a well-formed 12-digit citizen ID (DOMAIN.md rule)."""
    from marshmallow import ValidationError

    from simulator.identity import InvalidIdentifier
    from simulator.identity.rules import check_citizen_id

    try:
        check_citizen_id(value)
    except InvalidIdentifier as exc:
        raise ValidationError(exc.message) from None


def tax_code_validator(value: str) -> None:
    """Marshmallow validator: a tax / enterprise code with a valid check digit."""
    from marshmallow import ValidationError

    from simulator.identity import InvalidIdentifier
    from simulator.identity.rules import check_tax_code

    try:
        check_tax_code(value)
    except InvalidIdentifier as exc:
        raise ValidationError(exc.message) from None


def document_errors(blp, schema, codes: tuple[int, ...]):
    """Decorator: document `codes` as the system's own error schema, plus the gateway's 401/403."""
    from simulator.gateway.routes import OAuthError

    def decorate(view):
        for code in codes:
            view = blp.alt_response(code, schema=schema, description=f"Error ({code}) in this system's format")(view)
        view = blp.alt_response(401, schema=OAuthError, description="Missing or expired gateway token")(view)
        return blp.alt_response(403, schema=OAuthError, description="The province has no access right")(view)

    return decorate


def dd_mm_yyyy_validator(value: str) -> None:
    """Marshmallow validator: a real calendar date written dd/MM/yyyy."""
    from marshmallow import ValidationError

    try:
        datetime.strptime(value, "%d/%m/%Y")
    except (TypeError, ValueError):
        raise ValidationError("must be a date dd/MM/yyyy") from None
