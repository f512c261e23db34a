"""What the fault middleware does to a response: the answers it makes up and the bodies it reshapes.

- `synthetic`: the error, maintenance (503) and rate_limit (429) answers, in the addressed
  system's own error format, with `Retry-After` where the real systems send it;
- `partial`: named fields removed, at any depth, from a JSON body;
- `break_json`: a JSON body broken by a dangling comma (malformed_json);
- `paced` and `dribbled`: a body sent in pieces over time (latency spread, bandwidth, dribble).
Headers are `(name, value)` lists as WSGI passes them; `set_header` replaces by name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from http import HTTPStatus

from simulator.faults.engine import Decision, RequestInfo
from simulator.faults.formats import JSON, format_error

MAINTENANCE_MESSAGE = "Hệ thống đang bảo trì, vui lòng thử lại sau"


def status_code(status: str) -> int:
    """The number of a WSGI status line ("200 OK" → 200; 0 when it has none)."""
    try:
        return int(status.split(" ", 1)[0])
    except ValueError:
        return 0


def set_header(headers: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """`headers` with every `name` header (any case) replaced by one `name: value`."""
    low = name.lower()
    return [(k, v) for k, v in headers if k.lower() != low] + [(name, value)]


def get_header(headers: list[tuple[str, str]], name: str) -> str | None:
    """The first `name` header's value (any case), or None."""
    low = name.lower()
    return next((v for k, v in headers if k.lower() == low), None)


def reason(status: int) -> str:
    """The standard reason phrase of a status code ("Error" for a code HTTP does not name)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def strip_fields(value, fields: set[str]):
    """`value` with every mapping key in `fields` removed, at any depth."""
    if isinstance(value, dict):
        return {k: strip_fields(v, fields) for k, v in value.items() if k not in fields}
    if isinstance(value, list):
        return [strip_fields(v, fields) for v in value]
    return value


def break_json(body: bytes) -> bytes:
    """A JSON body every strict parser refuses (a trailing comma before the last bracket)."""
    if not body:
        return b"{"
    stripped = body.rstrip()
    if stripped[-1:] in (b"}", b"]"):
        return stripped[:-1] + b"," + stripped[-1:]
    return body + b"{"


def synthetic(info: RequestInfo, decision: Decision) -> tuple[str, list[tuple[str, str]], bytes]:
    """(status line, headers, body) of an error, maintenance or rate_limit answer made up by the middleware."""
    effect = decision.terminal
    params = effect.params
    headers: list[tuple[str, str]] = []
    if effect.kind == "error":
        status = params["status"]
        if "body" in params:
            body = params["body"]
            content_type = "text/plain; charset=utf-8" if isinstance(body, str) else JSON
        else:
            body, content_type = format_error(info.system, status, params.get("message"))
        headers.extend(params.get("headers", {}).items())
    elif effect.kind == "maintenance":
        status = 503
        body, content_type = format_error(info.system, 503, params.get("message", MAINTENANCE_MESSAGE))
        headers.append(("Retry-After", str(params["retry_after_s"])))
    else:
        status = 429
        body, content_type = format_error(info.system, 429)
        headers.append(("Retry-After", str(params["retry_after_s"])))
    raw = body.encode() if isinstance(body, str) else json.dumps(body, ensure_ascii=False).encode()
    headers = set_header(headers, "Content-Type", content_type)
    return f"{status} {reason(status)}", headers, raw


def partial(body: bytes, headers: list, fields: tuple[str, ...]) -> tuple[bytes, list]:
    """A JSON body without the named fields (any other body unchanged)."""
    if "json" not in (get_header(headers, "Content-Type") or ""):
        return body, headers
    try:
        data = json.loads(body)
    except ValueError:
        return body, headers
    return json.dumps(strip_fields(data, set(fields)), ensure_ascii=False).encode(), headers


def paced(body: bytes, decision: Decision, sleep: Callable[[float], None]) -> Iterable[bytes]:
    """The body paced by `latency` with spread (even pauses) and/or `bandwidth` (bytes per second)."""
    rate = decision.shapes.get("bandwidth", {}).get("bytes_per_s")
    # Tenths of a second at the bandwidth, or ten pieces over the spread delay.
    size = max(1, rate // 10) if rate else max(1, -(-len(body) // 10))
    pieces = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
    spread_pause = decision.spread_s / len(pieces)
    for i, piece in enumerate(pieces):
        pause = (len(piece) / rate if rate else 0.0) + spread_pause
        if i and pause > 0:
            sleep(pause)  # headers and the first piece go at once: the delay is in the body
        yield piece
    if rate and pieces:
        sleep(len(pieces[0]) / rate)  # the first piece's share of the budget


def dribbled(body: bytes, params: dict, sleep: Callable[[float], None]) -> Iterable[bytes]:
    """The body in `chunks` pieces spread evenly over `duration_s` (the dribble effect)."""
    chunks = max(1, min(params["chunks"], len(body) or 1))
    size = -(-len(body) // chunks) if body else 0
    pause = params["duration_s"] / chunks
    for i in range(chunks):
        sleep(pause)  # sleep first: the whole body takes duration_s, not duration_s - pause
        yield body[i * size : (i + 1) * size]
