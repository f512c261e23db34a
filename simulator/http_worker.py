"""The gunicorn worker the sandbox serves with: gevent's own HTTP server (pywsgi) in each worker.

Why not gunicorn's plain `gevent` worker (measured 2026-11-28, docs/benchmarks.md): that one
parses every request with gunicorn's parser (including a check of the peer against
`forwarded_allow_ips`), starts a keep-alive timer per request and writes a response's headers and
body in two socket writes; gevent's pywsgi parses in fewer steps and sends the headers with the
first body chunk in one write. A portal `TraCuuHoSo` at 50 connections costs about 9 % less CPU
on it, and the request at 10,000 held connections (the one-core delay benchmark) less still.

What the sandbox relies on, kept here:
- the client socket in the WSGI environ (`gunicorn.sock`, as gunicorn's own pywsgi handler puts
  it), which the fault engine's reset, hang, truncated and slow_close effects act on;
- an idle connection is closed after gunicorn's `keepalive` seconds (pywsgi alone would hold it
  for ever): the socket gets that timeout, so a client that stops sending, or stops reading a
  response, is dropped, as gunicorn's worker drops it;
- one connection accepted at a time when there are several workers, as gunicorn's gevent
  worker does, so the workers share the connections;
- request headers split without the email package's parser (gevent's pywsgi hands every header
  block to it: 7 % of a worker's time under the delay benchmark), to the same result;
- a response's status line, headers and first body chunk written together (pywsgi writes the
  headers, then the body: two sends, two TCP segments on the wire, two wake-ups of the client),
  when the chunk is at most `COALESCE_MAX` bytes and the body is not chunked;
- a response written with one `send` when the socket takes it whole (every reply the sandbox
  makes fits a socket buffer): gevent's `sendall` first asks the kernel for the socket's buffer
  size (a `getsockopt` call) and slices the data on every write, 4 % of a worker's time under
  the delay benchmark; what one `send` leaves goes through `sendall` as before;
- when each request arrived (`environ["sandbox.arrived"]`, monotonic seconds): when the event loop
  saw its first bytes, not when the connection's greenlet got its turn to read them. An injected
  latency counts from then (simulator/faults/middleware.py), so the time a request queued behind
  others in the worker is inside its configured latency, not added to it;
- no access log work when no access log is configured (gunicorn's handler formats the request's
  times and headers first and only then finds the log switched off).
"""

from __future__ import annotations

import io
import re
import time
from http import client as http_client

from gevent.pywsgi import OldMessage, headers_factory
from gunicorn.workers.ggevent import GeventPyWSGIWorker, PyWSGIHandler, PyWSGIServer

from simulator.faults.middleware import ARRIVED_KEY

LABEL = "gevent (pywsgi)"
MAX_LINE = 65536  # http.client's bounds, which pywsgi's own header parsing applies
MAX_HEADERS = 100
READ_BUFFER = 2048  # bytes; Python's default is 8 KiB
COALESCE_MAX = 65536  # bytes of a first body chunk copied behind the headers into one write
_FIELD_NAME = re.compile(r"[!-9;-~]+")  # what the email parser accepts before a colon
_END = (b"\r\n", b"\n", b"")


def parse_headers(fp) -> OldMessage:
    """A request's header block read from `fp`, as gevent's parser (http.client + email) makes it, faster.

    Plain `Name: value` lines (every real client's) are split here; a block with anything else
    (a folded line, a line with no colon or an odd name) goes to gevent's own parser whole, so
    the result is the same in every case. Too long a line or too many headers are refused as
    http.client refuses them.
    """
    lines = []
    while True:
        line = fp.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            message = OldMessage()
            message.status = "Line too long"
            return message
        lines.append(line)
        if len(lines) > MAX_HEADERS:
            raise http_client.HTTPException(f"got more than {MAX_HEADERS} headers")
        if line in _END:
            break
    fields = []
    for line in lines[:-1]:
        name, colon, value = line.decode("iso-8859-1").partition(":")
        value = value.lstrip(" \t").rstrip("\r\n")
        if not colon or not _FIELD_NAME.fullmatch(name) or "\r" in value:  # the email parser ends a line at a lone CR
            return headers_factory(io.BytesIO(b"".join(lines)))
        fields.append((name, value))
    return HeaderBlock(fields)


class HeaderBlock(OldMessage):
    """A parsed header block that answers `get` from a dict.

    pywsgi asks for six to eight names per request (transfer-encoding, content-length, connection,
    upgrade, content-type); the email package's `get` lower-cases every header name on each ask.
    The first value of a name wins, as there; values are `str` from Latin-1, which its default
    policy hands back unchanged.
    """

    def __init__(self, fields: list[tuple[str, str]]):
        super().__init__()
        self._headers = fields
        self._first: dict[str, str] | None = None

    def get(self, name: str, failobj=None):
        """The first value of header `name` (any case), else `failobj`."""
        first = self._first
        if first is None:
            first = self._first = {}
            for key, value in self._headers:
                first.setdefault(key.lower(), value)
        return first.get(name.lower(), failobj)

    def __setitem__(self, name: str, value: str) -> None:
        super().__setitem__(name, value)
        self._first = None

    def __delitem__(self, name: str) -> None:
        super().__delitem__(name)
        self._first = None


