"""WSGI middleware that puts the fault engine in front of every simulated system.

`FaultMiddleware(app, classify, engine, journal)` asks `classify(environ)` which simulated
system and operation a request is for (None: not simulated, e.g. /metrics, /docs, the admin
API: no fault, no journal row), asks the engine for a decision, and plays it on the wire:

- latency: nothing is sent until `latency_s` after the request arrived (`environ["sandbox.arrived"]`
  from the sandbox's HTTP worker, else when it reached the middleware; a greenlet waits in
  `sleep_first`, never an OS thread). When the app is called (a plain reply, or
  one a fault reshapes), it runs first and its reply is held for the rest of the latency: the
  sandbox's own processing and queueing count inside the configured latency, so a client sees that
  latency and not latency plus the sandbox's load; and a burst of delayed requests comes back
  needing only its writes, instead of a burst of app work (which, with a fixed delay, met the
  next burst one delay later and kept a queue going). Error, maintenance, rate-limit, hang and
  reset replies wait before they are made;
- error / maintenance (503) / rate_limit (429): answered here in the system's error format,
  with `Retry-After` for 429 and 503; the app is not called;
- hang: the connection stays silent for `cap_s`, then is closed with no response;
- reset: TCP RST (SO_LINGER 0 then close on the client socket the gunicorn worker puts in the
  environ, `gunicorn.sock` or `gunicorn.socket`), so clients see
  "connection reset by peer";
- empty: the app's status and headers with an empty body;
- truncated: the app's full `Content-Length` but only the first half of the body, then the
  connection closes, as when an upstream dies mid-response (clients see an incomplete read);
- malformed_json: the app's body with its JSON broken (a dangling comma), status kept;
- dribble: the app's body sent in chunks spread evenly over `duration_s`;
- partial: named fields removed, at any depth, from the app's JSON body.

Every response carries `X-Request-ID` (the client's, if it sent a sane one, else a new one;
the app finds it in `environ['sandbox.request_id']`) and, when a fault was injected,
`X-Sandbox-Fault: <effect>[,<effect>...]` (e.g. `latency,partial`). hang and reset leave no
response to carry headers; the journal records them with status 0.

With capture on (`journal.capture.enabled`), each journaled request also hands the journal a
`capture.Snapshot`: references to the request's headers and body the classifier already read,
the response headers, and the first `capture_body_bytes` of the response body, teed while the
server sends it. Masking and encoding happen later, in the journal's flusher.
"""

from __future__ import annotations

import errno
import itertools
import json
import logging
import os
import re
import socket
import struct
import time
from collections.abc import Callable, Iterable

import gevent

from simulator.faults import capture
from simulator.faults.engine import Decision, Engine, RequestInfo
from simulator.faults.formats import JSON, format_error
from simulator.faults.recording import Finishing, Record, client_socket, shutdown
from simulator.faults.responses import break_json, dribbled, paced, partial, set_header, status_code, synthetic
from simulator.faults.wsgi_body import hostile_json_reason

ARRIVED_KEY = "sandbox.arrived"  # set by simulator/http_worker.py: when the request's first bytes arrived
log = logging.getLogger(__name__)
REQUEST_ID_RE = re.compile(r"^[\w.:@/+=-]{1,128}$")


def _new_id_source() -> tuple[str, Iterable[int]]:
    return os.urandom(8).hex(), itertools.count(1)


# Generated request ids are 32 hex digits: a random per-process prefix and a counter (unique without
# a system call per request; uuid4 reads the kernel's random source every time). Re-drawn in every
# forked worker so two workers never share a prefix.
_id_prefix, _id_counter = _new_id_source()


def _reseed_ids() -> None:
    global _id_prefix, _id_counter
    _id_prefix, _id_counter = _new_id_source()


os.register_at_fork(after_in_child=_reseed_ids)


def new_request_id() -> str:
    """A fresh request id: 32 lowercase hex digits, unique across workers and restarts."""
    return f"{_id_prefix}{next(_id_counter):016x}"


HOLD_PRIORITY = 1  # libev runs ready watchers by priority: default 0, highest 2


def sleep_first(seconds: float) -> None:
    """`gevent.sleep`, but when its time is up the event loop wakes this greenlet before other ready work.

    A held reply needs only its write once its latency is over; the new requests that became ready
    in the same turn of the loop need their whole processing, which their own latency absorbs. After
    a pause (a garbage collection, the other worker's time slice) the replies then go out first
    instead of waiting behind that processing.
    """
    hub = gevent.get_hub()
    loop = hub.loop
    with loop.timer(seconds, priority=HOLD_PRIORITY) as timer:
        loop.update_now()  # as gevent.sleep: count from now, not from the start of this turn of the loop
        hub.wait(timer)


