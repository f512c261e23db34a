"""What the connector did on the wire, as one list of exchanges: the grader's only input about it.

`Exchange` is one request the connector made to the sandbox: when, to which system and
operation, the HTTP status, the fault the sandbox injected (if any), and the JSON request and
response bodies when they are known. `CaptureSource` is the one small interface the grader
reads through; `SandboxCapture` fills it from a served sandbox: bodies from the check's
capture (`/sandbox/certify/capture/{province}`), and the requests the fault engine answered
itself (which never reach the app) from the request journal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from simulator.certify.sandbox_api import SandboxAPI

# Effects that answer in place of the app: the journal is the only witness of those requests.
TERMINAL_FAULTS = ("error", "hang", "reset", "empty", "truncated", "malformed_json", "dribble", "maintenance",
                   "rate_limit")


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


class SandboxCapture:
    """Exchanges from a served sandbox: captured bodies plus the journal's fault-answered requests."""

    def __init__(self, api: SandboxAPI):
        self.api = api

    def exchanges(self, province: str, since: float) -> list[Exchange]:
        """Every exchange of the province's connector since `since`, oldest first."""
        out = [
            Exchange(c["ts"], c["system"], c["operation"], c["status"], None, c["request"], c["response"], c["path"])
            for c in self.api.captured(province, since)
        ]
        for row in self.api.journal(since, f"H{province}"):
            faults = set((row.get("fault") or "").split(","))
            if faults & set(TERMINAL_FAULTS):
                out.append(Exchange(row["ts"], row["system"], row["operation"], row["status"] or None,
                                    row["fault"], path=row.get("path") or ""))
        return sorted(out, key=lambda e: e.ts)