class SandboxServer(PyWSGIServer):
    """gevent's WSGI server with the worker's idle timeout and access-log switch."""

    idle_timeout_s: float | None = None  # set by the worker from gunicorn's `keepalive`
    access_log = False


class SandboxHandler(PyWSGIHandler):
    """One connection: requests until the client closes, goes idle, or the app drops it."""

    def __init__(self, sock, address, server, rfile=None):
        # A small read buffer per connection: 10,000 held connections each keep theirs. A request's
        # line and headers (a few hundred bytes from real clients) still arrive in one read.
        super().__init__(sock, address, server, rfile if rfile is not None else sock.makefile("rb", READ_BUFFER))

    def handle(self) -> None:
        """Serve the connection's requests, each socket wait bounded by the idle timeout."""
        timeout = self.server.idle_timeout_s
        if timeout:
            self.socket.settimeout(timeout)
        self._answered_at = self.arrived = time.monotonic()
        super().handle()

    def read_requestline(self) -> str:
        """The request line; notes when the request arrived (see the module doc)."""
        loop = self.server.loop
        before = loop.now()
        line = super().read_requestline()
        now = time.monotonic()
        seen = loop.now()  # the event loop's time: when its last poll returned
        if seen != before:
            # This greenlet waited for the line: its bytes were there when the loop's poll returned,
            # and a client that waits for its answers sent them after the previous answer.
            self.arrived = max(self._answered_at, min(now, now - (time.time() - seen)))
        else:  # the line was already read into the buffer: it arrived no later than now
            self.arrived = now
        return line

    def get_environ(self) -> dict:
        """pywsgi's environ (with gunicorn's `gunicorn.sock`) and the request's arrival time."""
        env = super().get_environ()
        env[ARRIVED_KEY] = self.arrived
        return env

    def handle_one_response(self) -> None:
        """Run the app and send its response; note when it was sent."""
        try:
            super().handle_one_response()
        finally:
            self._answered_at = time.monotonic()

    def MessageClass(self, fp, *args) -> OldMessage:  # noqa: N802 - pywsgi's name for its header parser
        """The request's headers (see `parse_headers`)."""
        return parse_headers(fp)

    def _headers(self):
        """The request's `HTTP_*` environ entries, as pywsgi makes them, without re-splitting its lines."""
        if not isinstance(self.headers, HeaderBlock):  # a block gevent's parser read (folded lines...)
            yield from super()._headers()
            return
        for name, value in self.headers._headers:
            if "_" in name:
                continue  # pywsgi drops names with an underscore (header spoofing of environ keys)
            key = name.replace("-", "_").upper()
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                yield "HTTP_" + key, value.strip()

    def _write_with_headers(self, data) -> None:
        """The status line and headers, then `data`: one write when `data` is small and not chunked."""
        if not data or len(data) > COALESCE_MAX:
            super()._write_with_headers(data)
            return
        self.headers_sent = True
        self.finalize_headers()
        if self.response_use_chunked:  # finalize_headers chose chunked framing: pywsgi frames the body
            self._sendall(self._head())
            self._write(data)
            return
        self._sendall(self._head() + data)

    def _head(self) -> bytearray:
        """The status line and headers as pywsgi writes them (both already Latin-1 bytes)."""
        head = bytearray(b"HTTP/1.1 ")
        head += self.status
        head += b"\r\n"
        for header, value in self.response_headers:
            head += header
            head += b": "
            head += value
            head += b"\r\n"
        head += b"\r\n"
        return head

    def _sendall(self, data) -> None:
        """pywsgi's write of response bytes (status and count kept as it keeps them), one `send` first."""
        try:
            sent = self.socket.send(data)
            if sent < len(data):
                self.socket.sendall(memoryview(data)[sent:])
        except OSError as ex:
            self.status = f"socket error: {ex}"
            if self.code > 0:
                self.code = -self.code
            raise
        self.response_length += len(data)

    def log_request(self) -> None:
        """Access-log the request only when an access log is configured."""
        if self.server.access_log:
            super().log_request()


class SandboxWorker(GeventPyWSGIWorker):
    """gunicorn's gevent pywsgi worker with the handler above (`worker_class` in gunicorn_conf)."""

    server_class = SandboxServer
    wsgi_handler = SandboxHandler

    def run(self) -> None:
        """Apply this worker's settings to the server class, then serve."""
        SandboxServer.idle_timeout_s = float(self.cfg.keepalive) or None
        SandboxServer.access_log = bool(self.cfg.accesslog)
        if self.cfg.workers > 1:
            # One connection per accept, as gunicorn's gevent worker does: the workers share new
            # connections instead of the first awake taking a burst of a hundred.
            SandboxServer.max_accept = 1
        super().run()
