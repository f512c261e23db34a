"""What the connector did on the wire, as one list of exchanges: the grader's only input about it.

`Exchange` is one request the connector made to the sandbox: when it started and when it was
answered, to which system and operation, the HTTP status, the fault the sandbox answered it with (if any), and the JSON
request and response bodies. `CaptureSource` is the one small interface the grader reads
through; `SandboxCapture` fills it from a served sandbox's request capture
(`GET /sandbox/requests`, see simulator/faults/capture.py): every simulated request of the
province, with its bodies (secrets masked; the fields the checks read are never masked).

A request the fault engine answered itself (a reset, an injected 429 or 503) never reached the
system: the grader judges it by its time and fault only, so its exchange carries no bodies, as
if the system had never seen it.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from simulator.certify.sandbox_api import SandboxAPI
from simulator.faults import kinds

# Effects that answer in place of the system (one source: the fault kinds' declarations).
TERMINAL_FAULTS = frozenset(kinds.names(stage="terminal"))


@dataclass
class Exchange:
    """One request of the connector and what it got back."""

    ts: float
    system: str
    operation: str | None
    status: int | None
    fault: str | None = None
    request: Any = None
    response: Any = None
    path: str = ""
    extra: dict = field(default_factory=dict)
    started: float | None = None  # when the sandbox received it (`ts`: when it finished answering)

    @property
    def began(self) -> float:
        """When the sandbox received the request (`ts` when unknown)."""
        return self.ts if self.started is None else self.started

    @property
    def body(self) -> dict:
        """The request body as a dict ({} when unknown or not an object)."""
        return self.request if isinstance(self.request, dict) else {}

    @property
    def reply(self) -> dict:
        """The response body as a dict ({} when unknown or not an object)."""
        return self.response if isinstance(self.response, dict) else {}

    def evidence(self) -> str:
        """One line describing the exchange for a report."""
        what = f"{self.system}/{self.operation or '-'}"
        status = f"HTTP {self.status}" if self.status else "no HTTP answer"
        fault = f" [fault: {self.fault}]" if self.fault else ""
        reply = ""
        if self.reply:
            code = self.reply.get("error_code", self.reply.get("MaLoi", self.reply.get("statusCode")))
            message = str(self.reply.get("message", self.reply.get("MoTaLoi", "")))[:120]
            reply = f" reply {code!r} {message}".rstrip()
        return f"{self.ts:.3f} {what} {status}{fault}{reply}"


class CaptureSource(Protocol):
    """Where the grader reads the connector's exchanges from."""

    def exchanges(self, province: str, since: float) -> list[Exchange]:
        """Every exchange of the province's connector since a POSIX time, oldest first."""


def decoded_body(part: dict) -> Any:
    """A captured request or response body as the checks read it: parsed JSON, else `{"_raw": text}` (SOAP, forms), else None.

    A body cut at `capture_body_bytes` is no longer JSON: it is kept as `_raw` text, which the
    checks still search for SOAP-style fields (and the exchange notes `request_cut`).
    """
    text = part.get("body") or ""
    if not text:
        return None
    if part.get("body_encoding") == "base64":
        text = base64.b64decode(text).decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return {"_raw": text}


def exchange_of(item: dict) -> Exchange:
    """The exchange of one captured request (an item of GET /sandbox/requests)."""
    label = item.get("fault") or ""
    terminal = label if TERMINAL_FAULTS.intersection(label.split(",")) else None
    ex = Exchange(item["ts"], item["system"], item["operation"], item["status"] or None, terminal, path=item.get("path") or "")
    # `ts` is when the last byte went out, which a busy worker may note after the client's next
    # call began: the start (ts - latency) orders one client's calls as it made them.
    ex.started = item["ts"] - (item.get("latency_ms") or 0.0) / 1000
    if terminal is None:
        ex.request, ex.response = decoded_body(item["request"]), decoded_body(item["response"])
        ex.extra["request_cut"] = bool(item["request"].get("body_truncated"))
    return ex


class SandboxCapture:
    """Exchanges from a served sandbox's request capture."""

    def __init__(self, api: SandboxAPI):
        self.api = api
        self.cut = 0

    def exchanges(self, province: str, since: float) -> list[Exchange]:
        """Every exchange of the province's connector since `since`, in the order they began (`cut`: bodies cut short)."""
        # The capture filters by `ts`, when a request finished; a call that began before `since` (the
        # campaign's own set-up, answered a moment later) is not the connector's.
        out = sorted((e for e in map(exchange_of, self.api.captured(province, since)) if e.began >= since), key=lambda e: e.began)
        self.cut = sum(1 for e in out if e.extra.get("request_cut"))
        return out
