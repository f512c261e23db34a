"""WSGI middleware that puts the fault engine in front of every simulated system.

`FaultMiddleware(app, classify, engine, journal)` asks `classify(environ)` which simulated
system and operation a request is for (None: not simulated, e.g. /metrics, /docs, the admin
API: no fault, no journal row), asks the engine for a decision, and plays it on the wire:

- latency: `gevent.sleep` before the app runs (a greenlet waits, never an OS thread);
- error / maintenance (503) / rate_limit (429): answered here in the system's error format,
  with `Retry-After` for 429 and 503; the app is not called;
- hang: the connection stays silent for `cap_s`, then is closed with no response;
- reset: TCP RST (SO_LINGER 0 then close on `environ['gunicorn.socket']`), so clients see
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
from simulator.faults.wsgi_body import hostile_json_reason

log = logging.getLogger(__name__)
REQUEST_ID_RE = re.compile(r"^[\w.:@/+=-]{1,128}$")
MAINTENANCE_MESSAGE = "Hệ thống đang bảo trì, vui lòng thử lại sau"


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


class ConnectionDropped(StopIteration):
    """Raised to gunicorn after the socket was closed on purpose (hang, reset).

    gunicorn's async worker treats StopIteration from the app as "close this connection" and
    logs it at debug level, so a reset storm does not become a traceback storm.
    """


def _status_code(status: str) -> int:
    try:
        return int(status.split(" ", 1)[0])
    except ValueError:
        return 0


def _set_header(headers: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    low = name.lower()
    return [(k, v) for k, v in headers if k.lower() != low] + [(name, value)]


def _get_header(headers: list[tuple[str, str]], name: str) -> str | None:
    low = name.lower()
    return next((v for k, v in headers if k.lower() == low), None)


def strip_fields(value, fields: set[str]):
    """`value` with every mapping key in `fields` removed, at any depth."""
    if isinstance(value, dict):
        return {k: strip_fields(v, fields) for k, v in value.items() if k not in fields}
    if isinstance(value, list):
        return [strip_fields(v, fields) for v in value]
    return value


def _break_json(body: bytes) -> bytes:
    stripped = body.rstrip()
    if stripped[-1:] in (b"}", b"]"):
        return stripped[:-1] + b"," + stripped[-1:]  # a trailing comma: every strict parser refuses it
    return body + b"{"


class FaultMiddleware:
    """WSGI middleware applying fault decisions to classified requests and journaling them."""

    def __init__(self, app: Callable, classify: Callable[[dict], RequestInfo | None], engine: Engine,
                 journal=None, sleep: Callable[[float], None] = gevent.sleep, max_body_bytes: int = 2_000_000):
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.classify = classify
        self.engine = engine
        self.journal = journal
        self.sleep = sleep
        self.requests_seen = 0  # every request, classified or not: the worker's activity signal

    def __call__(self, environ: dict, start_response: Callable):
        """Handle one request (the WSGI entry point)."""
        started = time.monotonic()
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
            return self._refuse_hostile(environ, start_response, info, hostile, request_id, started)
        if info is None:
            return self.app(environ, self._with_headers(start_response, request_id, None))
        info.request_id = request_id
        info.path = info.path or environ.get("PATH_INFO", "")
        decision = self.engine.decide(info)
        record = self._recorder(info, decision, started, environ)
        if decision.latency_s > 0:
            self.sleep(decision.latency_s)
        terminal = decision.terminal.kind if decision.terminal else None
        if terminal in ("hang", "reset"):
            return self._drop(environ, decision, record)
        if terminal in ("error", "maintenance", "rate_limit"):
            status, headers, body = self._synthetic(info, decision)
            return self._respond(start_response, status, headers, [body], request_id, decision, record)
        paced = decision.spread_s > 0 or "bandwidth" in decision.shapes
        if terminal is None and not decision.partial_fields and not paced:
            sr = self._with_headers(start_response, request_id, decision.fault_label, record)
            return self._closing(environ, decision, _Finishing(self.app(environ, sr), record))
        status, headers, body = self._call_app(environ)
        if decision.partial_fields:
            body, headers = self._partial(body, headers, decision.partial_fields)
        return self._transform(environ, start_response, terminal, decision, status, headers, body, request_id,
                               record)

    # -- helpers ---------------------------------------------------------------------------
    def _refuse_hostile(self, environ: dict, start_response, info: RequestInfo | None, reason: str,
                        request_id: str, started: float):
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
            return _Finishing([raw], record)
        return [raw]

    def _recorder(self, info: RequestInfo, decision: Decision, started: float, environ: dict) -> _Record:
        sim_ts = self.engine.clock.timestamp() if self.journal is not None else None
        record = _Record(self.journal, info, decision, started, sim_ts)
        settings = getattr(self.journal, "capture", None)
        if settings is not None and settings.enabled:
            record.snap = capture.snapshot(info.view, environ.get("QUERY_STRING", ""), info.via, settings.body_bytes)
            record.body_limit = settings.body_bytes
        return record

    @staticmethod
    def _with_headers(start_response, request_id: str, fault: str | None, record=None):
        def wrapped(status, headers, exc_info=None):
            headers = _set_header(list(headers), "X-Request-ID", request_id)
            if fault:
                headers = _set_header(headers, "X-Sandbox-Fault", fault)
            if record is not None:
                record.responded(_status_code(status), headers)  # journaled when the body is finished
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
        return wrapped

    def _drop(self, environ: dict, decision: Decision, record) -> Iterable[bytes]:
        effect = decision.terminal
        sock = environ.get("gunicorn.socket")
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

    def _synthetic(self, info: RequestInfo, decision: Decision) -> tuple[str, list, bytes]:
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
        headers = _set_header(headers, "Content-Type", content_type)
        return f"{status} {_reason(status)}", headers, raw

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

    @staticmethod
    def _partial(body: bytes, headers: list, fields: tuple[str, ...]) -> tuple[bytes, list]:
        if "json" not in (_get_header(headers, "Content-Type") or ""):
            return body, headers
        try:
            data = json.loads(body)
        except ValueError:
            return body, headers
        return json.dumps(strip_fields(data, set(fields)), ensure_ascii=False).encode(), headers

    def _transform(self, environ, start_response, terminal, decision, status, headers, body, request_id,
                   record):
        if terminal == "empty":
            body = b""
        elif terminal == "malformed_json":
            body = _break_json(body) if body else b"{"
        if terminal == "truncated":
            headers = _set_header(headers, "Content-Length", str(len(body)))
            result = self._respond(start_response, status, headers, [body[: len(body) // 2]], request_id,
                                   decision, record, set_length=False)
            # gunicorn ignores an app's "Connection: close" and would keep the connection open, the
            # client waiting for the missing bytes until keep-alive expires; a shutdown after the
            # half body (FIN follows the data) ends it at once, and gunicorn reads EOF next and closes.
            result.after = lambda: _shutdown(environ.get("gunicorn.socket"))
            return result
        if terminal == "dribble":
            return self._respond(start_response, status, headers,
                                 self._dribble(body, decision.terminal.params), request_id, decision, record,
                                 length=len(body))
        if decision.spread_s > 0 or "bandwidth" in decision.shapes:
            return self._closing(environ, decision, self._respond(
                start_response, status, headers, self._paced(body, decision), request_id, decision, record,
                length=len(body)))
        return self._closing(environ, decision,
                             self._respond(start_response, status, headers, [body], request_id, decision, record))

    def _paced(self, body: bytes, decision: Decision) -> Iterable[bytes]:
        """The body paced by `latency` with spread (even pauses) and/or `bandwidth` (bytes per second)."""
        rate = decision.shapes.get("bandwidth", {}).get("bytes_per_s")
        # Tenths of a second at the bandwidth, or ten pieces over the spread delay.
        size = max(1, rate // 10) if rate else max(1, -(-len(body) // 10))
        pieces = [body[i:i + size] for i in range(0, len(body), size)] or [b""]
        spread_pause = decision.spread_s / len(pieces)
        for i, piece in enumerate(pieces):
            pause = (len(piece) / rate if rate else 0.0) + spread_pause
            if i and pause > 0:
                self.sleep(pause)  # headers and the first piece go at once: the delay is in the body
            yield piece
        if rate and pieces:
            self.sleep(len(pieces[0]) / rate)  # the first piece's share of the budget

    def _closing(self, environ: dict, decision: Decision, result):
        """With `slow_close`: once the body is sent, wait delay_s, then close the connection."""
        params = decision.shapes.get("slow_close")
        if params is None:
            return result
        sock = environ.get("gunicorn.socket")

        def later() -> None:
            self.sleep(params["delay_s"])
            _shutdown(sock)

        result.after = later
        return result

    def _dribble(self, body: bytes, params: dict) -> Iterable[bytes]:
        chunks = max(1, min(params["chunks"], len(body) or 1))
        size = -(-len(body) // chunks) if body else 0
        pause = params["duration_s"] / chunks
        for i in range(chunks):
            self.sleep(pause)  # sleep first: the whole body takes duration_s, not duration_s - pause
            yield body[i * size:(i + 1) * size]

    def _respond(self, start_response, status, headers, body_iter, request_id, decision, record,
                 set_length: bool = True, length: int | None = None):
        if set_length:
            if length is None:
                body_iter = list(body_iter)
                length = sum(len(b) for b in body_iter)
            headers = _set_header(headers, "Content-Length", str(length))
        headers = _set_header(headers, "X-Request-ID", request_id)
        if decision.fault_label:
            headers = _set_header(headers, "X-Sandbox-Fault", decision.fault_label)
        start_response(status, headers)
        record.responded(_status_code(status), headers)
        return _Finishing(body_iter, record)


class _Record:
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
        if self.done or self.journal is None:
            return
        self.done = True
        info = self.info
        self.journal.record({
            "ts": time.time(), "sim_ts": self.sim_ts, "request_id": info.request_id, "client": info.client,
            "system": info.system, "operation": info.operation, "method": info.method, "path": info.path,
            "status": self.status if status is None else status, "fault": self.decision.fault_label,
            "latency_ms": round((time.monotonic() - self.started) * 1000, 3), "capture": self.snap,
        })


class _Finishing:
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
        try:
            if hasattr(self.iterable, "close"):
                self.iterable.close()
        finally:
            self.record()
            if self.after is not None:
                self.after()


def _shutdown(sock) -> None:
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