def _buffered(result: Iterable[bytes]) -> list[bytes]:
    """A WSGI app's whole body as one chunk (empty chunks dropped), the app's iterable closed."""
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return [body] if body else []


class ConnectionDropped(ConnectionResetError):
    """Raised to the server after the socket was closed on purpose (hang, reset).

    A connection reset is what both gunicorn's gevent worker and gevent's pywsgi treat as "the
    client went away": they close the connection and log at most a debug line, so a reset storm
    does not become a traceback storm.
    """

    def __init__(self, kind: str):
        super().__init__(errno.ECONNRESET, f"connection dropped on purpose ({kind})")
        self.kind = kind


class FaultMiddleware:
    """WSGI middleware applying fault decisions to classified requests and journaling them."""

    def __init__(
        self,
        app: Callable,
        classify: Callable[[dict], RequestInfo | None],
        engine: Engine,
        journal=None,
        sleep: Callable[[float], None] = sleep_first,
        max_body_bytes: int = 2_000_000,
    ):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.classify = classify
        self.engine = engine
        self.journal = journal
        self.sleep = sleep
        self.requests_seen = 0  # every request, classified or not: the worker's activity signal

    def __call__(self, environ: dict, start_response: Callable):
        """Handle one request (the WSGI entry point)."""
        now = time.monotonic()
        arrived = min(environ.get(ARRIVED_KEY, now), now)  # the journal's latency and an injected one count from here
        self.requests_seen += 1
        request_id = environ.get("HTTP_X_REQUEST_ID", "")
        if not REQUEST_ID_RE.match(request_id):
            request_id = new_request_id()
        environ["sandbox.request_id"] = request_id
        hostile = hostile_json_reason(environ, self.max_body_bytes)
        try:
            info = self.classify(environ)
        except Exception:  # a classifier bug must not take the simulated systems down
            log.exception("fault classifier failed; request passes through unfaulted")
            info = None
        if hostile is not None:
            return self._refuse_hostile(environ, start_response, info, hostile, request_id, arrived)
        if info is None:
            return self.app(environ, self._with_headers(start_response, request_id, None))
        info.request_id = request_id
        info.path = info.path or environ.get("PATH_INFO", "")
        decision = self.engine.decide(info)
        record = self._recorder(info, decision, arrived, environ)
        terminal = decision.terminal.kind if decision.terminal else None
        if terminal in ("hang", "reset"):
            self._hold(arrived, decision)
            return self._drop(environ, decision, record)
        if terminal in ("error", "maintenance", "rate_limit"):
            self._hold(arrived, decision)
            status, headers, body = synthetic(info, decision)
            return self._respond(start_response, status, headers, [body], request_id, decision, record)
        paced = decision.spread_s > 0 or "bandwidth" in decision.shapes
        if terminal is None and not decision.partial_fields and not paced:
            sr = self._with_headers(start_response, request_id, decision.fault_label, record)
            if decision.latency_s <= 0:
                return self._closing(environ, decision, Finishing(self.app(environ, sr), record))
            try:
                # The reply is made now and held: the server sends nothing before the body is returned.
                # Buffered, so that what waits is its bytes, not the app's request and response objects.
                body = _buffered(self.app(environ, sr))
            finally:
                self._hold(arrived, decision)
            return self._closing(environ, decision, Finishing(body, record))
        try:
            status, headers, body = self._call_app(environ)
        finally:
            self._hold(arrived, decision)
        if decision.partial_fields:
            body, headers = partial(body, headers, decision.partial_fields)
        return self._transform(environ, start_response, terminal, decision, status, headers, body, request_id, record)

    # -- helpers ---------------------------------------------------------------------------
    def _hold(self, arrived: float, decision: Decision) -> None:
        """Wait until `decision.latency_s` has passed since the request arrived (monotonic `arrived`)."""
        if decision.latency_s > 0:
            rest = decision.latency_s - (time.monotonic() - arrived)
            if rest > 0:
                self.sleep(rest)

    def _refuse_hostile(self, environ: dict, start_response, info: RequestInfo | None, reason: str, request_id: str, started: float):
        """400 in the addressed system's own error format (the sandbox's own shape off-system)."""
        message = f"request body refused: {reason}"
        if info is None:
            body, content_type = {"code": 400, "status": "Bad Request", "message": message}, JSON
        else:
            body, content_type = format_error(info.system, 400, message)
        raw = json.dumps(body, ensure_ascii=False).encode()
        headers = [("Content-Type", content_type), ("Content-Length", str(len(raw))), ("X-Request-ID", request_id)]
        start_response("400 Bad Request", headers)
        if info is not None:
            info.request_id, info.path = request_id, info.path or ""
            record = self._recorder(info, Decision(), started, environ)
            record.responded(400, headers)
            return Finishing([raw], record)
        return [raw]

    def _recorder(self, info: RequestInfo, decision: Decision, started: float, environ: dict) -> Record:
        sim_ts = self.engine.clock.timestamp() if self.journal is not None else None
        record = Record(self.journal, info, decision, started, sim_ts)
        settings = getattr(self.journal, "capture", None)
        if settings is not None and settings.enabled:
            record.snap = capture.snapshot(info.view, environ.get("QUERY_STRING", ""), info.via, settings.body_bytes)
            record.body_limit = settings.body_bytes
        return record

    @staticmethod
    def _with_headers(start_response, request_id: str, fault: str | None, record=None):
        def wrapped(status, headers, exc_info=None):
            headers = set_header(list(headers), "X-Request-ID", request_id)
            if fault:
                headers = set_header(headers, "X-Sandbox-Fault", fault)
            if record is not None:
                record.responded(status_code(status), headers)  # journaled when the body is finished
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return wrapped

    def _drop(self, environ: dict, decision: Decision, record) -> Iterable[bytes]:
        effect = decision.terminal
        sock = client_socket(environ)
        if effect.kind == "hang":
            self.sleep(effect.params["cap_s"])
        record(0)
        if sock is not None:
            try:
                if effect.kind == "reset":
                    # Linger on with timeout 0: close() discards unsent data and sends RST.
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                else:
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            except OSError:
                pass
        raise ConnectionDropped(effect.kind)

    def _call_app(self, environ: dict) -> tuple[str, list[tuple[str, str]], bytes]:
        captured: dict = {}
        chunks: list[bytes] = []

        def start(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, list(headers)
            return chunks.append

        result = self.app(environ, start)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return captured["status"], captured["headers"], b"".join(chunks)

    def _transform(self, environ, start_response, terminal, decision, status, headers, body, request_id, record):
        if terminal == "empty":
            body = b""
        elif terminal == "malformed_json":
            body = break_json(body)
        if terminal == "truncated":
            headers = set_header(headers, "Content-Length", str(len(body)))
            result = self._respond(
                start_response, status, headers, [body[: len(body) // 2]], request_id, decision, record, set_length=False
            )
            # The server would keep the connection open (gunicorn ignores an app's "Connection: close"),
            # the client waiting for the missing bytes until keep-alive expires; a shutdown after the
            # half body (FIN follows the data) ends it at once, and the server reads EOF next and closes.
            result.after = lambda: shutdown(client_socket(environ))
            return result
        if terminal == "dribble":
            return self._respond(
                start_response,
                status,
                headers,
                dribbled(body, decision.terminal.params, self.sleep),
                request_id,
                decision,
                record,
                length=len(body),
            )
        if decision.spread_s > 0 or "bandwidth" in decision.shapes:
            return self._closing(
                environ,
                decision,
                self._respond(
                    start_response, status, headers, paced(body, decision, self.sleep), request_id, decision, record, length=len(body)
                ),
            )
        return self._closing(environ, decision, self._respond(start_response, status, headers, [body], request_id, decision, record))

    def _closing(self, environ: dict, decision: Decision, result):
        """With `slow_close`: once the body is sent, wait delay_s, then close the connection."""
        params = decision.shapes.get("slow_close")
        if params is None:
            return result
        sock = client_socket(environ)

        def later() -> None:
            self.sleep(params["delay_s"])
            shutdown(sock)

        result.after = later
        return result

    def _respond(
        self, start_response, status, headers, body_iter, request_id, decision, record, set_length: bool = True, length: int | None = None
    ):
        if set_length:
            if length is None:
                body_iter = list(body_iter)
                length = sum(len(b) for b in body_iter)
            headers = set_header(headers, "Content-Length", str(length))
        headers = set_header(headers, "X-Request-ID", request_id)
        if decision.fault_label:
            headers = set_header(headers, "X-Sandbox-Fault", decision.fault_label)
        start_response(status, headers)
        record.responded(status_code(status), headers)
        return Finishing(body_iter, record)
