"""The fault middleware's bookkeeping of one request: its journal row, written once the body is sent.

`Record` journals a request exactly once, with the status its response started with (0 for a
dropped connection); `Finishing` wraps the response body so that the row is made when the server
closes the body (its last byte sent), tees the body into the capture snapshot when capture is on,
and runs an `after` action (a shutdown for truncated and slow_close) once the body is out.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterable

from simulator.faults import capture
from simulator.faults.engine import Decision, RequestInfo


class Record:
    """Journals one request exactly once, with the status seen by start_response."""

    def __init__(self, journal, info: RequestInfo, decision: Decision, started: float, sim_ts: float | None):
        self.journal, self.info, self.decision, self.started = journal, info, decision, started
        self.sim_ts = sim_ts
        self.status = 0
        self.done = False
        self.snap: capture.Snapshot | None = None  # with capture on: headers and bodies
        self.body_limit = 0

    def responded(self, status: int, headers: list[tuple[str, str]]) -> None:
        """Note the status and headers the response starts with."""
        self.status = status
        if self.snap is not None:
            self.snap.response_headers = headers

    def __call__(self, status: int | None = None) -> None:
        """Queue the journal row (once); `status` overrides the noted one (0: no response)."""
        if self.done or self.journal is None:
            return
        self.done = True
        info = self.info
        self.journal.record(
            {
                "ts": time.time(),
                "sim_ts": self.sim_ts,
                "request_id": info.request_id,
                "client": info.client,
                "system": info.system,
                "operation": info.operation,
                "method": info.method,
                "path": info.path,
                "status": self.status if status is None else status,
                "fault": self.decision.fault_label,
                "latency_ms": round((time.monotonic() - self.started) * 1000, 3),
                "capture": self.snap,
            }
        )


class Finishing:
    """Wraps a response iterable; journals the request when the server closes it (last byte sent)."""

    def __init__(self, iterable: Iterable[bytes], record):
        self.iterable = iterable
        self.record = record
        self.after: Callable[[], None] | None = None  # runs once the server has written the body

    def __iter__(self):
        snap = getattr(self.record, "snap", None)
        if snap is not None:
            return capture.tee(snap, self.iterable, self.record.body_limit)
        return iter(self.iterable)

    def close(self) -> None:
        """Close the wrapped body, journal the request, then run `after`."""
        try:
            if hasattr(self.iterable, "close"):
                self.iterable.close()
        finally:
            self.record()
            if self.after is not None:
                self.after()


def client_socket(environ: dict):
    """The client connection's socket, as the gunicorn worker put it in the environ (None elsewhere)."""
    # gunicorn's own gevent worker names it `gunicorn.socket`; its pywsgi handler `gunicorn.sock`.
    return environ.get("gunicorn.sock") or environ.get("gunicorn.socket")


def shutdown(sock) -> None:
    """Shut the connection down both ways (the client reads EOF); nothing when there is no socket."""
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
